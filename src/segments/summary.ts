import type { Engine } from '../engines/engine.js';
import { sql, str } from '../engines/sql.js';
import { segmentIr } from './refresh.js';
import { listSegments, type SavedSegment } from './store.js';

export interface SegmentSummary extends SavedSegment {
  /** Current members (kept live by real-time evaluation); null when never refreshed. */
  readonly size: number | null;
  readonly refreshedAt: Date | null;
  /** The evaluation time of the last refresh. */
  readonly asOf: Date | null;
  /** Membership follows incoming data while a server runs; `realtimeReason` says why not when false. */
  readonly realtime: boolean;
  readonly realtimeReason: string | null;
  /** Membership can change with time alone (relative windows): the server also sweeps it on a schedule. */
  readonly timeWindows: boolean;
}

/** Where the summary is read: a server that keeps segments live, one that does not, or the file with no server. */
export type LiveMode = 'live' | 'server-not-live' | 'no-server';

const notLive: Record<Exclude<LiveMode, 'live'>, string> = {
  'server-not-live': 'this server runs without real-time evaluation (strata serve --no-live): run segment refresh',
  'no-server': 'no Strata server is running: membership changes on strata segment refresh',
};

/** Whether a saved segment is kept live, and why not. */
export function realtimeOf(
  segment: SavedSegment,
  saved: readonly SavedSegment[],
  mode: LiveMode,
): Pick<SegmentSummary, 'realtime' | 'realtimeReason' | 'timeWindows'> {
  try {
    const ir = segmentIr(segment, saved, new Date());
    if (mode !== 'live') return { realtime: false, realtimeReason: notLive[mode], timeWindows: ir.timeDependent };
    return { realtime: true, realtimeReason: null, timeWindows: ir.timeDependent };
  } catch (error) {
    return {
      realtime: false,
      realtimeReason: `cannot be evaluated: ${error instanceof Error ? error.message : String(error)}`,
      timeWindows: false,
    };
  }
}

/** Every segment with its size and time of last refresh: the segment list of the CLI, API and dashboard. */
export async function segmentSummaries(engine: Engine, workspace: string, mode: LiveMode): Promise<SegmentSummary[]> {
  const saved = await listSegments(engine, workspace);
  const w = str(workspace);
  const rows = await engine.query(
    sql`SELECT r.segment_id, r.recorded_at AS refreshed_at, r.at AS as_of
        FROM segment_refreshes AS r
        JOIN (SELECT segment_id, max(recorded_at) AS last FROM segment_refreshes
              WHERE workspace = ${w} GROUP BY segment_id) AS l
          ON l.segment_id = r.segment_id AND l.last = r.recorded_at
        WHERE r.workspace = ${w}`,
  );
  const sizes = await engine.query(
    sql`SELECT segment_id, count(*) AS size FROM segment_members WHERE workspace = ${w} GROUP BY segment_id`,
  );
  const latest = new Map(rows.map((row) => [String(row['segment_id']), row]));
  const size = new Map(sizes.map((row) => [String(row['segment_id']), Number(row['size'])]));
  return saved.map((segment) => {
    const row = latest.get(segment.id);
    return {
      ...segment,
      size: row ? (size.get(segment.id) ?? 0) : null,
      refreshedAt: (row?.['refreshed_at'] as Date | undefined) ?? null,
      asOf: (row?.['as_of'] as Date | undefined) ?? null,
      ...realtimeOf(segment, saved, mode),
    };
  });
}
