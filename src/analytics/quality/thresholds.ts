import type { QualityCode, Severity } from './types.js';

/**
 * When a check is worth more than a note. A check that finds nothing is `ok`. One that finds something is `info`,
 * a `warning` once `count / total` reaches `warning`, and an `error` once it reaches `error`; `0` means "from the
 * first finding", `null` "never". docs/analytics.md (## Data quality) explains each choice.
 */
export interface Thresholds {
  readonly warning: number | null;
  readonly error: number | null;
}

export const THRESHOLDS: Readonly<Record<QualityCode, Thresholds>> = {
  // Profiles without traits cannot match trait rules; common for track-only users, a problem when most are so.
  users_without_traits: { warning: 0.2, error: null },
  // Segments read profiles as the universe of users: these events are invisible to every rule.
  events_for_unknown_users: { warning: 0, error: 0.05 },
  // Visitors who never identified are normal on a website; mostly anonymous traffic means identify is missing.
  anonymous_events: { warning: 0.5, error: null },
  // Duplicates were dropped (idempotency works); many of them mean clients retry or replay heavily.
  duplicate_messages: { warning: 0.1, error: null },
  // Rejected messages are lost data.
  rejected_messages: { warning: 0, error: 0.01 },
  events_without_name: { warning: 0, error: 0.01 },
  // Times in the future or before `ancientBefore` put events in the wrong windows of every time-based rule.
  future_timestamps: { warning: 0, error: 0.01 },
  ancient_timestamps: { warning: 0, error: 0.01 },
  // Orders without a value understate revenue and monetary scores.
  missing_revenue: { warning: 0, error: 0.1 },
  negative_revenue: { warning: 0, error: 0.05 },
  // Free orders happen (vouchers, samples): worth knowing, not fixing.
  zero_revenue: { warning: null, error: null },
  // Without an order id a resent order cannot be told from a second one.
  orders_without_order_id: { warning: 0.5, error: null },
  // The same order stored twice counts its revenue twice.
  duplicate_order_ids: { warning: 0, error: 0.05 },
  // A key whose type changes breaks rules that compare it (a number rule never matches the string "42").
  property_type_changes: { warning: 0, error: null },
  trait_type_changes: { warning: 0, error: null },
};

/** The severity of `count` findings out of `total` under `thresholds`. */
export function severityOf(count: number, total: number, thresholds: Thresholds): Severity {
  if (count === 0) return 'ok';
  const share = total > 0 ? count / total : 1;
  if (thresholds.error !== null && share >= thresholds.error) return 'error';
  if (thresholds.warning !== null && share >= thresholds.warning) return 'warning';
  return 'info';
}
