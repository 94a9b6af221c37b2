import { beforeAll, expect, it } from 'vitest';
import { customerOrders, defaultAsOf, defaultOrderOptions, orderOptionsSchema } from '../../src/analytics/orders.js';
import { sql } from '../../src/engines/sql.js';
import { loadFixture, onEachEngine, resetData } from './harness.js';

const WS = 'shop';
const fixture = {
  profiles: [{ id: 'ann' }, { id: 'bob' }, { id: 'cat' }, { id: 'dan' }],
  events: [
    { user: 'ann', name: 'Order Completed', at: '2024-03-01T10:00:00Z', revenue: 100 },
    { user: 'ann', name: 'Order Completed', at: '2024-03-10T23:59:59Z', revenue: 50 },
    { user: 'ann', name: 'Order Refunded', at: '2024-03-12T08:00:00Z', revenue: -20 },
    // Bob's order has its value only as a property (a custom source); the page view is no order.
    { user: 'bob', name: 'Order Completed', at: '2024-03-05T00:00:00Z', properties: { revenue: 30 } },
    { user: 'bob', name: 'Page Viewed', at: '2024-03-20T00:00:00Z' },
    // Cat only refunded (an order before the data window): not a customer.
    { user: 'cat', name: 'Order Refunded', at: '2024-03-02T00:00:00Z', revenue: -5 },
    // Dan's second order is after the as-of time used below.
    { user: 'dan', name: 'Purchase', at: '2024-03-03T12:00:00Z', properties: { revenue: 7 } },
    { user: 'dan', name: 'Order Completed', at: '2024-03-11T12:00:00Z', revenue: 9 },
    { user: null, anonymousId: 'x', name: 'Order Completed', at: '2024-03-15T00:00:00Z', revenue: 1 },
  ],
};

onEachEngine((engine) => {
  beforeAll(async () => {
    await resetData(engine());
    await loadFixture(engine(), WS, fixture);
    await loadFixture(engine(), 'other', {
      profiles: [{ id: 'ann' }],
      events: [{ user: 'ann', name: 'Order Completed', at: '2024-04-01T00:00:00Z', revenue: 1 }],
    });
  });

  const rows = async (asOf: Date, options = defaultOrderOptions) =>
    engine().query(sql`SELECT * FROM (${customerOrders(engine().dialect, WS, asOf, options)}) c ORDER BY user_id`);

  it('defaults the as-of time to midnight after the last identified order', async () => {
    expect(await defaultAsOf(engine(), WS, defaultOrderOptions)).toEqual(new Date('2024-03-12T00:00:00Z'));
    expect(await defaultAsOf(engine(), 'empty', defaultOrderOptions)).toBeNull();
  });

  it('summarises each customer: net revenue, whole days of recency rounded down', async () => {
    const asOf = new Date('2024-03-12T00:00:00Z');
    expect(await rows(asOf)).toEqual([
      // The refund at 08:00 on the 12th is after the as-of time.
      {
        user_id: 'ann',
        orders: 2,
        monetary: 150,
        first_order: Date.parse('2024-03-01T10:00:00Z'),
        last_order: Date.parse('2024-03-10T23:59:59Z'),
        recency_days: 1,
      },
      {
        user_id: 'bob',
        orders: 1,
        monetary: 30,
        first_order: Date.parse('2024-03-05T00:00:00Z'),
        last_order: Date.parse('2024-03-05T00:00:00Z'),
        recency_days: 7,
      },
      {
        user_id: 'dan',
        orders: 1,
        monetary: 9,
        first_order: Date.parse('2024-03-11T12:00:00Z'),
        last_order: Date.parse('2024-03-11T12:00:00Z'),
        recency_days: 0,
      },
    ]);
    const later = await rows(new Date('2024-03-13T00:00:00Z'));
    expect(later.find((r) => r['user_id'] === 'ann')?.['monetary']).toBe(130);
  });

  it('takes gross revenue and custom order events when asked', async () => {
    const options = orderOptionsSchema.parse({ orderEvents: ['Order Completed', 'Purchase'], monetary: 'gross' });
    const got = await rows(new Date('2024-04-01T00:00:00Z'), options);
    expect(got.map((r) => [r['user_id'], r['orders'], r['monetary']])).toEqual([
      ['ann', 2, 150],
      ['bob', 1, 30],
      ['dan', 2, 16],
    ]);
  });
});
