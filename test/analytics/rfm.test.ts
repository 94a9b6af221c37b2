import { beforeAll, expect, it } from 'vitest';
import { defaultOrderOptions, orderOptionsSchema } from '../../src/analytics/orders.js';
import { defaultRfmGroups } from '../../src/analytics/rfm/groups.js';
import { rfmReport, rfmRows, rfmSummary } from '../../src/analytics/rfm/report.js';
import { quintile, rfmScores } from '../../src/analytics/rfm/scores.js';
import { sql } from '../../src/engines/sql.js';
import { type EventRow, loadFixture, onEachEngine, resetData } from './harness.js';

const WS = 'shop';
const AS_OF = new Date('2024-03-11T00:00:00Z');
const HOSTILE = "c03 '; DROP TABLE events; --";
const UNICODE = 'c10 ü用户"';

const order = (user: string, at: string, revenue: number | null): EventRow => ({
  user,
  name: 'Order Completed',
  at,
  ...(revenue === null ? {} : { revenue }),
});

/**
 * Ten customers (n = 10, so score = floor(5·(rank−1)/10) + 1 = floor((rank−1)/2) + 1: ranks 1–2 → 1, 3–4 → 2,
 * 5–6 → 3, 7–8 → 4, 9–10 → 5), built so every metric has tie blocks across a quintile boundary.
 *
 * recency_days (worse first, DESC): 30 30 30 | 20 | 10 10 | 5 | 1 | 0 0 → ranks 1 1 1 4 5 5 7 8 9 9
 *   → R 1 1 1 2 3 3 4 4 5 5. Days are whole days rounded down: c01's order at 00:00 on Feb 10 is exactly 30 days
 *   before as-of (2024 is a leap year), c02's and c03's are 30 days and some hours. c08's last order is at 00:00:00
 *   the day before as-of: exactly 1 day. c09's is at 23:59:59 and c10's at 00:00:01 the day before: both under
 *   24 h, so 0 days.
 * frequency (ASC): 1 1 1 1 1 | 2 2 | 3 | 5 | 8 → ranks 1×5, 6, 6, 8, 9, 10 → F 1×5, 3, 3, 4, 5, 5 (F2 stays empty:
 *   the tie block of five takes the score of its first position).
 * monetary (ASC): c02 −20 (an order of 10, a refund of 30), c03 0 (an order without a value), c04 c05 c06 50,
 *   c08 75.5, c01 100, c07 200, c09 300, c10 1000 → ranks 1, 2, 3, 3, 3, 6, 7, 8, 9, 10 → M 1 1 2 2 2 3 4 4 5 5.
 */
const events: EventRow[] = [
  order('c01', '2024-02-10T00:00:00Z', 100),
  order('c01', '2024-03-12T12:00:00Z', 999), // after as-of: ignored
  order('c02', '2024-02-09T08:00:00Z', 10),
  { user: 'c02', name: 'Order Refunded', at: '2024-02-20T08:00:00Z', revenue: -30 },
  order(HOSTILE, '2024-02-09T23:00:00Z', null),
  order('c04', '2024-02-19T10:00:00Z', 50),
  order('c05', '2024-02-29T10:00:00Z', 50),
  { user: 'c05', name: 'Order Refunded', at: '2024-03-11T00:00:01Z', revenue: -50 }, // after as-of
  order('c06', '2024-02-01T10:00:00Z', 25),
  order('c06', '2024-02-29T12:00:00Z', 25),
  order('c07', '2024-01-01T10:00:00Z', 150),
  order('c07', '2024-03-05T10:00:00Z', 50),
  order('c08', '2024-01-01T10:00:00Z', 25.5),
  order('c08', '2024-02-01T10:00:00Z', 25),
  order('c08', '2024-03-10T00:00:00Z', 25),
  ...[1, 2, 3, 4].map((d) => order('c09', `2024-03-0${d}T10:00:00Z`, 50)),
  order('c09', '2024-03-10T23:59:59Z', 100),
  ...[1, 2, 3, 4, 5, 6, 7].map((d) => order(UNICODE, `2024-02-0${d}T10:00:00Z`, 100)),
  order(UNICODE, '2024-03-10T00:00:01Z', 300),
  // Not customers: a browser, a refund without an order, an anonymous order.
  { user: 'v01', name: 'Page Viewed', at: '2024-03-10T10:00:00Z' },
  { user: 'v02', name: 'Order Refunded', at: '2024-03-01T10:00:00Z', revenue: -5 },
  { user: null, anonymousId: 'anon', name: 'Order Completed', at: '2024-03-02T10:00:00Z', revenue: 70 },
];
const users = ['c01', 'c02', HOSTILE, 'c04', 'c05', 'c06', 'c07', 'c08', 'c09', UNICODE, 'v01', 'v02'];

