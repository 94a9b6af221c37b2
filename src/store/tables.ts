/**
 * The store's tables as data. Each engine's dialect renders them as DDL, so the schema is written once.
 * Every table carries `workspace`: one Strata holds many isolated workspaces.
 */

export type ColumnType = 'string' | 'double' | 'bigint' | 'boolean' | 'timestamp' | 'json';

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable?: boolean;
}

export interface Table {
  readonly name: string;
  readonly columns: readonly Column[];
  /** Unique key, used for upserts. Large append-only tables have none: they are deduplicated on write. */
  readonly primaryKey?: readonly string[];
  /** The order rows are read in most: (workspace, user_id, ts) for events. Engines that sort storage use it. */
  readonly sortKey: readonly string[];
  /**
   * For a table without a primary key: columns (extending `sortKey`) on which two rows are the same row written twice.
   * Not a constraint, and not relied on by the writers, which deduplicate themselves; engines without uniqueness
   * constraints collapse such rows in storage (ClickHouse: a `ReplacingMergeTree` ordered by them), so a retried
   * write from another process cannot count twice.
   */
  readonly dedupKey?: readonly string[];
  /** A timestamp column to partition by month, for large append-only tables on engines that partition. */
  readonly monthlyPartition?: string;
}

const col = (name: string, type: ColumnType, nullable = false): Column => ({ name, type, nullable });

export const events: Table = {
  name: 'events',
  columns: [
    col('workspace', 'string'),
    col('message_id', 'string'),
    col('type', 'string'),
    col('name', 'string'),
    col('user_id', 'string', true),
    col('anonymous_id', 'string', true),
    col('ts', 'timestamp'),
    col('received_at', 'timestamp'),
    col('properties', 'json'),
    col('context', 'json', true),
    col('revenue', 'double', true),
  ],
  sortKey: ['workspace', 'user_id', 'ts'],
  dedupKey: ['workspace', 'user_id', 'ts', 'message_id'],
  monthlyPartition: 'ts',
};

export const profiles: Table = {
  name: 'profiles',
  columns: [
    col('workspace', 'string'),
    col('user_id', 'string'),
    col('traits', 'json'),
    col('trait_times', 'json'),
    col('account_id', 'string', true),
    col('first_seen', 'timestamp', true),
    col('last_seen', 'timestamp', true),
    col('updated_at', 'timestamp'),
  ],
  primaryKey: ['workspace', 'user_id'],
  sortKey: ['workspace', 'user_id'],
};

export const accounts: Table = {
  name: 'accounts',
  columns: [
    col('workspace', 'string'),
    col('account_id', 'string'),
    col('traits', 'json'),
    col('trait_times', 'json'),
    col('updated_at', 'timestamp'),
  ],
  primaryKey: ['workspace', 'account_id'],
  sortKey: ['workspace', 'account_id'],
};

/**
 * Anonymous visitors: an anonymous id, the user it resolved to once known (first link wins), and the traits given
 * while it was anonymous, merged into the user's profile when the link appears.
 */
export const identities: Table = {
  name: 'identities',
  columns: [
    col('workspace', 'string'),
    col('anonymous_id', 'string'),
    col('user_id', 'string', true),
    col('traits', 'json'),
    col('trait_times', 'json'),
    col('updated_at', 'timestamp'),
  ],
  primaryKey: ['workspace', 'anonymous_id'],
  sortKey: ['workspace', 'anonymous_id'],
};

export const apiKeys: Table = {
  name: 'api_keys',
  columns: [
    col('id', 'string'),
    col('workspace', 'string'),
    col('scope', 'string'),
    col('name', 'string', true),
    col('secret_hash', 'string'),
    col('created_at', 'timestamp'),
    col('revoked_at', 'timestamp', true),
  ],
  primaryKey: ['id'],
  sortKey: ['id'],
};

/** One row per ingestion batch: what arrived, what was stored, what was a duplicate or rejected. */
export const ingestLog: Table = {
  name: 'ingest_log',
  columns: [
    col('workspace', 'string'),
    col('at', 'timestamp'),
    col('source', 'string'),
    col('received', 'bigint'),
    col('stored', 'bigint'),
    col('duplicates', 'bigint'),
    col('rejected', 'bigint'),
  ],
  sortKey: ['workspace', 'at'],
};

