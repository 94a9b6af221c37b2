import type { Engine } from '../../engines/engine.js';
import type { RefreshResult } from '../../segments/refresh.js';
import { defaultAsOf } from '../orders.js';
import { type AnalyticsRun, type RunTrigger, recordRun } from '../runs.js';
import { readSettings } from '../settings.js';
import { computedTraits } from './compute.js';
import { refreshSegmentsReading } from './segments.js';
import { writeComputedTraits } from './write.js';

export interface TraitRunOptions {
  /** Default: the settings' `traits.asOf` (now, or midnight after the last order). */
  readonly asOf?: Date;
  readonly trigger?: RunTrigger;
  readonly now?: () => Date;
}

export interface TraitRunResult {
  readonly run: AnalyticsRun;
  /** The segments refreshed because they read a computed trait that changed. */
  readonly segments: readonly RefreshResult[];
}

/**
 * One computed-traits run: computes RFM, lifecycle, journey and value tiers for every profile as of one time, writes
 * the values that changed (with their history) in one transaction, refreshes the segments that read them, and records
 * the run with its parameters and figures. A failed run is recorded as failed and rethrown; nothing is half-written.
 */
export async function refreshComputedTraits(
  engine: Engine,
  workspace: string,
  options: TraitRunOptions = {},
): Promise<TraitRunResult> {
  const now = options.now ?? (() => new Date());
  const started = now();
  const settings = await readSettings(engine, workspace);
  const asOf =
    options.asOf ??
    (settings.traits.asOf === 'data' ? ((await defaultAsOf(engine, workspace, settings.orders)) ?? started) : started);
  const { run, value: segments } = await recordRun(
    engine,
    workspace,
    {
      kind: 'traits',
      trigger: options.trigger ?? 'manual',
      params: { asOf: asOf.toISOString(), settings },
      asOf,
      startedAt: started,
      now,
    },
    async (record) => {
      const computed = await computedTraits(engine, workspace, asOf, settings);
      const written = await engine.transaction((tx) =>
        writeComputedTraits(tx, workspace, computed.relation, computed.traits, { asOf, at: started, runId: record.id }),
      );
      const changed = new Set(Object.entries(written.changes).flatMap(([trait, n]) => (n > 0 ? [trait] : [])));
      const refreshed = await refreshSegmentsReading(engine, workspace, changed, now());
      return {
        asOf,
        value: refreshed,
        stats: {
          changedUsers: written.changedUsers,
          changes: written.changes,
          lifecycleThresholds: computed.lifecycleThresholds,
          segmentsRefreshed: refreshed.map((s) => ({
            id: s.segmentId,
            name: s.name,
            entered: s.entered,
            exited: s.exited,
          })),
        },
      };
    },
  );
  return { run, segments };
}
