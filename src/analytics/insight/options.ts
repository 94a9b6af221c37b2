import { z } from 'zod';
import type { Engine } from '../../engines/engine.js';
import { fromZod, UserError } from '../../errors.js';
import { defaultOrderOptions, type OrderOptions, orderOptionsSchema } from '../orders.js';
import { readSettings } from '../settings.js';

/** Conversion from one event to another; see `conversion.ts`. */
export const conversionOptionsSchema = z.strictObject({
  from: z.string().min(1).max(200).describe('the first event, e.g. "Product Viewed"'),
  to: z.string().min(1).max(200).describe('the event it should lead to, e.g. "Order Completed"'),
  withinDays: z.int().min(1).max(3650).optional().describe('count `to` only this many days after the first `from`'),
});
export type ConversionOptions = z.infer<typeof conversionOptionsSchema>;

/** What segment insight computes, with its defaults. */
export const insightOptionsSchema = z.strictObject({
  asOf: z.date().optional().describe('the evaluation time (default: now)'),
  orders: orderOptionsSchema.optional().describe("what an order is (default: the workspace's analytics settings)"),
  monetary: z.enum(['net', 'gross']).optional().describe('net or gross revenue, over the order options'),
  conversion: conversionOptionsSchema
    .optional()
    .describe('default: Product Viewed → Order Completed when the workspace has both'),
  retentionWeeks: z.int().min(0).max(104).default(12).describe('the last week of the retention curve'),
  top: z.int().min(1).max(100).default(10).describe('distinguishing items listed per kind'),
  eventDays: z.int().min(1).max(3650).default(90).describe('events are compared over this many days up to asOf'),
  minSupport: z
    .int()
    .min(1)
    .max(1_000_000)
    .default(5)
    .describe('an item is tested when this many members have it, or would be expected to'),
});
export type InsightInput = z.input<typeof insightOptionsSchema>;

export interface InsightOptions extends Omit<z.output<typeof insightOptionsSchema>, 'orders' | 'asOf' | 'monetary'> {
  readonly asOf: Date;
  readonly orders: OrderOptions;
}

/** Validates options given to the library (a 400 UserError listing every issue) and fills in the defaults. */
export function parseInsightOptions(input: InsightInput, now: () => Date = () => new Date()): InsightOptions {
  const parsed = insightOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const issues = fromZod(parsed.error);
    const first = issues[0];
    throw new UserError(first?.code ?? 'invalid_option', first?.message ?? 'invalid options', first?.path, 400, issues);
  }
  const { asOf, orders, monetary, ...rest } = parsed.data;
  if (asOf && Number.isNaN(asOf.getTime())) throw new UserError('invalid_parameter', 'asOf is not a time', 'asOf', 400);
  const base = orders ?? defaultOrderOptions;
  return { ...rest, asOf: asOf ?? now(), orders: monetary ? { ...base, monetary } : base };
}

/**
 * `parseInsightOptions` with the order options taken from the workspace's analytics settings when the input names
 * none, so insight counts the same orders and revenue as RFM and the computed traits.
 */
export async function resolveInsightOptions(
  engine: Engine,
  workspace: string,
  input: InsightInput,
  now: () => Date = () => new Date(),
): Promise<InsightOptions> {
  if (input.orders) return parseInsightOptions(input, now);
  const { orders } = await readSettings(engine, workspace);
  return parseInsightOptions({ ...input, orders }, now);
}
