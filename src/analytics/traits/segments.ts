import type { Engine } from '../../engines/engine.js';
import { dependenciesOf } from '../../live/dependencies.js';
import { dependencyOrder } from '../../segments/dependencies.js';
import { type RefreshResult, refreshSegment, segmentIr } from '../../segments/refresh.js';
import { listSegments } from '../../segments/store.js';

/**
 * Refreshes, in dependency order, every segment whose rule reads one of `traits` (directly or through a segment it
 * refers to: references are inlined in the IR). A computed-trait run can move most users at once, so a full refresh
 * of the few segments that read them is cheaper than real-time evaluation of every touched user.
 */
export async function refreshSegmentsReading(
  engine: Engine,
  workspace: string,
  traits: ReadonlySet<string>,
  asOf: Date,
): Promise<RefreshResult[]> {
  if (traits.size === 0) return [];
  const saved = await listSegments(engine, workspace);
  const results: RefreshResult[] = [];
  for (const segment of dependencyOrder(saved)) {
    if (segment.kind !== 'dynamic') continue;
    const deps = dependenciesOf(segmentIr(segment, saved, asOf));
    if (![...deps.traits].some((trait) => traits.has(trait))) continue;
    results.push(await refreshSegment(engine, workspace, segment.id, { asOf }));
  }
  return results;
}