const expected = [
  { user_id: 'c01', recency_days: 30, frequency: 1, monetary: 100, r: 1, f: 1, m: 4, segment: 'Hibernating' },
  { user_id: 'c02', recency_days: 30, frequency: 1, monetary: -20, r: 1, f: 1, m: 1, segment: 'Hibernating' },
  { user_id: HOSTILE, recency_days: 30, frequency: 1, monetary: 0, r: 1, f: 1, m: 1, segment: 'Hibernating' },
  { user_id: 'c04', recency_days: 20, frequency: 1, monetary: 50, r: 2, f: 1, m: 2, segment: 'Hibernating' },
  { user_id: 'c05', recency_days: 10, frequency: 1, monetary: 50, r: 3, f: 1, m: 2, segment: 'About To Sleep' },
  { user_id: 'c06', recency_days: 10, frequency: 2, monetary: 50, r: 3, f: 3, m: 2, segment: 'Need Attention' },
  { user_id: 'c07', recency_days: 5, frequency: 2, monetary: 200, r: 4, f: 3, m: 4, segment: 'Potential Loyalists' },
  { user_id: 'c08', recency_days: 1, frequency: 3, monetary: 75.5, r: 4, f: 4, m: 3, segment: 'Loyal Customers' },
  { user_id: 'c09', recency_days: 0, frequency: 5, monetary: 300, r: 5, f: 5, m: 5, segment: 'Champions' },
  { user_id: UNICODE, recency_days: 0, frequency: 8, monetary: 1000, r: 5, f: 5, m: 5, segment: 'Champions' },
];

it('scores a rank by the tie rule', () => {
  // n = 7: floor(5·0/7)+1 = 1, floor(5/7)+1 = 1, floor(10/7)+1 = 2, floor(15/7)+1 = 3, floor(20/7)+1 = 3,
  // floor(25/7)+1 = 4, floor(30/7)+1 = 5.
  expect([1, 2, 3, 4, 5, 6, 7].map((rank) => quintile(rank, 7))).toEqual([1, 1, 2, 3, 3, 4, 5]);
  expect(quintile(1, 1)).toBe(1);
});

