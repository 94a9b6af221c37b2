import { beforeAll, describe, expect, it } from 'vitest';
import { defaultOrderOptions } from '../../src/analytics/orders.js';
import { valueTierSummary, valueTiers, valueTiersConfigSchema } from '../../src/analytics/value-tiers.js';
import { sql } from '../../src/engines/sql.js';
import { type EventRow, loadFixture, onEachEngine, resetData } from './harness.js';

const WS = 'shop';
const AS_OF = new Date('2024-06-01T00:00:00Z');
const HOSTILE = "t_b'; DROP TABLE events; --";
const order = (user: string, revenue: number | null, day = 10): EventRow => ({
  user,
  name: 'Order Completed',
  at: `2024-05-${day}T10:00:00Z`,
  ...(revenue === null ? {} : { revenue }),
});

/**
 * Positive revenue 1000: v1 500, v2 300, v3 100, then four customers of 25 (t_a, t_b…, v4, v5, tied: user id
 * ascending decides), v6 0 (an order without a value), v7 −30 (an order of 20, a refund of 50).
 * Ordered by monetary DESC, user_id ASC, the revenue before each customer and its share of 1000:
 *   v1 0 → 0 (A) · v2 500 → 0.5 (A) · v3 800 → 0.8, not < 0.8 (B) · t_a 900 → 0.9 (B) · t_b… 925 → 0.925 (B) ·
 *   v4 950 → 0.95, not < 0.95 (C) · v5 975 → 0.975 (C) · v6 and v7 1000 → 1 (C, and monetary ≤ 0 anyway).
 */
const events: EventRow[] = [
  order('v1', 300),
  order('v1', 200, 11),
  order('v2', 300),
  order('v3', 100),
  order('t_a', 25),
  order(HOSTILE, 25),
  order('v4', 25),
  order('v5', 25),
  order('v6', null),
  order('v7', 20),
  { user: 'v7', name: 'Order Refunded', at: '2024-05-12T10:00:00Z', revenue: -50 },
];

describe('the value tier cut-offs', () => {
  it('default to 0.8 and 0.95 and must be ordered', () => {
    expect(valueTiersConfigSchema.parse({})).toEqual({ a: 0.8, b: 0.95 });
    expect(valueTiersConfigSchema.safeParse({ a: 0.9, b: 0.8 }).error?.issues[0]).toMatchObject({ path: ['b'] });
    expect(valueTiersConfigSchema.safeParse({ a: 1 }).error?.issues[0]).toMatchObject({ path: ['a'] });
  });
});

onEachEngine((engine) => {
  beforeAll(async () => {
    await resetData(engine());
    await loadFixture(engine(), WS, {
      profiles: [...new Set(events.map((e) => e.user as string))].map((id) => ({ id })),
      // After as-of: only the default as-of (midnight after the last order) sees it.
      events: [...events, { user: 'v1', name: 'Order Completed', at: '2024-06-01T00:00:01Z', revenue: 9000 }],
    });
    await loadFixture(engine(), 'losses', {
      profiles: [{ id: 'l1' }, { id: 'l2' }],
      events: [
        order('l1', 10),
        { user: 'l1', name: 'Order Refunded', at: '2024-05-20T10:00:00Z', revenue: -10 },
        order('l2', null),
      ],
    });
  });

  it('ranks customers A, B, C by the revenue share before them, ties by user id', async () => {
    const rows = await engine().query(
      sql`SELECT * FROM (${valueTiers(engine().dialect, WS, AS_OF, defaultOrderOptions)}) v
          ORDER BY monetary DESC, user_id`,
    );
    expect(rows.map((r) => [r['user_id'], r['monetary'], r['cumulative_share'], r['value_tier']])).toEqual([
      ['v1', 500, 0, 'A'],
      ['v2', 300, 0.5, 'A'],
      ['v3', 100, 0.8, 'B'],
      ['t_a', 25, 0.9, 'B'],
      [HOSTILE, 25, 0.925, 'B'],
      ['v4', 25, 0.95, 'C'],
      ['v5', 25, 0.975, 'C'],
      ['v6', 0, 1, 'C'],
      ['v7', -30, 1, 'C'],
    ]);
  });

  it('summarises tiers and the Pareto share', async () => {
    const summary = await valueTierSummary(engine(), WS, { asOf: AS_OF });
    // 9 customers, net revenue 1000 + 0 − 30 = 970. A: v1 v2 = 800; B: v3 t_a t_b = 150; C: 25 + 25 + 0 − 30 = 20.
    // Pareto: the customers before 80 % is reached, v1 and v2 → 2 / 9.
    expect(summary).toEqual({
      asOf: AS_OF,
      thresholds: { a: 0.8, b: 0.95 },
      customers: 9,
      revenue: 970,
      tiers: [
        { tier: 'A', customers: 2, customerShare: 2 / 9, revenue: 800, revenueShare: 800 / 970 },
        { tier: 'B', customers: 3, customerShare: 3 / 9, revenue: 150, revenueShare: 150 / 970 },
        { tier: 'C', customers: 4, customerShare: 4 / 9, revenue: 20, revenueShare: 20 / 970 },
      ],
      paretoShare: 2 / 9,
    });
  });

  it('takes other cut-offs', async () => {
    // a = 0.5, b = 0.9: v1 0 → A; v2 0.5 → B; v3 0.8 → B; t_a 0.9 → C. The Pareto share stays at 80 %.
    const summary = await valueTierSummary(engine(), WS, { asOf: AS_OF, config: { a: 0.5, b: 0.9 } });
    expect(summary.tiers.map((t) => [t.tier, t.customers])).toEqual([
      ['A', 1],
      ['B', 2],
      ['C', 6],
    ]);
    expect(summary.paretoShare).toBe(2 / 9);
  });

  it('puts everyone in C when no customer brought positive revenue', async () => {
    const rows = await engine().query(
      sql`SELECT * FROM (${valueTiers(engine().dialect, 'losses', AS_OF, defaultOrderOptions)}) v ORDER BY user_id`,
    );
    expect(rows).toEqual([
      { user_id: 'l1', monetary: 0, cumulative_share: null, value_tier: 'C' },
      { user_id: 'l2', monetary: 0, cumulative_share: null, value_tier: 'C' },
    ]);
    const summary = await valueTierSummary(engine(), 'losses', { asOf: AS_OF });
    expect(summary).toMatchObject({ customers: 2, revenue: 0, paretoShare: 0 });
    expect(summary.tiers[2]).toEqual({ tier: 'C', customers: 2, customerShare: 1, revenue: 0, revenueShare: null });
  });

  it('defaults as-of to midnight after the last order', async () => {
    // v1's order at 00:00:01 on Jun 1 moves as-of to Jun 2 and v1 to 9500.
    const summary = await valueTierSummary(engine(), WS);
    expect(summary.asOf).toEqual(new Date('2024-06-02T00:00:00Z'));
    expect(summary.tiers[0]).toMatchObject({ tier: 'A', customers: 1, revenue: 9500 });
  });
});
