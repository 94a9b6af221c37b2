import type { Engine } from '../../engines/engine.js';
import { ident, int, type Sql, sql, str } from '../../engines/sql.js';
import { isoOf } from './samples.js';
import type { QualitySample } from './types.js';

export interface IngestTotals {
  readonly batches: number;
  readonly received: number;
  readonly stored: number;
  readonly duplicates: number;
  readonly rejected: number;
}

/** What ingestion saw, from its log: one row per batch (HTTP request, import, demo load). */
export async function ingestTotals(engine: Engine, workspace: string): Promise<IngestTotals> {
  // Aliases differ from the columns: ClickHouse would read `sum(received) AS received` as a nested aggregate.
  const [row] = await engine.query(
    sql`SELECT count(*) AS batch_count, coalesce(sum(received), 0) AS received_total,
          coalesce(sum(stored), 0) AS stored_total, coalesce(sum(duplicates), 0) AS duplicate_total,
          coalesce(sum(rejected), 0) AS rejected_total
        FROM ingest_log WHERE workspace = ${str(workspace)}`,
  );
  return {
    batches: Number(row?.['batch_count'] ?? 0),
    received: Number(row?.['received_total'] ?? 0),
    stored: Number(row?.['stored_total'] ?? 0),
    duplicates: Number(row?.['duplicate_total'] ?? 0),
    rejected: Number(row?.['rejected_total'] ?? 0),
  };
}

/** The latest batches with duplicates (or rejections), newest first. */
export async function batchSamples(
  engine: Engine,
  workspace: string,
  what: 'duplicates' | 'rejected',
  limit: number,
): Promise<QualitySample[]> {
  if (limit <= 0) return [];
  const column: Sql = what === 'duplicates' ? sql`duplicates` : sql`rejected`;
  const rows = await engine.query(
    sql`SELECT ${engine.dialect.epochMs(ident('at'))} AS at_ms, source, received, stored, duplicates, rejected
        FROM ingest_log WHERE workspace = ${str(workspace)} AND ${column} > 0
        ORDER BY at_ms DESC, source LIMIT ${int(limit)}`,
  );
  return rows.map((r) => ({
    at: isoOf(r['at_ms']),
    source: String(r['source']),
    received: Number(r['received']),
    stored: Number(r['stored']),
    duplicates: Number(r['duplicates']),
    rejected: Number(r['rejected']),
  }));
}
