import type { EventCounts } from './event-scan.js';
import type { IngestTotals } from './ingest-log.js';
import type { ResolvedQualityOptions } from './options.js';
import type { DuplicateOrderIds } from './order-ids.js';
import type { ProfileCounts } from './profiles.js';
import { severityOf, THRESHOLDS } from './thresholds.js';
import { type TypeChanges, typeChangeSample } from './type-changes.js';
import type { QualityCheck, QualityCode, QualitySample } from './types.js';
import type { UnknownUsers } from './users.js';

/** Everything the checks are computed from: the query results, and samples of the per-event checks. */
export interface QualityData {
  readonly events: EventCounts;
  readonly unknown: UnknownUsers;
  readonly profiles: ProfileCounts;
  readonly ingest: IngestTotals;
  readonly orderIds: DuplicateOrderIds;
  readonly properties: TypeChanges;
  readonly traits: TypeChanges;
  readonly samples: Readonly<Partial<Record<QualityCode, readonly QualitySample[]>>>;
}

export const TITLES: Readonly<Record<QualityCode, string>> = {
  users_without_traits: 'Profiles without traits',
  events_for_unknown_users: 'Events of users without a profile',
  anonymous_events: 'Events never linked to a user',
  duplicate_messages: 'Duplicate messages dropped at ingestion',
  rejected_messages: 'Messages rejected at ingestion',
  events_without_name: 'Events without a name',
  future_timestamps: 'Timestamps in the future',
  ancient_timestamps: 'Timestamps too far in the past',
  missing_revenue: 'Orders without revenue',
  negative_revenue: 'Negative order revenue, positive refunds',
  zero_revenue: 'Orders with zero revenue',
  orders_without_order_id: 'Orders without an order id',
  duplicate_order_ids: 'Order ids used by several orders',
  property_type_changes: 'Event properties that change type',
  trait_type_changes: 'Traits that change type',
};

const fmt = (n: number) => n.toLocaleString('en-US');
const many = (n: number, singular: string) => `${fmt(n)} ${n === 1 ? singular : `${singular}s`}`;
const pct = (count: number, total: number) =>
  total > 0 ? ` (${((100 * count) / total).toLocaleString('en-US', { maximumFractionDigits: 1 })}%)` : '';
const names = (list: readonly string[]) => list.map((name) => JSON.stringify(name)).join(', ');
const hours = (ms: number) => `${(ms / 3_600_000).toLocaleString('en-US', { maximumFractionDigits: 2 })} h`;

interface Found {
  readonly count: number;
  readonly total: number;
  readonly unit: string;
  /** The message when something was found, and when nothing was. */
  readonly found: string;
  readonly none: string;
  readonly details?: Readonly<Record<string, number>>;
  readonly samples?: readonly QualitySample[] | undefined;
}

function check(code: QualityCode, f: Found): QualityCheck {
  return {
    code,
    title: TITLES[code],
    severity: severityOf(f.count, f.total, THRESHOLDS[code]),
    count: f.count,
    total: f.total,
    share: f.total > 0 ? f.count / f.total : 0,
    unit: f.unit,
    message: f.count > 0 ? f.found : f.none,
    details: f.details ?? {},
    samples: f.count > 0 ? (f.samples ?? []) : [],
  };
}

function typeCheck(
  code: 'property_type_changes' | 'trait_type_changes',
  changes: TypeChanges,
  cap: number,
  limit: number,
): QualityCheck {
  const events = code === 'property_type_changes';
  const what = events ? '(event, property) keys' : 'trait keys';
  const scope = events
    ? `the ${fmt(cap)} most frequent keys of each event`
    : `the ${fmt(cap)} most frequent trait keys`;
  const skipped = changes.keysSkipped > 0 ? `; ${fmt(changes.keysSkipped)} less frequent keys were not compared` : '';
  return check(code, {
    count: changes.changed,
    total: changes.keysExamined,
    unit: 'keys',
    found: `${fmt(changes.changed)} of ${fmt(changes.keysExamined)} ${what} hold more than one JSON type, so rules comparing them match only some values (compared: ${scope}${skipped})`,
    none: `no key holds more than one JSON type among ${fmt(changes.keysExamined)} ${what} (compared: ${scope}${skipped})`,
    details: { keysExamined: changes.keysExamined, keysSkipped: changes.keysSkipped, keysPerEvent: cap },
    samples: changes.samples
      .slice(0, limit)
      .map((c) => typeChangeSample(c, events ? 'event' : null, events ? 'events' : 'profiles')),
  });
}

