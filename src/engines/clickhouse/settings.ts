import type { ClickHouseSettings } from '@clickhouse/client';

/**
 * Session settings every ClickHouse connection runs with (chDB passes them at connect, HTTP with each request).
 * Each one changes results, not just speed; the compiled segment SQL relies on them.
 */
export const sessionSettings = {
  /**
   * LEFT JOIN fills unmatched columns with NULL, not the type's default. The segment compiler relies on it: a user
   * without events must have a NULL `first_seen`, not 1970-01-01, and NULL aggregates.
   */
  join_use_nulls: 1,
  /**
   * Every read of a ReplacingMergeTree table behaves as `FINAL`: one row per primary key even before parts merge,
   * which is what an upsert means in the other engines. Applies to joined tables and subqueries too.
   */
  final: 1,
  /**
   * `FINAL` merges within each partition only. Sound because every partitioned ReplacingMergeTree is partitioned by
   * a column of its key (events: month of `ts`), so two versions of a row are always in the same partition.
   */
  do_not_merge_across_partitions_select_final: 1,
  /** `now()`, and timestamps written without a zone, are UTC, as everywhere else in Strata. */
  session_timezone: 'UTC',
  /**
   * A NULL into a non-Nullable column is an error, as a NOT NULL constraint is, instead of silently becoming ''
   * or 0 (ClickHouse's default for INSERT … SELECT and for JSONEachRow input).
   */
  insert_null_as_default: 0,
  input_format_null_as_default: 0,
  /** ALTER … UPDATE/DELETE mutations finish before the statement returns, so the next read sees them. */
  mutations_sync: '2',
  /**
   * A lightweight DELETE returns once it is recorded, and every read applies the deletes not yet done to what it
   * reads, so the next read sees them as if they were done. Waiting for each DELETE instead took seconds (3–10 s on
   * chDB, growing with the parts it touches), and ingestion deletes whenever a visitor's events move to their user.
   * A DELETE whose condition has a subquery cannot be applied on the fly: the engine waits for those
   * (`ClickHouseBaseEngine`).
   */
  lightweight_deletes_sync: '0',
  apply_mutations_on_fly: 1,
  /**
   * 64-bit integers as JSON numbers, as chDB does by default and a server does not. The normaliser makes them JS
   * numbers either way (as the DuckDB engine does); quoting would also make `toJSONString` (the dialect's
   * `jsonObject`) write them as strings.
   */
  output_format_json_quote_64bit_integers: 0,
  /** Timestamps as ISO-8601 in UTC (`2024-05-01T10:00:00.123Z`), whatever a column's time zone. */
  date_time_output_format: 'iso',
  /** NaN and ±Infinity as "nan"/"inf" strings instead of null, so they survive as numbers. */
  output_format_json_quote_denormals: 1,
} as const satisfies ClickHouseSettings;

/**
 * Added on a cluster (`--cluster`). Reads of a `Distributed` table inside IN or JOIN of another one run against the
 * shard-local tables, so a segment, whose tables are all sharded by user (ddl.ts), evaluates on each shard without
 * moving data between them; inserts into a `Distributed` table are forwarded before the statement returns, so the
 * next read sees them, as on one server.
 */
export const clusterSettings = {
  distributed_product_mode: 'local',
  distributed_foreground_insert: 1,
} as const satisfies ClickHouseSettings;

/** The settings as `clickhouse local` command-line arguments (chDB's `connectionArgs`). */
export function settingsArgs(): string[] {
  return Object.entries(sessionSettings).map(([name, value]) => `--${name}=${value}`);
}
