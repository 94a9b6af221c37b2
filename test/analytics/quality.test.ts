import { beforeAll, describe, expect, it } from 'vitest';
import { qualityOptionsFromText, resolveQualityOptions } from '../../src/analytics/quality/options.js';
import { qualityReport } from '../../src/analytics/quality/report.js';
import { severityOf } from '../../src/analytics/quality/thresholds.js';
import type { QualityCheck, QualityCode, QualityReport } from '../../src/analytics/quality/types.js';
import { UserError } from '../../src/errors.js';
import { type EventRow, type Fixture, loadFixture, onEachEngine, resetData } from './harness.js';

const WS = 'shop';
const NOW = new Date('2024-06-01T12:00:00Z');
const HOSTILE_USER = 'o\'hara"; DROP TABLE profiles; --';
const HOSTILE_EVENT = "Robert'); DROP TABLE events;-- 🙂";
const HOSTILE_KEY = 'it\'s "q" ü';

const order = (id: string, user: string, day: string, revenue: number | null, properties = {}): EventRow => ({
  id,
  user,
  name: 'Order Completed',
  at: `2024-05-${day}T10:00:00Z`,
  revenue,
  properties,
});

/**
 * Hand-made so that every check finds something; the expectations below are counted from this list.
 * Events e01–e20 (20 in all).
 */
const QUALITY_FIXTURE: Fixture = {
  profiles: [
    { id: 'ann', traits: { plan: 'pro', age: 30 } },
    { id: 'bob', traits: { plan: 1 } },
    { id: 'cat', traits: {} },
    { id: 'dan', traits: {} },
    { id: HOSTILE_USER, traits: { age: '31', 'ü🙂 key': true } },
    { id: 'eve', traits: { plan: null } },
  ],
  events: [
    order('e01', 'ann', '01', 100, { order_id: 'A1', plan: 'pro' }),
    order('e02', 'ann', '02', 50, { order_id: 'A1' }),
    // Revenue only as a numeric property: it has a value.
    order('e03', 'bob', '03', null, { order_id: 'B1', revenue: 30 }),
    // A revenue property that is not a number: no value.
    order('e04', 'bob', '04', null, { order_id: 'B2', revenue: 'thirty' }),
    order('e05', 'cat', '05', -10),
    order('e06', 'cat', '06', 0, { order_id: '' }),
    { id: 'e07', user: 'dan', name: 'Order Refunded', at: '2024-05-07T10:00:00Z', revenue: 20 },
    { id: 'e08', user: 'dan', name: 'Order Refunded', at: '2024-05-08T10:00:00Z', revenue: -5 },
    // 48 h after its receipt.
    {
      id: 'e09',
      user: 'ann',
      name: 'Page Viewed',
      at: '2024-05-10T00:00:00Z',
      receivedAt: '2024-05-08T00:00:00Z',
      properties: { path: '/a' },
    },
    // 1 h after its receipt, but 36 h after now.
    {
      id: 'e10',
      user: 'ann',
      name: 'Page Viewed',
      at: '2024-06-03T00:00:00Z',
      receivedAt: '2024-06-02T23:00:00Z',
      properties: { path: null },
    },
    // Before 1970: a negative epoch.
    { id: 'e11', user: 'ann', name: 'Page Viewed', at: '1969-07-20T20:17:00Z', receivedAt: '2024-05-01T00:00:00Z' },
    { id: 'e12', user: null, anonymousId: 'anon-1', name: 'Page Viewed', at: '2024-05-01T00:00:00Z' },
    { id: 'e13', user: null, anonymousId: 'anon-1', name: 'Page Viewed', at: '2024-05-02T00:00:00Z' },
    { id: 'e14', user: null, anonymousId: 'anon-2', name: '', at: '2024-05-03T01:00:00Z' },
    { id: 'e15', user: 'ghost', name: 'Signed Up', at: '2024-05-01T00:00:00Z' },
    { id: 'e16', user: 'ghost', name: 'Signed Up', at: '2024-05-02T00:00:00Z' },
    { id: 'e17', user: 'zed', name: '  ', at: '2024-05-03T02:00:00Z' },
    {
      id: 'e18',
      user: HOSTILE_USER,
      name: HOSTILE_EVENT,
      at: '2024-05-04T00:00:00Z',
      properties: { [HOSTILE_KEY]: 1 },
    },
    {
      id: 'e19',
      user: HOSTILE_USER,
      name: HOSTILE_EVENT,
      at: '2024-05-05T00:00:00Z',
      properties: { [HOSTILE_KEY]: 'one' },
    },
    order('e20', 'bob', '09', 25, { order_id: 'B1' }),
  ],
  ingestLog: [
    { at: '2024-05-01T00:00:00Z', received: 10, stored: 8, duplicates: 2, rejected: 0 },
    { at: '2024-05-02T00:00:00Z', received: 10, stored: 9, duplicates: 0, rejected: 1 },
    { at: '2024-05-03T00:00:00Z', received: 5, stored: 5, duplicates: 0, rejected: 0 },
  ],
};

