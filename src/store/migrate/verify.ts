import type { Engine } from '../../engines/engine.js';
import { sql } from '../../engines/sql.js';
import { segmentIr } from '../../segments/refresh.js';
import { compileMembers } from '../../segments/sql/compile.js';
import { listSegments } from '../../segments/store.js';

export interface SegmentCheck {
  readonly workspace: string;
  readonly segment: string;
  readonly name: string;
  readonly source: number;
  readonly target: number;
  /** Users who are members on one store and not on the other. */
  readonly differing: number;
}

async function members(engine: Engine, workspace: string, ir: ReturnType<typeof segmentIr>): Promise<Set<string>> {
  const rows = await engine.query(compileMembers(ir, engine.dialect, { workspace }));
  return new Set(rows.map((row) => String(row['user_id'])));
}

/**
 * Evaluates every saved segment of every workspace on both stores at the same moment and compares the members:
 * the proof that a migration moved the data and that the target engine reads it the same way.
 */
export async function verifySegments(source: Engine, target: Engine, asOf: Date): Promise<SegmentCheck[]> {
  const workspaces = await source.query(sql`SELECT DISTINCT workspace FROM segments ORDER BY workspace`);
  const checks: SegmentCheck[] = [];
  for (const row of workspaces) {
    const workspace = String(row['workspace']);
    const saved = await listSegments(source, workspace);
    for (const segment of saved) {
      const ir = segmentIr(segment, saved, asOf);
      const [before, after] = [await members(source, workspace, ir), await members(target, workspace, ir)];
      let differing = 0;
      for (const user of before) if (!after.has(user)) differing++;
      for (const user of after) if (!before.has(user)) differing++;
      checks.push({
        workspace,
        segment: segment.id,
        name: segment.name,
        source: before.size,
        target: after.size,
        differing,
      });
    }
  }
  return checks;
}
