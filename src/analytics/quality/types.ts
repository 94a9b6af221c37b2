/**
 * The data quality report's shape. It is plain JSON (times as ISO-8601 text), so the library, `GET /api/quality`
 * and `strata quality --json` return the very same object.
 */

/** `ok`: nothing found; `info`: worth knowing; `warning`: worth fixing; `error`: distorts results now. */
export type Severity = 'ok' | 'info' | 'warning' | 'error';

export const SEVERITIES: readonly Severity[] = ['ok', 'info', 'warning', 'error'];

export type QualityCode =
  | 'users_without_traits'
  | 'events_for_unknown_users'
  | 'anonymous_events'
  | 'duplicate_messages'
  | 'rejected_messages'
  | 'events_without_name'
  | 'future_timestamps'
  | 'ancient_timestamps'
  | 'missing_revenue'
  | 'negative_revenue'
  | 'zero_revenue'
  | 'orders_without_order_id'
  | 'duplicate_order_ids'
  | 'property_type_changes'
  | 'trait_type_changes';

/** A JSON type as `Dialect.jsonTypeName` names it. */
export type JsonTypeName = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'null';

/** How often a key held one JSON type, and one message id (or user id, for traits) where it did. */
export interface TypeSeen {
  readonly type: JsonTypeName;
  readonly count: number;
  readonly example: string;
}

export type SampleValue = string | number | null | readonly TypeSeen[];

/** One example of what a check found; its fields depend on the check (an event, a user, a batch, a key). */
export type QualitySample = Readonly<Record<string, SampleValue>>;

export interface QualityCheck {
  readonly code: QualityCode;
  readonly title: string;
  readonly severity: Severity;
  /** What was found: events, profiles, messages, order ids or keys (`unit`). */
  readonly count: number;
  /** What `count` is a part of (all events, all orders, all received messages…). */
  readonly total: number;
  /** `count / total`, 0 when `total` is 0. */
  readonly share: number;
  /** What `count` and `total` count. */
  readonly unit: string;
  readonly message: string;
  /** Further figures, such as distinct users or the split of a count. */
  readonly details: Readonly<Record<string, number>>;
  readonly samples: readonly QualitySample[];
}

export interface QualityTotals {
  readonly events: number;
  readonly profiles: number;
  readonly orders: number;
  readonly refunds: number;
  /** From the ingestion log: messages received, stored, dropped as duplicates, rejected; and the batches. */
  readonly received: number;
  readonly stored: number;
  readonly duplicates: number;
  readonly rejected: number;
  readonly batches: number;
}

/** The settings the report ran with, defaults filled in. */
export interface QualitySettings {
  readonly now: string;
  readonly ancientBefore: string;
  readonly futureToleranceMs: number;
  readonly sampleLimit: number;
  /** Type changes look at this many of the most frequent keys per event name (and of trait keys). */
  readonly keysPerEvent: number;
  readonly orderEvents: readonly string[];
  readonly refundEvents: readonly string[];
}

export interface QualityReport {
  readonly workspace: string;
  readonly settings: QualitySettings;
  readonly totals: QualityTotals;
  /** The worst severity and how many checks have each one. */
  readonly summary: { readonly worst: Severity } & Readonly<Record<Severity, number>>;
  readonly checks: readonly QualityCheck[];
}