const byCode = (report: QualityReport): Record<QualityCode, QualityCheck> =>
  Object.fromEntries(report.checks.map((check) => [check.code, check])) as Record<QualityCode, QualityCheck>;

/** The numbers of a check, without its message and samples. */
const figures = (check: QualityCheck) => ({
  severity: check.severity,
  count: check.count,
  total: check.total,
  share: check.share,
  details: check.details,
});

describe('severityOf', () => {
  it('is ok for nothing found, then info, warning and error by share', () => {
    const t = { warning: 0.1, error: 0.5 };
    expect(severityOf(0, 10, t)).toBe('ok');
    expect(severityOf(0, 0, t)).toBe('ok');
    expect(severityOf(0.9, 10, t)).toBe('info');
    expect(severityOf(1, 10, t)).toBe('warning');
    expect(severityOf(5, 10, t)).toBe('error');
    expect(severityOf(1, 1000, { warning: 0, error: null })).toBe('warning');
    expect(severityOf(1000, 1000, { warning: null, error: null })).toBe('info');
  });
});

describe('options', () => {
  it('fills in the defaults', () => {
    const o = resolveQualityOptions({ now: NOW });
    expect(o).toMatchObject({
      ancientBefore: new Date('2000-01-01T00:00:00Z'),
      futureToleranceMs: 86_400_000,
      sampleLimit: 5,
      keysPerEvent: 200,
      orders: { orderEvents: ['Order Completed'], refundEvents: ['Order Refunded'] },
    });
  });

  it('rejects bad options with a 400 naming the option', () => {
    const failure = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        return error instanceof UserError ? { status: error.status, path: error.path } : error;
      }
      return null;
    };
    expect(failure(() => resolveQualityOptions({ sampleLimit: -1 }))).toEqual({ status: 400, path: 'sampleLimit' });
    expect(failure(() => resolveQualityOptions({ ancientBefore: new Date('nope') }))).toEqual({
      status: 400,
      path: 'ancientBefore',
    });
    expect(failure(() => qualityOptionsFromText({ ancientBefore: '2024-13-01' }))).toEqual({
      status: 400,
      path: 'ancientBefore',
    });
    expect(failure(() => qualityOptionsFromText({ sampleLimit: '2.5' }))).toEqual({ status: 400, path: 'sampleLimit' });
    expect(failure(() => qualityOptionsFromText({ futureToleranceHours: '-1' }))).toEqual({
      status: 400,
      path: 'futureToleranceHours',
    });
  });

  it('reads text options: times, hours, comma-separated event names', () => {
    expect(
      qualityOptionsFromText({
        ancientBefore: '2010-01-01',
        futureToleranceHours: '1.5',
        sampleLimit: '0',
        orderEvents: ['Purchase, Order Completed'],
      }),
    ).toEqual({
      ancientBefore: new Date('2010-01-01T00:00:00Z'),
      futureToleranceMs: 5_400_000,
      sampleLimit: 0,
      orders: { orderEvents: ['Purchase', 'Order Completed'], refundEvents: ['Order Refunded'], monetary: 'net' },
    });
    expect(qualityOptionsFromText({})).toEqual({});
  });
});