onEachEngine((engine) => {
  beforeAll(async () => {
    await resetData(engine());
    await loadFixture(engine(), WS, { profiles: users.map((id) => ({ id })), events });
    await loadFixture(engine(), 'other', {
      profiles: [{ id: 'c01' }],
      events: [order('c01', '2024-03-10T12:00:00Z', 5)],
    });
  });

  it('scores every customer with quintiles, ties sharing a score, and names the group', async () => {
    const rows = await engine().query(
      sql`SELECT * FROM (${rfmScores(engine().dialect, WS, AS_OF, defaultOrderOptions, defaultRfmGroups)}) s ORDER BY user_id`,
    );
    expect(rows).toEqual(expected);
  });

  it('pages the report by user id and counts every customer', async () => {
    const report = await rfmReport(engine(), WS, { asOf: AS_OF, limit: 3, offset: 2 });
    expect(report.asOf).toEqual(AS_OF);
    expect(report.customers).toBe(10);
    expect(report.rows).toEqual(expected.slice(2, 5));
  });

  it('defaults as-of to midnight after the last order', async () => {
    // The last order at or before any as-of is c01's on Mar 12 → as-of Mar 13; the report moves with it.
    const report = await rfmReport(engine(), WS, { limit: 1 });
    expect(report.asOf).toEqual(new Date('2024-03-13T00:00:00Z'));
    expect(report.rows[0]).toMatchObject({ user_id: 'c01', recency_days: 0, frequency: 2 });
  });

  it('streams all rows in pages, in user id order', async () => {
    const pages: number[] = [];
    const all = [];
    for await (const page of rfmRows(engine(), WS, { asOf: AS_OF }, 4)) {
      pages.push(page.length);
      all.push(...page);
    }
    expect(pages).toEqual([4, 4, 2]);
    expect(all).toEqual(expected);
  });

  it('summarises groups (every one, empty ones too) and the R×F grid', async () => {
    const summary = await rfmSummary(engine(), WS, { asOf: AS_OF });
    // Revenue: 100 − 20 + 0 + 50 + 50 + 50 + 200 + 75.5 + 300 + 1000 = 1805.5.
    expect(summary).toMatchObject({ asOf: AS_OF, customers: 10, revenue: 1805.5 });
    const byName = Object.fromEntries(summary.groups.map((g) => [g.name, g]));
    expect(summary.groups.map((g) => g.name)).toEqual(defaultRfmGroups.map((g) => g.name));
    // Champions: c09 + c10 → 300 + 1000 = 1300; recency (0 + 0)/2; frequency (5 + 8)/2 = 6.5.
    expect(byName['Champions']).toEqual({
      name: 'Champions',
      customers: 2,
      customerShare: 0.2,
      revenue: 1300,
      revenueShare: 1300 / 1805.5,
      avgRecencyDays: 0,
      avgFrequency: 6.5,
      avgMonetary: 650,
    });
    // Hibernating: c01 c02 c03 c04 → 100 − 20 + 0 + 50 = 130; recency (30 + 30 + 30 + 20)/4 = 27.5.
    expect(byName['Hibernating']).toMatchObject({
      customers: 4,
      customerShare: 0.4,
      revenue: 130,
      avgRecencyDays: 27.5,
      avgFrequency: 1,
      avgMonetary: 32.5,
    });
    expect(byName['New Customers']).toEqual({
      name: 'New Customers',
      customers: 0,
      customerShare: 0,
      revenue: 0,
      revenueShare: 0,
      avgRecencyDays: null,
      avgFrequency: null,
      avgMonetary: null,
    });
    // grid[r−1][f−1]: R1F1 c01 c02 c03; R2F1 c04; R3F1 c05; R3F3 c06; R4F3 c07; R4F4 c08; R5F5 c09 c10.
    expect(summary.grid).toEqual([
      [3, 0, 0, 0, 0],
      [1, 0, 0, 0, 0],
      [1, 0, 1, 0, 0],
      [0, 0, 1, 1, 0],
      [0, 0, 0, 0, 2],
    ]);
    // The default map, read off the classic RFM segment chart: R5 F4–5 Champions, R1–2 F5 Can't Lose Them, …
    expect(summary.gridGroups[4]).toEqual([
      'New Customers',
      'Potential Loyalists',
      'Potential Loyalists',
      'Champions',
      'Champions',
    ]);
    expect(summary.gridGroups.map((row) => row[4])).toEqual([
      "Can't Lose Them",
      "Can't Lose Them",
      'Loyal Customers',
      'Loyal Customers',
      'Champions',
    ]);
    expect(summary.gridGroups.flat().every((name) => name !== null)).toBe(true);
  });

  it('takes gross revenue when asked', async () => {
    const gross = orderOptionsSchema.parse({ monetary: 'gross' });
    const report = await rfmReport(engine(), WS, { asOf: AS_OF, orders: gross, limit: 2 });
    // c02 without the refund: 10. Monetary ascending: c03 0, c02 10, then the 50s → c02 still rank 2 → M1.
    expect(report.rows[1]).toMatchObject({ user_id: 'c02', monetary: 10, m: 1 });
  });

  it('gives an empty report for a workspace without orders', async () => {
    expect(await rfmReport(engine(), 'empty')).toEqual({ asOf: null, customers: 0, rows: [] });
    const summary = await rfmSummary(engine(), 'empty');
    expect(summary).toMatchObject({ asOf: null, customers: 0, revenue: 0 });
    expect(summary.groups).toHaveLength(defaultRfmGroups.length);
    expect(summary.grid.flat().every((n) => n === 0)).toBe(true);
  });
});
