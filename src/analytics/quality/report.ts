import type { Engine } from '../../engines/engine.js';
import type { Sql } from '../../engines/sql.js';
import { buildChecks } from './checks.js';
import { eventConditions, scanEvents } from './event-scan.js';
import { batchSamples, ingestTotals } from './ingest-log.js';
import { type QualityOptions, resolveQualityOptions } from './options.js';
import { duplicateOrderIds } from './order-ids.js';
import { bareProfileSamples, scanProfiles } from './profiles.js';
import { eventSamples } from './samples.js';
import { propertyTypeChanges, traitTypeChanges } from './type-changes.js';
import {
  type QualityCheck,
  type QualityCode,
  type QualityReport,
  type QualitySample,
  SEVERITIES,
  type Severity,
} from './types.js';
import { anonymousSamples, unknownUsers } from './users.js';

/**
 * The data quality report of a workspace: what in its data makes segments and analyses wrong or blind, each check
 * with a severity (thresholds in `thresholds.ts`), the figures behind it and a few examples.
 *
 * Cost: one scan of the events for every per-event count, one for the unknown users, one over the order events for
 * order ids, one that unnests and types every property key (the heaviest, bounded in output by `keysPerEvent`), one
 * over the profiles and one over their traits; then one small query per check that found something, for its examples
 * (none when `sampleLimit` is 0).
 */
export async function qualityReport(
  engine: Engine,
  workspace: string,
  options: QualityOptions = {},
): Promise<QualityReport> {
  const o = resolveQualityOptions(options);
  const limit = o.sampleLimit;
  const conditions = eventConditions(engine.dialect, o);
  const events = await scanEvents(engine, workspace, conditions);
  const unknown = await unknownUsers(engine, workspace, limit);
  const profiles = await scanProfiles(engine, workspace);
  const ingest = await ingestTotals(engine, workspace);
  const orderIds = await duplicateOrderIds(engine, workspace, o.orders, limit);
  const properties = await propertyTypeChanges(engine, workspace, o.keysPerEvent, limit);
  const traits = await traitTypeChanges(engine, workspace, o.keysPerEvent, limit);

  const samples: Partial<Record<QualityCode, readonly QualitySample[]>> = {};
  const take = async (code: QualityCode, found: number, load: () => Promise<QualitySample[]>) => {
    if (found > 0 && limit > 0) samples[code] = await load();
  };
  const ofEvents = (condition: Sql, order: 'oldest' | 'newest') => () =>
    eventSamples(engine, workspace, condition, order, limit);
  await take('users_without_traits', profiles.withoutTraits, () => bareProfileSamples(engine, workspace, limit));
  await take('anonymous_events', events.anonymous, () => anonymousSamples(engine, workspace, limit));
  await take('duplicate_messages', ingest.duplicates, () => batchSamples(engine, workspace, 'duplicates', limit));
  await take('rejected_messages', ingest.rejected, () => batchSamples(engine, workspace, 'rejected', limit));
  await take('events_without_name', events.unnamed, ofEvents(conditions.unnamed, 'oldest'));
  await take('future_timestamps', events.future, ofEvents(conditions.future, 'newest'));
  await take('ancient_timestamps', events.ancient, ofEvents(conditions.ancient, 'oldest'));
  await take('missing_revenue', events.missingRevenue, ofEvents(conditions.missingRevenue, 'oldest'));
  await take('negative_revenue', events.negativeRevenue, ofEvents(conditions.negativeRevenue, 'oldest'));
  await take('zero_revenue', events.zeroRevenue, ofEvents(conditions.zeroRevenue, 'oldest'));
  await take('orders_without_order_id', events.withoutOrderId, ofEvents(conditions.withoutOrderId, 'oldest'));

  const checks = buildChecks({ events, unknown, profiles, ingest, orderIds, properties, traits, samples }, o);
  return {
    workspace,
    settings: {
      now: o.now.toISOString(),
      ancientBefore: o.ancientBefore.toISOString(),
      futureToleranceMs: o.futureToleranceMs,
      sampleLimit: o.sampleLimit,
      keysPerEvent: o.keysPerEvent,
      orderEvents: o.orders.orderEvents,
      refundEvents: o.orders.refundEvents,
    },
    totals: {
      events: events.events,
      profiles: profiles.profiles,
      orders: events.orders,
      refunds: events.refunds,
      received: ingest.received,
      stored: ingest.stored,
      duplicates: ingest.duplicates,
      rejected: ingest.rejected,
      batches: ingest.batches,
    },
    summary: summarise(checks),
    checks,
  };
}

function summarise(checks: readonly QualityCheck[]): QualityReport['summary'] {
  const counts: Record<Severity, number> = { ok: 0, info: 0, warning: 0, error: 0 };
  for (const check of checks) counts[check.severity] += 1;
  const worst = [...SEVERITIES].reverse().find((severity) => counts[severity] > 0) ?? 'ok';
  return { worst, ...counts };
}
