import type { Engine } from '../engines/engine.js';
import { sql } from '../engines/sql.js';
import { dependencyOrder } from '../segments/dependencies.js';
import { type RefreshResult, refreshSegment, segmentIr } from '../segments/refresh.js';
import { listSegments } from '../segments/store.js';

export interface SweepResult {
  readonly workspace: string;
  readonly refreshed: readonly RefreshResult[];
  /** Segments that could not be evaluated (e.g. a segment they refer to was changed); the others still were. */
  readonly failed: readonly { readonly segment: string; readonly message: string }[];
}

/**
 * Time passing changes membership without any event: a user leaves "ordered in the last 30 days" on day 31. A sweep
 * re-evaluates, for every user, each segment whose rule has a relative window (`timeDependent`), or every segment of
 * a workspace marked for a full sweep (at start-up, after a real-time evaluation failed).
 */
export async function sweep(
  engine: Engine,
  asOf: Date,
  options: { full?: ReadonlySet<string> | 'all' } = {},
): Promise<SweepResult[]> {
  const rows = await engine.query(sql`SELECT DISTINCT workspace FROM segments ORDER BY workspace`);
  const results: SweepResult[] = [];
  for (const row of rows) {
    const workspace = String(row['workspace']);
    const full = options.full === 'all' || (options.full?.has(workspace) ?? false);
    const saved = await listSegments(engine, workspace);
    const refreshed: RefreshResult[] = [];
    const failed: { segment: string; message: string }[] = [];
    for (const segment of dependencyOrder(saved)) {
      try {
        if (!full && (segment.kind === 'static' || !segmentIr(segment, saved, asOf).timeDependent)) continue;
        refreshed.push(await refreshSegment(engine, workspace, segment.id, { asOf }));
      } catch (error) {
        failed.push({ segment: segment.name, message: error instanceof Error ? error.message : String(error) });
      }
    }
    results.push({ workspace, refreshed, failed });
  }
  return results;
}
