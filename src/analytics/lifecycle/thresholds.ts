import { z } from 'zod';
import type { Engine } from '../../engines/engine.js';
import { UserError } from '../../errors.js';
import type { OrderOptions } from '../orders.js';
import { gapHistogram } from './order-days.js';
import { histogramQuantile } from './quantiles.js';

/**
 * Lifecycle thresholds in whole days. Unless configured, they come from the data's own rhythm: the gaps in days
 * between consecutive purchase days of the same customer (orders on one UTC day merged), up to `asOf`.
 *
 * - `activeDays` = ⌈p75 gap⌉: three quarters of repeat purchases come within it;
 * - `atRiskDays` = max(⌈p90 gap⌉, activeDays + 1): beyond p90 a purchase is overdue (at least a day past active, so
 *   the stages stay ordered when p75 = p90, as with a shop whose customers all buy every 7 days);
 * - `dormantDays` = 2 × atRiskDays, churned beyond;
 * - `newDays` = min(activeDays, 30).
 *
 * Quantiles are exact, by linear interpolation (`quantiles.ts`). With fewer than 20 gaps the quantiles say little,
 * and the defaults apply instead: active 30, at risk 90, dormant 180, new 30 (`source: 'default'` with the reason).
 * A configured threshold replaces its derived value, and the thresholds after it follow from it by the same rules
 * (configuring only `atRiskDays: 60` gives dormant 120). The result must keep new ≤ active < at risk < dormant.
 */

export const MIN_GAPS = 20;
export const DEFAULT_THRESHOLDS = { newDays: 30, activeDays: 30, atRiskDays: 90, dormantDays: 180 } as const;

export type ThresholdName = 'newDays' | 'activeDays' | 'atRiskDays' | 'dormantDays';
const ORDER: readonly ThresholdName[] = ['newDays', 'activeDays', 'atRiskDays', 'dormantDays'];

const days = (what: string) => z.int().min(0).max(36_500).optional().describe(what);

/** Configured thresholds (workspace settings); each left out is derived. Ordered: new ≤ active < at risk < dormant. */
export const lifecycleConfigSchema = z
  .strictObject({
    newDays: days('first seen at most this many days ago and no order yet: new'),
    activeDays: days('ordered (or, for active, any event) at most this many days ago'),
    atRiskDays: days('last order at most this many days ago: at risk; beyond: dormant or churned'),
    dormantDays: days('any event at most this many days ago: dormant; beyond: churned'),
  })
  .superRefine((config, ctx) => {
    for (const { high, message } of orderIssues(config))
      ctx.addIssue({ code: 'custom', path: [high], message, params: { code: 'invalid_order' } });
  });
export type LifecycleConfig = z.infer<typeof lifecycleConfigSchema>;

export interface LifecycleThresholds {
  readonly newDays: number;
  readonly activeDays: number;
  readonly atRiskDays: number;
  readonly dormantDays: number;
  /** Where the thresholds come from: every one configured, the data's gaps, or the defaults (too few gaps). */
  readonly source: 'derived' | 'configured' | 'default';
  /** Why the defaults apply, when they do. */
  readonly reason?: string;
  /** The thresholds that were configured (they override derived and default values). */
  readonly configured: readonly ThresholdName[];
  /** How many gaps between purchase days there are up to `asOf`. */
  readonly gaps: number;
  /** Quantiles of those gaps in days; null without gaps. */
  readonly quantiles: { readonly p50: number | null; readonly p75: number | null; readonly p90: number | null };
}

/** Every broken ordering constraint between the thresholds that are set, on the later one's path. */
function orderIssues(values: Partial<Record<ThresholdName, number>>) {
  const issues: { low: ThresholdName; high: ThresholdName; message: string }[] = [];
  const check = (low: ThresholdName, high: ThresholdName, strict: boolean) => {
    const a = values[low];
    const b = values[high];
    if (a === undefined || b === undefined || (strict ? a < b : a <= b)) return;
    issues.push({ low, high, message: `${high} (${b}) must be ${strict ? 'greater than' : 'at least'} ${low} (${a})` });
  };
  check('newDays', 'activeDays', false);
  check('activeDays', 'atRiskDays', true);
  check('atRiskDays', 'dormantDays', true);
  return issues;
}

/** The gap histogram as a map: gap in days → how many gaps. */
async function gapCounts(engine: Engine, workspace: string, asOf: Date, orders: OrderOptions) {
  const rows = await engine.query(gapHistogram(engine.dialect, workspace, asOf, orders));
  return new Map(rows.map((row) => [Number(row['gap_days']), Number(row['gaps'])]));
}

/**
 * Thresholds from a gap histogram and a configuration, without a database (the rules at the top of this file).
 * Throws a 422 `invalid_thresholds` naming a configured threshold when the result is out of order.
 */
export function thresholdsFrom(histogram: ReadonlyMap<number, number>, config: LifecycleConfig): LifecycleThresholds {
  const gaps = [...histogram.values()].reduce((sum, n) => sum + n, 0);
  const quantiles = {
    p50: histogramQuantile(histogram, 50),
    p75: histogramQuantile(histogram, 75),
    p90: histogramQuantile(histogram, 90),
  };
  const configured = ORDER.filter((name) => config[name] !== undefined);
  const enough = gaps >= MIN_GAPS;
  const activeDays =
    config.activeDays ?? (enough ? Math.max(1, Math.ceil(quantiles.p75 ?? 0)) : DEFAULT_THRESHOLDS.activeDays);
  const atRiskBase = enough ? Math.ceil(quantiles.p90 ?? 0) : DEFAULT_THRESHOLDS.atRiskDays;
  const atRiskDays = config.atRiskDays ?? Math.max(atRiskBase, activeDays + 1);
  const dormantDays = config.dormantDays ?? 2 * atRiskDays;
  const newDays = config.newDays ?? Math.min(activeDays, DEFAULT_THRESHOLDS.newDays);
  const [broken] = orderIssues({ newDays, activeDays, atRiskDays, dormantDays });
  if (broken) {
    // Name a configured threshold: a derived one cannot be fixed directly.
    const path = configured.includes(broken.high) ? broken.high : broken.low;
    throw new UserError(
      'invalid_thresholds',
      `lifecycle thresholds out of order with the derived values: ${broken.message}`,
      path,
      422,
    );
  }
  const source = configured.length === ORDER.length ? 'configured' : enough ? 'derived' : 'default';
  return {
    newDays,
    activeDays,
    atRiskDays,
    dormantDays,
    source,
    ...(source === 'default'
      ? { reason: `only ${gaps} gap${gaps === 1 ? '' : 's'} between purchase days up to as-of; ${MIN_GAPS} needed` }
      : {}),
    configured,
    gaps,
    quantiles,
  };
}

/** The lifecycle thresholds of a workspace at `asOf` (null: no data yet, so no gaps). */
export async function lifecycleThresholds(
  engine: Engine,
  workspace: string,
  asOf: Date | null,
  orders: OrderOptions,
  config: LifecycleConfig = {},
): Promise<LifecycleThresholds> {
  const histogram = asOf === null ? new Map<number, number>() : await gapCounts(engine, workspace, asOf, orders);
  return thresholdsFrom(histogram, config);
}