onEachEngine((engine) => {
  beforeAll(async () => {
    await resetData(engine());
    await loadFixture(engine(), WS, QUALITY_FIXTURE);
    // Another workspace's problems must not leak into the report.
    await loadFixture(engine(), 'other', {
      profiles: [{ id: 'x', traits: {} }],
      events: [
        { user: 'nobody', name: '', at: '1990-01-01T00:00:00Z', properties: { plan: 1 } },
        { user: 'x', name: 'Order Completed', at: '2024-05-01T00:00:00Z', properties: { plan: 'a' } },
      ],
      ingestLog: [{ at: '2024-05-01T00:00:00Z', received: 100, stored: 0, duplicates: 50, rejected: 50 }],
    });
  });

  it('counts every check by hand', async () => {
    const report = await qualityReport(engine(), WS, { now: NOW });
    const c = byCode(report);
    expect(report.totals).toEqual({
      events: 20,
      profiles: 6,
      // e01–e06, e20
      orders: 7,
      refunds: 2,
      // 10 + 10 + 5 received; 8 + 9 + 5 stored
      received: 25,
      stored: 22,
      duplicates: 2,
      rejected: 1,
      batches: 3,
    });
    // cat and dan of 6 profiles: 2 / 6 ≥ 20% → warning.
    expect(figures(c.users_without_traits)).toEqual({
      severity: 'warning',
      count: 2,
      total: 6,
      share: 2 / 6,
      details: {},
    });
    // e15, e16 (ghost), e17 (zed): 3 / 20 ≥ 5% → error.
    expect(figures(c.events_for_unknown_users)).toEqual({
      severity: 'error',
      count: 3,
      total: 20,
      share: 0.15,
      details: { users: 2 },
    });
    // e12–e14 from anon-1 and anon-2: 3 / 20 < 50% → info.
    expect(figures(c.anonymous_events)).toEqual({
      severity: 'info',
      count: 3,
      total: 20,
      share: 0.15,
      details: { anonymousIds: 2 },
    });
    // 2 of 25 received: 8% < 10% → info.
    expect(figures(c.duplicate_messages)).toEqual({
      severity: 'info',
      count: 2,
      total: 25,
      share: 0.08,
      details: { received: 25, stored: 22, batches: 3 },
    });
    // 1 of 25: 4% ≥ 1% → error.
    expect(figures(c.rejected_messages)).toMatchObject({ severity: 'error', count: 1, total: 25, share: 0.04 });
    // e14 ('') and e17 ('  ').
    expect(figures(c.events_without_name)).toMatchObject({ severity: 'error', count: 2, total: 20, share: 0.1 });
    // e09 (48 h after receipt), e10 (36 h after now).
    expect(figures(c.future_timestamps)).toEqual({
      severity: 'error',
      count: 2,
      total: 20,
      share: 0.1,
      details: { afterReceipt: 1, afterNow: 1, toleranceMs: 86_400_000 },
    });
    // e11 (1969).
    expect(figures(c.ancient_timestamps)).toMatchObject({ severity: 'error', count: 1, total: 20, share: 0.05 });
    // e04 ("thirty" is no number) of 7 orders: 14% ≥ 10% → error.
    expect(figures(c.missing_revenue)).toMatchObject({ severity: 'error', count: 1, total: 7, share: 1 / 7 });
    // e05 (order −10) and e07 (refund stored +20) of 7 orders + 2 refunds.
    expect(figures(c.negative_revenue)).toEqual({
      severity: 'error',
      count: 2,
      total: 9,
      share: 2 / 9,
      details: { negativeOrders: 1, positiveRefunds: 1 },
    });
    // e06: always info.
    expect(figures(c.zero_revenue)).toMatchObject({ severity: 'info', count: 1, total: 7, share: 1 / 7 });
    // e05 (no key) and e06 (empty): 2 / 7 < 50% → info.
    expect(figures(c.orders_without_order_id)).toMatchObject({ severity: 'info', count: 2, total: 7, share: 2 / 7 });
    // Ids A1 (e01, e02), B1 (e03, e20), B2 (e04): 2 of 3 repeated, 2 extra events.
    expect(figures(c.duplicate_order_ids)).toEqual({
      severity: 'error',
      count: 2,
      total: 3,
      share: 2 / 3,
      details: { extraEvents: 2 },
    });
    // Keys: Order Completed {order_id, plan, revenue}, Page Viewed {path}, the hostile event {HOSTILE_KEY}: 5.
    // revenue is a number (e03) and a string (e04); HOSTILE_KEY 1 and "one"; path's null is no type change.
    expect(figures(c.property_type_changes)).toEqual({
      severity: 'warning',
      count: 2,
      total: 5,
      share: 0.4,
      details: { keysExamined: 5, keysSkipped: 0, keysPerEvent: 200 },
    });
    // Trait keys plan (string, number, null), age (number, string), 'ü🙂 key' (boolean).
    expect(figures(c.trait_type_changes)).toEqual({
      severity: 'warning',
      count: 2,
      total: 3,
      share: 2 / 3,
      details: { keysExamined: 3, keysSkipped: 0, keysPerEvent: 200 },
    });
    // info: anonymous, duplicates, zero revenue, order ids; warning: bare profiles and both type checks.
    expect(report.summary).toEqual({ worst: 'error', ok: 0, info: 4, warning: 3, error: 8 });
    expect(report.settings).toEqual({
      now: NOW.toISOString(),
      ancientBefore: '2000-01-01T00:00:00.000Z',
      futureToleranceMs: 86_400_000,
      sampleLimit: 5,
      keysPerEvent: 200,
      orderEvents: ['Order Completed'],
      refundEvents: ['Order Refunded'],
    });
  });

  it('gives examples: events oldest first (future ones newest first), users and ids by how much they hold', async () => {
    const c = byCode(await qualityReport(engine(), WS, { now: NOW }));
    const ids = (code: QualityCode) => c[code].samples.map((s) => s['message_id']);
    expect(ids('events_without_name')).toEqual(['e14', 'e17']);
    expect(ids('future_timestamps')).toEqual(['e10', 'e09']);
    expect(ids('ancient_timestamps')).toEqual(['e11']);
    expect(ids('missing_revenue')).toEqual(['e04']);
    expect(ids('negative_revenue')).toEqual(['e05', 'e07']);
    expect(ids('zero_revenue')).toEqual(['e06']);
    expect(ids('orders_without_order_id')).toEqual(['e05', 'e06']);
    expect(c.ancient_timestamps.samples[0]).toEqual({
      message_id: 'e11',
      name: 'Page Viewed',
      user_id: 'ann',
      ts: '1969-07-20T20:17:00.000Z',
      received_at: '2024-05-01T00:00:00.000Z',
      revenue: null,
    });
    expect(c.negative_revenue.samples.map((s) => s['revenue'])).toEqual([-10, 20]);
    expect(c.users_without_traits.samples).toEqual([
      { user_id: 'cat', first_seen: '2024-05-05T10:00:00.000Z', last_seen: '2024-05-06T10:00:00.000Z' },
      { user_id: 'dan', first_seen: '2024-05-07T10:00:00.000Z', last_seen: '2024-05-08T10:00:00.000Z' },
    ]);
    expect(c.events_for_unknown_users.samples).toEqual([
      { user_id: 'ghost', events: 2 },
      { user_id: 'zed', events: 1 },
    ]);
    expect(c.anonymous_events.samples).toEqual([
      { anonymous_id: 'anon-1', events: 2 },
      { anonymous_id: 'anon-2', events: 1 },
    ]);
    expect(c.duplicate_messages.samples).toEqual([
      { at: '2024-05-01T00:00:00.000Z', source: 'test', received: 10, stored: 8, duplicates: 2, rejected: 0 },
    ]);
    expect(c.rejected_messages.samples.map((s) => s['at'])).toEqual(['2024-05-02T00:00:00.000Z']);
    expect(c.duplicate_order_ids.samples).toEqual([
      { order_id: 'A1', events: 2, first_message_id: 'e01', last_message_id: 'e02' },
      { order_id: 'B1', events: 2, first_message_id: 'e03', last_message_id: 'e20' },
    ]);
    // Both changed keys have 2 events; ties by event name ('O' before 'R').
    expect(c.property_type_changes.samples).toEqual([
      {
        event: 'Order Completed',
        key: 'revenue',
        events: 2,
        types: [
          { type: 'number', count: 1, example: 'e03' },
          { type: 'string', count: 1, example: 'e04' },
        ],
      },
      {
        event: HOSTILE_EVENT,
        key: HOSTILE_KEY,
        events: 2,
        types: [
          { type: 'number', count: 1, example: 'e18' },
          { type: 'string', count: 1, example: 'e19' },
        ],
      },
    ]);
    // plan is held by 3 profiles, age by 2; equal counts list types by name.
    expect(c.trait_type_changes.samples).toEqual([
      {
        key: 'plan',
        profiles: 3,
        types: [
          { type: 'null', count: 1, example: 'eve' },
          { type: 'number', count: 1, example: 'bob' },
          { type: 'string', count: 1, example: 'ann' },
        ],
      },
      {
        key: 'age',
        profiles: 2,
        types: [
          { type: 'number', count: 1, example: 'ann' },
          { type: 'string', count: 1, example: HOSTILE_USER },
        ],
      },
    ]);
  });

  it('limits examples, and runs no example query at sampleLimit 0', async () => {
    const one = byCode(await qualityReport(engine(), WS, { now: NOW, sampleLimit: 1 }));
    expect(one.future_timestamps.samples.map((s) => s['message_id'])).toEqual(['e10']);
    expect(one.property_type_changes.samples).toHaveLength(1);
    expect(one.property_type_changes.count).toBe(2);
    const none = await qualityReport(engine(), WS, { now: NOW, sampleLimit: 0 });
    expect(none.checks.every((check) => check.samples.length === 0)).toBe(true);
    expect(byCode(none).property_type_changes.count).toBe(2);
  });

  it('compares only the most frequent keys of each event when capped, and says how many it skipped', async () => {
    // keysPerEvent 1: Order Completed keeps order_id (6 events) and skips revenue (2) and plan (1); the other two
    // events have one key each. Only the hostile event's key is left to change type.
    const c = byCode(await qualityReport(engine(), WS, { now: NOW, keysPerEvent: 1 }));
    expect(figures(c.property_type_changes)).toEqual({
      severity: 'warning',
      count: 1,
      total: 3,
      share: 1 / 3,
      details: { keysExamined: 3, keysSkipped: 2, keysPerEvent: 1 },
    });
    expect(c.property_type_changes.message).toContain('2 less frequent keys were not compared');
    // Traits are one group: plan (3 profiles) is kept, age and 'ü🙂 key' skipped.
    expect(c.trait_type_changes.details).toEqual({ keysExamined: 1, keysSkipped: 2, keysPerEvent: 1 });
    expect(c.trait_type_changes.count).toBe(1);
  });

  it('honours the options: custom order events, tolerance, the ancient bound', async () => {
    const c = byCode(
      await qualityReport(engine(), WS, {
        now: NOW,
        // 49 h: e09 (48 h after receipt) and e10 (36 h after now) are within it.
        futureToleranceMs: 49 * 3_600_000,
        ancientBefore: new Date('2024-05-02T00:00:00Z'),
        orders: { orderEvents: ['Signed Up'], refundEvents: [], monetary: 'net' },
      }),
    );
    expect(c.future_timestamps.count).toBe(0);
    expect(c.future_timestamps.severity).toBe('ok');
    // Before May 2: e01 (May 1, 10:00), e11, e12 and e15 (May 1, midnight).
    expect(c.ancient_timestamps.count).toBe(4);
    // e15, e16 are the orders now: no revenue, no order id.
    expect(figures(c.missing_revenue)).toMatchObject({ count: 2, total: 2 });
    expect(figures(c.orders_without_order_id)).toMatchObject({ count: 2, total: 2, severity: 'warning' });
    expect(figures(c.negative_revenue)).toMatchObject({ count: 0, total: 2, severity: 'ok' });
    expect(c.duplicate_order_ids).toMatchObject({ count: 0, total: 0, share: 0, severity: 'ok' });
  });

  it('reports an empty workspace as all ok, with zero shares', async () => {
    const report = await qualityReport(engine(), 'empty', { now: NOW });
    expect(report.summary).toEqual({ worst: 'ok', ok: 15, info: 0, warning: 0, error: 0 });
    expect(report.checks.every((check) => check.count === 0 && check.share === 0)).toBe(true);
    expect(report.totals).toEqual({
      events: 0,
      profiles: 0,
      orders: 0,
      refunds: 0,
      received: 0,
      stored: 0,
      duplicates: 0,
      rejected: 0,
      batches: 0,
    });
  });

  it('writes messages a person can act on', async () => {
    const c = byCode(await qualityReport(engine(), WS, { now: NOW }));
    expect(c.users_without_traits.message).toBe('2 of 6 profiles (33.3%) have no traits: trait rules never match them');
    expect(c.future_timestamps.message).toContain('more than 24 h after their receipt (1) or after now (1)');
    expect(c.missing_revenue.message).toContain('1 of 7 orders ("Order Completed") (14.3%) carry no revenue');
    expect(c.property_type_changes.message).toContain('the 200 most frequent keys of each event');
  });
});
