import type { ColumnType, Table } from '../../store/tables.js';
import { type Sql, trusted } from '../sql.js';
import { quoteIdent } from './quote.js';

/** Column types. JSON is kept as text (`String`): ClickHouse's `JSON` type drops JSON nulls and splits dotted keys. */
export const columnTypes: Record<ColumnType, string> = {
  string: 'String',
  double: 'Float64',
  bigint: 'Int64',
  boolean: 'Bool',
  timestamp: `DateTime64(3, 'UTC')`,
  json: 'String',
};

const columnList = (names: readonly string[]): string => `(${names.map(quoteIdent).join(', ')})`;

/**
 * How each per-user table is spread over a cluster's shards: by a hash of the user, so every table a segment reads
 * for one user is on that user's shard and the segment evaluates shard-locally (with `distributed_product_mode =
 * 'local'`, see settings.ts). Anonymous events go by their anonymous id, and move to their user's shard when it is
 * known (the writer rewrites them with a new `user_id`, which routes them anew). Tables not listed are small
 * (definitions, keys, webhooks, accounts, settings, runs) and are replicated whole to every shard, so joining one
 * never leaves the shard either.
 */
export const SHARDING: Readonly<Record<string, string>> = {
  events: 'cityHash64(coalesce("user_id", "anonymous_id"))',
  profiles: 'cityHash64("user_id")',
  // By the anonymous id alone: linking a visitor sets `user_id`, and a new version must land where the old one is.
  identities: 'cityHash64("anonymous_id")',
  segment_members: 'cityHash64("user_id")',
  segment_changes: 'cityHash64("user_id")',
  static_members: 'cityHash64("user_id")',
  trait_changes: 'cityHash64("user_id")',
  model_scores: 'cityHash64("user_id")',
};

/** The shard-local table behind a sharded table's `Distributed` one. */
export const localName = (table: string): string => `${table}_local`;

/** A cluster name as written in DDL: plain names only, so it is never escaped into text. */
export function checkClusterName(name: string): string {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name))
    throw new Error(`a cluster name is letters, digits, '_', '.' and '-', got "${name}"`);
  return name;
}

/**
 * DDL for one table. ClickHouse has no uniqueness constraints: a table with a primary key is a `ReplacingMergeTree`
 * ordered by that key, so the last row written for a key replaces earlier ones once parts merge, and reads see
 * exactly one row per key because the connections set `final = 1` (see settings.ts). A table with a `dedupKey` (the
 * events) is a `ReplacingMergeTree` ordered by it, so an event written twice is stored once. Other tables are
 * `MergeTree` ordered by their sort key. Large append-only tables are partitioned by month. A nullable key column
 * (events' `user_id`: anonymous events have none) needs `allow_nullable_key`; storing '' instead would change what
 * `user_id IS NULL` means to every query.
 *
 * On a cluster every table is `Replicated…` (coordinated by ClickHouse Keeper through the `{shard}`, `{replica}` and
 * `{database}` macros of each server's config): a sharded table is a shard-local table plus a `Distributed` table of
 * the table's own name over it, so queries and writes name tables as on a single server; any other table is one
 * replicated copy on every server.
 */
export function createTable(table: Table, cluster?: string): readonly Sql[] {
  const columns = table.columns.map((c) => {
    const type = columnTypes[c.type];
    return `${quoteIdent(c.name)} ${c.nullable ? `Nullable(${type})` : type}`;
  });
  const key = table.primaryKey ?? table.dedupKey ?? table.sortKey;
  const family = table.primaryKey || table.dedupKey ? 'ReplacingMergeTree' : 'MergeTree';
  const sharding = cluster ? SHARDING[table.name] : undefined;
  const name = sharding ? localName(table.name) : table.name;
  const engine = cluster
    ? `Replicated${family}('/clickhouse/tables/${sharding ? '{shard}' : 'all'}/{database}/${name}', '{replica}')`
    : family;
  const onCluster = cluster ? ` ON CLUSTER ${quoteIdent(checkClusterName(cluster))}` : '';
  const partition = table.monthlyPartition;
  const nullableKey = key.some((column) => table.columns.find((c) => c.name === column)?.nullable);
  const clauses = [
    `ENGINE = ${engine}`,
    partition ? `PARTITION BY toYYYYMM(${quoteIdent(partition)})` : '',
    `ORDER BY ${columnList(key)}`,
    nullableKey ? 'SETTINGS allow_nullable_key = 1' : '',
  ].filter((clause) => clause !== '');
  const statements = [
    trusted(`CREATE TABLE IF NOT EXISTS ${quoteIdent(name)}${onCluster} (${columns.join(', ')}) ${clauses.join(' ')}`),
  ];
  if (sharding && cluster) {
    statements.push(
      trusted(
        `CREATE TABLE IF NOT EXISTS ${quoteIdent(table.name)}${onCluster} AS ${quoteIdent(name)} ` +
          `ENGINE = Distributed('${cluster}', currentDatabase(), '${name}', ${sharding})`,
      ),
    );
  }
  return statements;
}
