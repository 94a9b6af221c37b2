import { beforeAll, describe, expect, it } from 'vitest';
import { readPurchaseDays } from '../../src/models/clv/purchase-days.js';
import { readBehaviour, topEvents } from '../../src/models/features/behaviour.js';
import { type EventRow, loadFixture, onEachEngine, resetData } from '../analytics/harness.js';

/**
 * The SQL that feeds the models, on both engines, against values worked out by hand. As-of is 2024-07-01 00:00 UTC;
 * the observation for BG/NBD therefore ends with 30 June (day 19904 since the epoch).
 */
const WS = 'models';
const ORDER = 'Order Completed';
const HOSTILE = `Clicked "it"'); DROP TABLE events; --`;
const AS_OF = new Date('2024-07-01T00:00:00Z');
const DAY = 86_400_000;
const day = (iso: string) => Math.floor(Date.parse(iso) / DAY);

const events: EventRow[] = [
  // a: first order 1 March (two orders that day: one purchase day worth 30), repeats on 10 May (50) and 30 June (20).
  { user: 'a', name: ORDER, at: '2024-03-01T09:00:00Z', revenue: 10 },
  { user: 'a', name: ORDER, at: '2024-03-01T18:00:00Z', revenue: 20 },
  { user: 'a', name: ORDER, at: '2024-05-10T12:00:00Z', revenue: 50 },
  { user: 'a', name: ORDER, at: '2024-06-30T23:00:00Z', revenue: 20 },
  // an order at the as-of instant is not in the observation (events strictly before as-of count).
  { user: 'a', name: ORDER, at: '2024-07-01T00:00:00Z', revenue: 999 },
  { user: 'a', name: 'Survey Responded', at: '2024-06-01T00:00:00Z', properties: { score: 9 } },
  { user: 'a', name: 'Survey Responded', at: '2024-06-02T00:00:00Z', properties: { score: 6 } },
  // b: one order, value only in the property (custom pipelines), then browsing.
  { user: 'b', name: ORDER, at: '2024-06-15T00:00:00Z', properties: { revenue: 42 } },
  { user: 'b', name: HOSTILE, at: '2024-06-20T00:00:00Z' },
  { user: 'b', name: HOSTILE, at: '2024-06-25T00:00:00Z' },
  { user: 'b', name: 'Page Viewed', at: '2024-04-20T00:00:00Z' },
  // c: never ordered; active 100 and 45 days ago; comes back after the cutoff.
  { user: 'c', name: 'Page Viewed', at: '2024-03-23T00:00:00Z' },
  { user: 'c', name: 'Page Viewed', at: '2024-05-17T00:00:00Z' },
  { user: 'c', name: 'Page Viewed', at: '2024-07-20T00:00:00Z' },
  // d: only seen after the cutoff: not a user yet at as-of.
  { user: 'd', name: 'Page Viewed', at: '2024-07-05T00:00:00Z' },
];

onEachEngine((engine) => {
  beforeAll(async () => {
    await resetData(engine());
    await loadFixture(engine(), WS, { profiles: ['a', 'b', 'c', 'd'].map((id) => ({ id })), events });
  });

  describe('purchase days (BG/NBD input)', () => {
    it('merges same-day orders, counts repeat days and their value, ignores the as-of instant', async () => {
      const days = await readPurchaseDays(engine(), WS, AS_OF, [ORDER]);
      expect(days.userIds).toEqual(['a', 'b']);
      expect(days.endDay).toBe(day('2024-06-30T00:00:00Z'));
      expect([...days.repeatDays]).toEqual([2, 0]);
      expect([...days.firstDay]).toEqual([day('2024-03-01T00:00:00Z'), day('2024-06-15T00:00:00Z')]);
      expect([...days.lastDay]).toEqual([day('2024-06-30T00:00:00Z'), day('2024-06-15T00:00:00Z')]);
      expect([...days.repeatValue]).toEqual([70, 0]);
    });
  });

  describe('behaviour at a cutoff', () => {
    it('computes each feature from the events at or before the cutoff', async () => {
      const table = await readBehaviour(engine(), WS, {
        at: AS_OF,
        orderEvents: [ORDER],
        eventCounts: [HOSTILE],
        survey: { event: 'Survey Responded', property: 'score' },
      });
      expect(table.userIds).toEqual(['a', 'b', 'c']);
      const col = (name: string) => [...(table.columns[name] ?? [])];
      // a's last event is the order at the as-of instant (events at the cutoff are visible, as in segment rules).
      expect(col('recency_days')).toEqual([0, 6, 45]);
      expect(col('tenure_days')).toEqual([122 - 9 / 24, 72, 100]);
      expect(col('orders')).toEqual([5, 1, 0]);
      expect(col('revenue')).toEqual([1099, 42, 0]);
      expect(col('avg_order_value')).toEqual([1099 / 5, 42, 0]);
      expect(col('order_recency_days')[0]).toBe(0);
      expect(col('order_recency_days')[1]).toBe(16);
      expect(col('order_recency_days')[2]).toBeNaN();
      // Windows are (at − n days, at]: 1 June 00:00 is 30 days back, so it falls in the previous 30 days.
      expect(col('events_30d')).toEqual([3, 3, 0]);
      expect(col('events_prev_30d')).toEqual([2, 0, 1]);
      expect(col('events_90d')).toEqual([5, 4, 1]);
      expect(col('active_days_90d')).toEqual([5, 4, 1]);
      expect(col('orders_90d')).toEqual([3, 1, 0]);
      expect(col('activity_trend')).toEqual([1 / 6, 3 / 4, -1 / 2]);
      expect(col('survey_score')[0]).toBe(7.5);
      expect(col('survey_score')[1]).toBeNaN();
      expect(col(`events_90d:${HOSTILE}`)).toEqual([0, 2, 0]);
    });

    it('labels the outcome window and keeps only users active in the lookback', async () => {
      const table = await readBehaviour(engine(), WS, {
        at: AS_OF,
        orderEvents: [ORDER],
        lookbackDays: 50,
        outcomeDays: 30,
      });
      // c's last event is 45 days back: inside a 50-day lookback; a and b too. d is not a user yet.
      expect(table.userIds).toEqual(['a', 'b', 'c']);
      expect([...(table.futureEvents ?? [])]).toEqual([0, 0, 1]);
      const narrow = await readBehaviour(engine(), WS, { at: AS_OF, orderEvents: [ORDER], lookbackDays: 30 });
      expect(narrow.userIds).toEqual(['a', 'b']);
    });

    it('lists the most frequent events, orders left out', async () => {
      // Page Viewed 4 times before as-of; the two others twice each, ties by name.
      expect(await topEvents(engine(), WS, AS_OF, { limit: 3, exclude: [ORDER] })).toEqual([
        'Page Viewed',
        HOSTILE,
        'Survey Responded',
      ]);
    });
  });
});