/** The report's checks, in a stable order: identity, ingestion, time, revenue, types. */
export function buildChecks(data: QualityData, o: ResolvedQualityOptions): QualityCheck[] {
  const { events: e, unknown, profiles, ingest, orderIds } = data;
  const orders = names(o.orders.orderEvents);
  const refunds = names(o.orders.refundEvents);
  return [
    check('users_without_traits', {
      count: profiles.withoutTraits,
      total: profiles.profiles,
      unit: 'profiles',
      found: `${fmt(profiles.withoutTraits)} of ${fmt(profiles.profiles)} profiles${pct(profiles.withoutTraits, profiles.profiles)} have no traits: trait rules never match them`,
      none: `every one of ${fmt(profiles.profiles)} profiles has traits`,
      samples: data.samples.users_without_traits,
    }),
    check('events_for_unknown_users', {
      count: unknown.events,
      total: e.events,
      unit: 'events',
      found: `${fmt(unknown.events)} of ${fmt(e.events)} events${pct(unknown.events, e.events)} belong to ${many(unknown.users, 'user id')} without a profile: segments never see them (imported events, or deleted profiles)`,
      none: 'every identified event belongs to a profile',
      details: { users: unknown.users },
      samples: unknown.samples,
    }),
    check('anonymous_events', {
      count: e.anonymous,
      total: e.events,
      unit: 'events',
      found: `${fmt(e.anonymous)} of ${fmt(e.events)} events${pct(e.anonymous, e.events)} come from ${many(e.anonymousIds, 'anonymous id')} never linked to a user (no identify or alias for them)`,
      none: 'every event is linked to a user',
      details: { anonymousIds: e.anonymousIds },
      samples: data.samples.anonymous_events,
    }),
    check('duplicate_messages', {
      count: ingest.duplicates,
      total: ingest.received,
      unit: 'messages',
      found: `${fmt(ingest.duplicates)} of ${fmt(ingest.received)} messages received${pct(ingest.duplicates, ingest.received)} repeated a stored message id and were dropped; ${fmt(ingest.stored)} stored`,
      none: `no duplicates among ${fmt(ingest.received)} messages received in ${fmt(ingest.batches)} batches`,
      details: { received: ingest.received, stored: ingest.stored, batches: ingest.batches },
      samples: data.samples.duplicate_messages,
    }),
    check('rejected_messages', {
      count: ingest.rejected,
      total: ingest.received,
      unit: 'messages',
      found: `${fmt(ingest.rejected)} of ${fmt(ingest.received)} messages received${pct(ingest.rejected, ingest.received)} were rejected as invalid and are lost`,
      none: `no message rejected among ${fmt(ingest.received)} received`,
      details: { received: ingest.received, stored: ingest.stored, batches: ingest.batches },
      samples: data.samples.rejected_messages,
    }),
    check('events_without_name', {
      count: e.unnamed,
      total: e.events,
      unit: 'events',
      found: `${fmt(e.unnamed)} of ${fmt(e.events)} events${pct(e.unnamed, e.events)} have an empty or blank name: no rule can name them`,
      none: 'every event has a name',
      samples: data.samples.events_without_name,
    }),
    check('future_timestamps', {
      count: e.future,
      total: e.events,
      unit: 'events',
      found: `${fmt(e.future)} of ${fmt(e.events)} events${pct(e.future, e.events)} are dated more than ${hours(o.futureToleranceMs)} after their receipt (${fmt(e.afterReceipt)}) or after now (${fmt(e.afterNow)}): a client clock is wrong`,
      none: `no event is dated more than ${hours(o.futureToleranceMs)} after its receipt or after now`,
      details: { afterReceipt: e.afterReceipt, afterNow: e.afterNow, toleranceMs: o.futureToleranceMs },
      samples: data.samples.future_timestamps,
    }),
    check('ancient_timestamps', {
      count: e.ancient,
      total: e.events,
      unit: 'events',
      found: `${fmt(e.ancient)} of ${fmt(e.events)} events${pct(e.ancient, e.events)} are dated before ${o.ancientBefore.toISOString()}: a zero or misread timestamp`,
      none: `no event is dated before ${o.ancientBefore.toISOString()}`,
      samples: data.samples.ancient_timestamps,
    }),
    check('missing_revenue', {
      count: e.missingRevenue,
      total: e.orders,
      unit: 'orders',
      found: `${fmt(e.missingRevenue)} of ${fmt(e.orders)} orders (${orders})${pct(e.missingRevenue, e.orders)} carry no revenue: neither the revenue column nor a numeric properties.revenue`,
      none: `every one of ${fmt(e.orders)} orders (${orders}) carries revenue`,
      samples: data.samples.missing_revenue,
    }),
    check('negative_revenue', {
      count: e.negativeRevenue,
      total: e.orders + e.refunds,
      unit: 'orders and refunds',
      found: `orders (${orders}) with negative revenue: ${fmt(e.negativeOrders)}; refunds (${refunds}) stored positive: ${fmt(e.positiveRefunds)}. Net revenue is wrong`,
      none: `no order has negative revenue and no refund is stored positive`,
      details: { negativeOrders: e.negativeOrders, positiveRefunds: e.positiveRefunds },
      samples: data.samples.negative_revenue,
    }),
    check('zero_revenue', {
      count: e.zeroRevenue,
      total: e.orders,
      unit: 'orders',
      found: `${fmt(e.zeroRevenue)} of ${fmt(e.orders)} orders${pct(e.zeroRevenue, e.orders)} have revenue 0 (free orders, or a value sent under another name)`,
      none: 'no order has revenue 0',
      samples: data.samples.zero_revenue,
    }),
    check('orders_without_order_id', {
      count: e.withoutOrderId,
      total: e.orders,
      unit: 'orders',
      found: `${fmt(e.withoutOrderId)} of ${fmt(e.orders)} orders${pct(e.withoutOrderId, e.orders)} have no properties.order_id: a resent order cannot be told from a new one`,
      none: `every one of ${fmt(e.orders)} orders has properties.order_id`,
      samples: data.samples.orders_without_order_id,
    }),
    check('duplicate_order_ids', {
      count: orderIds.duplicated,
      total: orderIds.orderIds,
      unit: 'order ids',
      found: `${fmt(orderIds.duplicated)} of ${fmt(orderIds.orderIds)} order ids${pct(orderIds.duplicated, orderIds.orderIds)} appear in more than one order event: their revenue is counted again in ${many(orderIds.extraEvents, 'extra order event')}`,
      none: `each of ${fmt(orderIds.orderIds)} order ids appears in one order event`,
      details: { extraEvents: orderIds.extraEvents },
      samples: orderIds.samples,
    }),
    typeCheck('property_type_changes', data.properties, o.keysPerEvent, o.sampleLimit),
    typeCheck('trait_type_changes', data.traits, o.keysPerEvent, o.sampleLimit),
  ];
}