export const schemaMigrations: Table = {
  name: 'schema_migrations',
  columns: [col('version', 'bigint'), col('name', 'string'), col('applied_at', 'timestamp')],
  primaryKey: ['version'],
  sortKey: ['version'],
};

/** Saved segments: the current definition; every version is kept in `segment_versions`. */
export const segments: Table = {
  name: 'segments',
  columns: [
    col('workspace', 'string'),
    col('id', 'string'),
    col('name', 'string'),
    col('description', 'string', true),
    col('kind', 'string'),
    col('rule', 'json', true),
    col('version', 'bigint'),
    col('created_at', 'timestamp'),
    col('updated_at', 'timestamp'),
  ],
  primaryKey: ['workspace', 'id'],
  sortKey: ['workspace', 'id'],
};

export const segmentVersions: Table = {
  name: 'segment_versions',
  columns: [
    col('workspace', 'string'),
    col('segment_id', 'string'),
    col('version', 'bigint'),
    col('name', 'string'),
    col('description', 'string', true),
    col('rule', 'json', true),
    col('created_at', 'timestamp'),
  ],
  primaryKey: ['workspace', 'segment_id', 'version'],
  sortKey: ['workspace', 'segment_id', 'version'],
};

/** Current members of each segment, as of its last refresh. */
export const segmentMembers: Table = {
  name: 'segment_members',
  columns: [
    col('workspace', 'string'),
    col('segment_id', 'string'),
    col('user_id', 'string'),
    col('since', 'timestamp'),
  ],
  sortKey: ['workspace', 'segment_id', 'user_id'],
};

/** The append-only enter/exit log; `seq` grows by one per change within a workspace. */
export const segmentChanges: Table = {
  name: 'segment_changes',
  columns: [
    col('workspace', 'string'),
    col('seq', 'bigint'),
    col('segment_id', 'string'),
    col('user_id', 'string'),
    col('change', 'string'),
    col('at', 'timestamp'),
    col('recorded_at', 'timestamp'),
  ],
  sortKey: ['workspace', 'seq'],
  monthlyPartition: 'at',
};

/** One row per refresh: size and movement, the segment's size history. */
export const segmentRefreshes: Table = {
  name: 'segment_refreshes',
  columns: [
    col('workspace', 'string'),
    col('segment_id', 'string'),
    col('at', 'timestamp'),
    col('size', 'bigint'),
    col('entered', 'bigint'),
    col('exited', 'bigint'),
    col('duration_ms', 'double'),
    col('recorded_at', 'timestamp'),
  ],
  sortKey: ['workspace', 'segment_id', 'at'],
};

/** The uploaded user ids of static segments. */
export const staticMembers: Table = {
  name: 'static_members',
  columns: [col('workspace', 'string'), col('segment_id', 'string'), col('user_id', 'string')],
  primaryKey: ['workspace', 'segment_id', 'user_id'],
  sortKey: ['workspace', 'segment_id', 'user_id'],
};

/**
 * Webhooks: where to send a workspace's enter/exit changes. Delivery is a durable cursor over `segment_changes`
 * (`cursor_seq`), so the change log itself is the outbox: a restart resumes from the cursor and loses nothing.
 * Changes with `seq <= sync_until` are the initial sync: only each current member's latest `entered` is sent.
 */
export const webhooks: Table = {
  name: 'webhooks',
  columns: [
    col('workspace', 'string'),
    col('id', 'string'),
    col('url', 'string'),
    col('secret', 'string'),
    /** JSON array of segment ids. */
    col('segment_ids', 'json'),
    /** 1 sends one change per request; more sends `{"events": [...]}` with up to this many. */
    col('batch_size', 'bigint'),
    /** `active` or `paused`. */
    col('state', 'string'),
    col('cursor_seq', 'bigint'),
    col('sync_until', 'bigint'),
    col('delivered_total', 'bigint'),
    col('failed_attempts_total', 'bigint'),
    col('consecutive_failures', 'bigint'),
    col('last_success_at', 'timestamp', true),
    col('last_failure_at', 'timestamp', true),
    col('last_error', 'string', true),
    col('next_attempt_at', 'timestamp', true),
    col('created_at', 'timestamp'),
    col('updated_at', 'timestamp'),
  ],
  primaryKey: ['workspace', 'id'],
  sortKey: ['workspace', 'id'],
};

