import type { EventRow } from './harness.js';

/**
 * The small shop the insight tests share: members m1–m4 and non-members n1–n3 with views, orders and a refund. The
 * figures each test expects are worked out from this list in that test.
 */
export const SHOP_EVENTS: readonly EventRow[] = [
  { user: 'm1', name: 'Product Viewed', at: '2024-05-01T00:00:00Z' },
  { user: 'm1', name: 'Order Completed', at: '2024-05-10T00:00:00Z', revenue: 100 },
  { user: 'm1', name: 'Order Completed', at: '2024-05-20T00:00:00Z', revenue: 50 },
  { user: 'm1', name: 'Order Refunded', at: '2024-05-25T00:00:00Z', revenue: -30 },
  { user: 'm2', name: 'Order Completed', at: '2024-04-01T00:00:00Z', revenue: 80 },
  { user: 'm2', name: 'Product Viewed', at: '2024-04-05T00:00:00Z' },
  { user: 'm3', name: 'Product Viewed', at: '2024-05-30T00:00:00Z' },
  { user: 'm3', name: 'Order Completed', at: '2024-06-02T00:00:00Z', revenue: 40 },
  { user: 'm4', name: 'Product Viewed', at: '2024-03-01T00:00:00Z' },
  { user: 'n1', name: 'Product Viewed', at: '2024-04-25T00:00:00Z' },
  { user: 'n1', name: 'Order Completed', at: '2024-05-01T00:00:00Z', revenue: 200 },
  { user: 'n2', name: 'Product Viewed', at: '2024-04-01T00:00:00Z' },
  { user: 'n2', name: 'Order Completed', at: '2024-05-15T00:00:00Z', revenue: 60 },
  { user: 'n2', name: 'Order Completed', at: '2024-05-16T00:00:00Z', revenue: 20 },
  { user: 'n3', name: 'Product Viewed', at: '2024-05-01T00:00:00Z' },
];
