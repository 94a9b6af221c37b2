import { beforeAll, expect, it } from 'vitest';
import { compareSegments } from '../../src/analytics/compare.js';
import type { CellValue, Engine } from '../../src/engines/engine.js';
import { sql, trusted } from '../../src/engines/sql.js';
import { segments, staticMembers, type Table } from '../../src/store/tables.js';
import { type EventRow, loadFixture, onEachEngine, resetData } from './harness.js';

/** Segments side by side on both engines; the shop of insight.test.ts plus two subscriptions. */

const WS = 'shop';
const AS_OF = new Date('2024-06-01T00:00:00Z');
const MEMBERS = `Members "m" 'ü'`;

async function append(engine: Engine, table: Table, rows: CellValue[][]): Promise<void> {
  if (rows.length === 0) return;
  const staging = await engine.stage(table, rows);
  await engine.run(sql`INSERT INTO ${trusted(table.name)} SELECT * FROM ${staging}`);
}

async function staticSegment(engine: Engine, id: string, name: string, users: string[]) {
  const at = new Date('2024-01-01T00:00:00Z');
  await append(engine, segments, [[WS, id, name, null, 'static', null, 1, at, at]]);
  await append(
    engine,
    staticMembers,
    users.map((user) => [WS, id, user]),
  );
}

const events: EventRow[] = [
  { user: 'm1', name: 'Product Viewed', at: '2024-05-01T00:00:00Z' },
  { user: 'm1', name: 'Subscription Started', at: '2024-05-01T00:00:00Z', properties: { mrr: 49 } },
  { user: 'm1', name: 'Order Completed', at: '2024-05-10T00:00:00Z', revenue: 100 },
  { user: 'm1', name: 'Order Completed', at: '2024-05-20T00:00:00Z', revenue: 50 },
  { user: 'm1', name: 'Order Refunded', at: '2024-05-25T00:00:00Z', revenue: -30 },
  { user: 'm2', name: 'Order Completed', at: '2024-04-01T00:00:00Z', revenue: 80 },
  { user: 'm2', name: 'Product Viewed', at: '2024-04-05T00:00:00Z' },
  { user: 'm3', name: 'Product Viewed', at: '2024-05-30T00:00:00Z' },
  { user: 'm3', name: 'Order Completed', at: '2024-06-02T00:00:00Z', revenue: 40 },
  { user: 'm4', name: 'Product Viewed', at: '2024-03-01T00:00:00Z' },
  { user: 'n1', name: 'Product Viewed', at: '2024-04-25T00:00:00Z' },
  { user: 'n1', name: 'Subscription Started', at: '2024-04-25T00:00:00Z', properties: { mrr: 19 } },
  { user: 'n1', name: 'Order Completed', at: '2024-05-01T00:00:00Z', revenue: 200 },
  { user: 'n2', name: 'Product Viewed', at: '2024-04-01T00:00:00Z' },
  { user: 'n2', name: 'Order Completed', at: '2024-05-15T00:00:00Z', revenue: 60 },
  { user: 'n2', name: 'Order Completed', at: '2024-05-16T00:00:00Z', revenue: 20 },
  { user: 'n3', name: 'Product Viewed', at: '2024-05-01T00:00:00Z' },
];

onEachEngine((engine) => {
  beforeAll(async () => {
    const e = engine();
    await resetData(e);
    for (const table of ['segments', 'static_members']) await e.run(sql`TRUNCATE TABLE ${trusted(table)}`);
    await loadFixture(e, WS, {
      profiles: ['m1', 'm2', 'm3', 'm4', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6'].map((id) => ({ id })),
      events,
    });
    await staticSegment(e, 'seg_m', MEMBERS, ['m1', 'm2', 'm3', 'm4']);
    await staticSegment(e, 'seg_b', 'Buyers', ['m1', 'm2', 'n1', 'n2']);
  });

  it('puts the headline metrics side by side with the overlap', async () => {
    const got = await compareSegments(engine(), WS, [MEMBERS, 'Buyers'], { asOf: AS_OF });
    expect(got.asOf).toEqual(AS_OF);
    expect(got.conversion).toEqual({ from: 'Product Viewed', to: 'Order Completed' });
    expect(got.segments).toEqual([
      {
        id: 'seg_m',
        name: MEMBERS,
        kind: 'static',
        // Worked out in insight.test.ts: 4 of 10, 200 of 480 over 3 orders, 2 buyers, 1 of 4 viewers ordered after.
        size: 4,
        share: 0.4,
        revenue: 200,
        revenueShare: 200 / 480,
        aov: 200 / 3,
        ordersPerMember: 0.75,
        buyersShare: 0.5,
        conversionRate: 0.25,
        // Full weeks before asOf: m1 4, m2 8, m3 0, m4 13. Week 1 (m1, m2, m4 eligible): m1 ordered on day 9.
        // Week 4 (m2, m4 eligible): nobody.
        retentionWeek1: 1 / 3,
        retentionWeek4: 0,
        // m1 pays 49; m2–m4 have no subscription.
        mrr: 49,
        arpu: 49,
      },
      {
        id: 'seg_b',
        name: 'Buyers',
        kind: 'static',
        // m1 120 + m2 80 + n1 200 + n2 80 = 480 (all revenue) over 2 + 1 + 1 + 2 = 6 orders.
        size: 4,
        share: 0.4,
        revenue: 480,
        revenueShare: 1,
        aov: 80,
        ordersPerMember: 1.5,
        buyersShare: 1,
        // All four viewed; m1 (9 days), n1 (6 days), n2 (44 days) ordered afterwards, m2 only before.
        conversionRate: 0.75,
        // Full weeks: m1 4, m2 8, n1 5, n2 8. Week 1: only m1 of 4. Week 4 (m2, n1, n2): nobody (n2's orders are
        // in week 6).
        retentionWeek1: 0.25,
        retentionWeek4: 0,
        // m1 49 + n1 19 over two paying members.
        mrr: 68,
        arpu: 34,
      },
    ]);
    // m1 and m2 are in both: Jaccard 2/6, half of each inside the other.
    expect(got.overlap.pairs).toEqual([{ a: 'seg_m', b: 'seg_b', both: 2, jaccard: 2 / 6, aInB: 0.5, bInA: 0.5 }]);
    expect(got.overlap.segments.map((s) => s.size)).toEqual([4, 4]);
  });

  it('takes a conversion definition and validates the list', async () => {
    const got = await compareSegments(engine(), WS, ['seg_m', 'seg_b'], {
      asOf: AS_OF,
      conversion: { from: 'Product Viewed', to: 'Order Completed', withinDays: 30 },
    });
    // Buyers: n2's order 44 days after the view no longer counts: 2 of 4.
    expect(got.segments.map((s) => s.conversionRate)).toEqual([0.25, 0.5]);
    await expect(compareSegments(engine(), WS, ['seg_m'])).rejects.toMatchObject({ status: 400 });
    await expect(
      compareSegments(
        engine(),
        WS,
        Array.from({ length: 9 }, (_, i) => `s${i}`),
      ),
    ).rejects.toMatchObject({
      status: 400,
    });
  });
});
