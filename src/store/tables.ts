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
