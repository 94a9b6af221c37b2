import type { Engine } from '../../src/engines/engine.js';
import { sql, trusted } from '../../src/engines/sql.js';
import { generateSegmentData } from './segment-data.js';

/**
 * The segments workload's data (`users` profiles, 16 × users events) plus 4 × users `Order Completed` events, four
 * per user, so every user is a customer and the store holds 20 × users events. The added orders are spread over the
 * two years before `BENCH_AS_OF` and priced from a short, skewed price list: sums of a few list prices repeat, so
 * monetary has ties as well as frequency and recency (the tie rule of the RFM scores is exercised, not just run).
 */
export async function generateAnalyticsData(engine: Engine, users: number): Promise<void> {
  const n = (value: number) => trusted(String(Math.floor(value)));
  await generateSegmentData(engine, users, users * 16);
  // u² skews the price index toward the cheap end: most orders cost under 25, a few cost 299 or 999.
  await engine.run(sql`
    INSERT INTO events
    SELECT 'default', 'o' || i, 'track', 'Order Completed', 'u' || (i % ${n(users)}), NULL, t, t,
      json_object('revenue', price, 'order_id', 'o' || i), NULL, price
    FROM (
      SELECT i,
        TIMESTAMP '2026-01-01' - to_seconds((hash(i * 11 + 1) % (730 * 86400))::BIGINT) AS t,
        ([4.99, 9.99, 9.99, 14.5, 19.99, 24.99, 39.99, 49.99, 89.0, 149.0, 299.0, 999.0])[
          1 + floor(12 * pow((hash(i * 13 + 2) % 1000000) / 1000000.0, 2))::BIGINT] AS price
      FROM range(${n(users * 4)}) r(i))`);
  // The added orders move some users' first and last events.
  await engine.run(sql`
    UPDATE profiles SET first_seen = s.f, last_seen = s.l
    FROM (SELECT user_id, min(ts) AS f, max(ts) AS l FROM events GROUP BY user_id) s
    WHERE profiles.user_id = s.user_id
      AND (profiles.first_seen IS DISTINCT FROM s.f OR profiles.last_seen IS DISTINCT FROM s.l)`);
}
