import type { Engine } from '../engines/engine.js';
import { sql, str } from '../engines/sql.js';
import { listSegments, type SavedSegment } from './store.js';

export interface SegmentSummary extends SavedSegment {
  /** Members at the last refresh; null when never refreshed. */
  readonly size: number | null;
  readonly refreshedAt: Date | null;
  /** The evaluation time of the last refresh. */
  readonly asOf: Date | null;
}

/** Every segment with its size and time of last refresh: the segment list of the CLI, API and dashboard. */
export async function segmentSummaries(engine: Engine, workspace: string): Promise<SegmentSummary[]> {
  const saved = await listSegments(engine, workspace);
  const rows = await engine.query(
    sql`SELECT r.segment_id, r.size, r.recorded_at AS refreshed_at, r.at AS as_of
        FROM segment_refreshes AS r
        JOIN (SELECT segment_id, max(recorded_at) AS last FROM segment_refreshes
              WHERE workspace = ${str(workspace)} GROUP BY segment_id) AS l
          ON l.segment_id = r.segment_id AND l.last = r.recorded_at
        WHERE r.workspace = ${str(workspace)}`,
  );
  const latest = new Map(rows.map((row) => [String(row['segment_id']), row]));
  return saved.map((segment) => {
    const row = latest.get(segment.id);
    return {
      ...segment,
      size: row ? Number(row['size']) : null,
      refreshedAt: (row?.['refreshed_at'] as Date | undefined) ?? null,
      asOf: (row?.['as_of'] as Date | undefined) ?? null,
    };
  });
}
