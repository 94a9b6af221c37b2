import { z } from 'zod';
import { fromZod, UserError } from '../errors.js';

/**
 * The options of each model run: one Zod schema each, which validates API bodies and CLI flags alike and is
 * published in the OpenAPI document. Defaults are filled in here, so a stored run's `params` is complete.
 */

const asOf = z.iso
  .datetime({ offset: true })
  .optional()
  .describe(
    'fit on the data before this time (default for CLV: midnight after the last order; else now, or midnight after the last event when the data ends earlier)',
  );
const seed = z
  .int()
  .min(0)
  .max(2_147_483_647)
  .default(42)
  .describe('seed of every random choice: same seed, same model');

export const clvOptionsSchema = z.strictObject({
  asOf,
  unit: z
    .enum(['day', 'week'])
    .default('week')
    .describe('time unit of the fit; the published CDNOW parameters are per week'),
  horizonDays: z.int().min(1).max(3650).default(365).describe('days ahead for expected purchases and CLV'),
  discountRate: z.number().min(0).max(1).default(0.1).describe('annual discount rate of future revenue'),
});
export type ClvOptions = z.infer<typeof clvOptionsSchema>;

export const churnOptionsSchema = z
  .strictObject({
    asOf,
    label: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('supervised mode: the profile trait that holds the known outcome (e.g. "Churn")'),
    positive: z
      .union([z.string().max(200), z.number(), z.boolean()])
      .optional()
      .describe('supervised mode: the label value that means churned (e.g. "Yes"), compared as text'),
    windowDays: z
      .int()
      .min(7)
      .max(365)
      .default(60)
      .describe('behavioural mode: churned = no event in this many days after the cutoff'),
    lookbackDays: z
      .int()
      .min(7)
      .max(3650)
      .default(365)
      .describe('behavioural mode: only users with an event in this many days before the cutoff are scored'),
    traits: z
      .array(z.string().min(1).max(200))
      .max(50)
      .optional()
      .describe('profile traits to add as features (supervised mode: default every usable trait)'),
    folds: z.int().min(2).max(10).default(5).describe('supervised mode: folds of the cross-validation'),
    seed,
  })
  .superRefine((value, ctx) => {
    if ((value.label === undefined) !== (value.positive === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [value.label === undefined ? 'label' : 'positive'],
        message: 'supervised mode takes both label and positive',
        params: { code: 'missing_field' },
      });
    }
  });
export type ChurnOptions = z.infer<typeof churnOptionsSchema>;

export const clusterOptionsSchema = z.strictObject({
  asOf,
  k: z
    .union([z.literal('auto'), z.int().min(2).max(20)])
    .default('auto')
    .describe('number of clusters, or auto: the best mean silhouette for k in 2..kMax'),
  kMax: z.int().min(2).max(20).default(8).describe('largest k tried by auto'),
  features: z
    .array(z.string().min(1).max(200))
    .min(1)
    .max(20)
    .optional()
    .describe(
      'features to cluster on (default: orders, revenue, avg_order_value, order_recency_days, recency_days, tenure_days)',
    ),
  restarts: z.int().min(1).max(50).default(4).describe('k-means runs from different seeds; the lowest inertia wins'),
  seed,
});
export type ClusterOptions = z.infer<typeof clusterOptionsSchema>;

/** Validates options (an API body, CLI flags, a library call); a mismatch lists every issue, the first in the message. */
export function parseOptions<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issues = fromZod(parsed.error);
  const first = issues[0];
  throw new UserError(
    first?.code ?? 'invalid_value',
    `invalid options: ${first?.path ? `${first.path}: ` : ''}${first?.message ?? 'unexpected shape'}`,
    first?.path ?? '',
    400,
    issues,
  );
}
