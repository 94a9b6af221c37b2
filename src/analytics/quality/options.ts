import { z } from 'zod';
import { fromZod, UserError } from '../../errors.js';
import { parseTimeParam } from '../../live/history/membership-at.js';
import { defaultOrderOptions, type OrderOptions, orderOptionsSchema } from '../orders.js';

const HOUR_MS = 3_600_000;

export interface QualityOptions {
  /** The report's clock, for timestamps in the future; default: now. */
  readonly now?: Date;
  readonly orders?: OrderOptions;
  /** Events before this time are suspicious (a zero or wrongly parsed timestamp); default 2000-01-01. */
  readonly ancientBefore?: Date;
  /** How far after its receipt (or after `now`) an event may claim to have happened; default 24 h, as ingestion. */
  readonly futureToleranceMs?: number;
  /** Examples per check; default 5, 0 for none (cheaper: no sample queries). */
  readonly sampleLimit?: number;
  /** Type changes look at this many of the most frequent keys per event name (and trait keys); default 200. */
  readonly keysPerEvent?: number;
}

/** Every option with its default filled in. */
export interface ResolvedQualityOptions {
  readonly now: Date;
  readonly orders: OrderOptions;
  readonly ancientBefore: Date;
  readonly futureToleranceMs: number;
  readonly sampleLimit: number;
  readonly keysPerEvent: number;
}

export const QUALITY_DEFAULTS = {
  ancientBefore: new Date('2000-01-01T00:00:00Z'),
  futureToleranceMs: 24 * HOUR_MS,
  sampleLimit: 5,
  keysPerEvent: 200,
} as const;

export const MAX_SAMPLES = 100;
const MAX_TOLERANCE_MS = 366 * 24 * HOUR_MS;

const optionsSchema = z.strictObject({
  now: z.date().optional(),
  orders: orderOptionsSchema.optional(),
  ancientBefore: z.date().optional(),
  futureToleranceMs: z.number().min(0).max(MAX_TOLERANCE_MS).optional(),
  sampleLimit: z.int().min(0).max(MAX_SAMPLES).optional(),
  keysPerEvent: z.int().min(1).max(10_000).optional(),
});

/** Validates the options and fills in defaults; a bad option is a 400 naming it. */
export function resolveQualityOptions(options: QualityOptions = {}): ResolvedQualityOptions {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issues = fromZod(parsed.error);
    const first = issues[0];
    throw new UserError(first?.code ?? 'invalid_option', first?.message ?? 'invalid option', first?.path, 400, issues);
  }
  const o = parsed.data;
  return {
    now: o.now ?? new Date(),
    orders: o.orders ?? defaultOrderOptions,
    ancientBefore: o.ancientBefore ?? QUALITY_DEFAULTS.ancientBefore,
    futureToleranceMs: o.futureToleranceMs ?? QUALITY_DEFAULTS.futureToleranceMs,
    sampleLimit: o.sampleLimit ?? QUALITY_DEFAULTS.sampleLimit,
    keysPerEvent: o.keysPerEvent ?? QUALITY_DEFAULTS.keysPerEvent,
  };
}

/** The options as text, as a query string or the command line gives them. */
export interface QualityTextOptions {
  readonly ancientBefore?: string | undefined;
  readonly futureToleranceHours?: string | undefined;
  readonly sampleLimit?: string | undefined;
  /** Each item may itself be a comma-separated list. */
  readonly orderEvents?: readonly string[] | undefined;
  readonly refundEvents?: readonly string[] | undefined;
}

const invalid = (name: string, message: string) => new UserError('invalid_parameter', message, name, 400);

function numberParam(value: string | undefined, name: string, min: number, max: number, whole: boolean) {
  if (value === undefined || value.trim() === '') return undefined;
  const n = /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(n) || n < min || n > max || (whole && !Number.isInteger(n)))
    throw invalid(name, `${name} must be a ${whole ? 'whole ' : ''}number ${min}–${max}, got ${JSON.stringify(value)}`);
  return n;
}

const names = (values: readonly string[] | undefined) =>
  (values ?? [])
    .flatMap((value) => value.split(','))
    .map((name) => name.trim())
    .filter((name) => name !== '');

function ordersParam(text: QualityTextOptions): OrderOptions | undefined {
  const orderEvents = names(text.orderEvents);
  const refundEvents = names(text.refundEvents);
  if (orderEvents.length === 0 && refundEvents.length === 0) return undefined;
  const parsed = orderOptionsSchema.safeParse({
    ...(orderEvents.length > 0 ? { orderEvents } : {}),
    ...(refundEvents.length > 0 ? { refundEvents } : {}),
  });
  if (parsed.success) return parsed.data;
  const issues = fromZod(parsed.error);
  throw new UserError('invalid_parameter', issues[0]?.message ?? 'invalid event list', issues[0]?.path ?? '', 400);
}

/**
 * Options from text (`GET /api/quality?ancientBefore=…`, `strata quality --ancient-before …`); a bad value is a 400
 * whose path is the parameter's name.
 */
export function qualityOptionsFromText(text: QualityTextOptions): QualityOptions {
  const ancientBefore = parseTimeParam(text.ancientBefore, 'ancientBefore');
  const hours = numberParam(text.futureToleranceHours, 'futureToleranceHours', 0, MAX_TOLERANCE_MS / HOUR_MS, false);
  const sampleLimit = numberParam(text.sampleLimit, 'sampleLimit', 0, MAX_SAMPLES, true);
  const orders = ordersParam(text);
  return {
    ...(ancientBefore ? { ancientBefore } : {}),
    ...(hours !== undefined ? { futureToleranceMs: Math.round(hours * HOUR_MS) } : {}),
    ...(sampleLimit !== undefined ? { sampleLimit } : {}),
    ...(orders ? { orders } : {}),
  };
}