/** Recent delivery attempts of each webhook, for its status page. */
export const webhookAttempts: Table = {
  name: 'webhook_attempts',
  columns: [
    col('workspace', 'string'),
    col('webhook_id', 'string'),
    col('at', 'timestamp'),
    col('first_seq', 'bigint'),
    col('last_seq', 'bigint'),
    col('events', 'bigint'),
    col('ok', 'boolean'),
    col('status_code', 'bigint', true),
    col('error', 'string', true),
    col('duration_ms', 'double'),
  ],
  sortKey: ['workspace', 'webhook_id', 'at'],
};

/** Each segment's size at the end of each day (UTC), recorded daily; earlier days are derived from the change log. */
export const segmentSizes: Table = {
  name: 'segment_sizes',
  columns: [
    col('workspace', 'string'),
    col('segment_id', 'string'),
    col('day', 'timestamp'),
    col('size', 'bigint'),
    col('recorded_at', 'timestamp'),
  ],
  primaryKey: ['workspace', 'segment_id', 'day'],
  sortKey: ['workspace', 'segment_id', 'day'],
};

/** Per-workspace analytics settings (order events, RFM groups, lifecycle thresholds, journey mapping, value tiers). */
export const analyticsSettings: Table = {
  name: 'analytics_settings',
  columns: [col('workspace', 'string'), col('settings', 'json'), col('updated_at', 'timestamp')],
  primaryKey: ['workspace'],
  sortKey: ['workspace'],
};

/**
 * Analytics runs: each computation of computed traits (and, later, each model fit) with its parameters, the data
 * window it read and its figures, so a result can be traced back to what produced it.
 */
export const analyticsRuns: Table = {
  name: 'analytics_runs',
  columns: [
    col('workspace', 'string'),
    col('id', 'string'),
    /** `traits` (RFM, lifecycle, journey, value tiers); models add their own kinds. */
    col('kind', 'string'),
    /** `running`, `succeeded` or `failed`. */
    col('status', 'string'),
    /** What started it: `manual`, `schedule`, `api`. */
    col('trigger', 'string'),
    col('as_of', 'timestamp', true),
    col('params', 'json'),
    col('stats', 'json', true),
    col('error', 'string', true),
    col('started_at', 'timestamp'),
    col('finished_at', 'timestamp', true),
  ],
  primaryKey: ['workspace', 'id'],
  sortKey: ['workspace', 'id'],
};

/**
 * The history of computed traits: one row each time a run gives a user a new value of a trait (`value` NULL: the
 * trait was removed). A user's value at time T is their latest row at or before T.
 */
export const traitChanges: Table = {
  name: 'trait_changes',
  columns: [
    col('workspace', 'string'),
    col('trait', 'string'),
    col('user_id', 'string'),
    col('value_json', 'json', true),
    col('at', 'timestamp'),
    col('run_id', 'string'),
  ],
  sortKey: ['workspace', 'trait', 'user_id', 'at'],
  monthlyPartition: 'at',
};

/**
 * The latest scores of each predictive model (`clv`, `churn`, `cluster`) per user: what the model's last successful
 * run wrote into the profiles as computed traits, kept whole (every output, not only the traits) and tied to that
 * run, so `GET /api/models/:kind/scores` and exports read one model's answers without re-running it.
 */
export const modelScores: Table = {
  name: 'model_scores',
  columns: [
    col('workspace', 'string'),
    col('kind', 'string'),
    col('user_id', 'string'),
    col('run_id', 'string'),
    col('scores', 'json'),
  ],
  // No primary key: a run replaces a kind's rows wholesale, and DuckDB's index makes deleting a million rows slow.
  sortKey: ['workspace', 'kind', 'user_id'],
};
