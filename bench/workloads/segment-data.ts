import type { Engine } from '../../src/engines/engine.js';
import { sql, trusted } from '../../src/engines/sql.js';

/** The end of the generated history: the evaluation time of the benchmark. */
export const BENCH_AS_OF = new Date('2026-01-01T00:00:00Z');

/**
 * Fills a store with `users` profiles (10% with an account), 10,000 accounts and `events` events over two years,
 * entirely in SQL so that 20 M events take seconds, not minutes. Event names, properties and traits have the
 * shapes the demo and real data have; the distributions are skewed so segments select between 0.1% and 60%.
 */
export async function generateSegmentData(engine: Engine, users: number, events: number): Promise<void> {
  const n = (value: number) => trusted(String(Math.floor(value)));
  await engine.run(sql`
    INSERT INTO accounts
    SELECT 'default', 'acc' || i,
      json_object('industry', (['Retail','Media','Finance','Health','Software'])[1 + i % 5], 'employees', 10 + (i * 37) % 5000),
      '{}', TIMESTAMP '2024-01-01'
    FROM range(10000) r(i)`);
  await engine.run(sql`
    INSERT INTO profiles
    SELECT 'default', 'u' || i,
      json_object(
        'plan', (['free','free','pro','team'])[1 + i % 4],
        'country', (['US','GB','DE','FR','CA','NO','BR','IN','JP','AU'])[1 + (i * 7) % 10],
        'age', 18 + (i * 13) % 60,
        'email', 'user' || i || (['@gmail.com','@acme.com','@outlook.com'])[1 + i % 3],
        'vip', i % 50 = 0,
        'signup', strftime(TIMESTAMP '2024-01-01' + to_days((i * 11) % 730), '%Y-%m-%d')),
      '{}', CASE WHEN i % 10 = 0 THEN 'acc' || (i % 10000) END, NULL, NULL, TIMESTAMP '2024-01-01'
    FROM range(${n(users)}) r(i)`);
  // Users draw events unevenly (hash-based skew); names by frequency; times uniform over two years before the end.
  await engine.run(sql`
    INSERT INTO events
    SELECT 'default', 'e' || i, 'track', name, 'u' || (hash(i) % ${n(users)})::BIGINT, NULL, t, t,
      CASE WHEN name = 'Order Completed'
        THEN json_object('revenue', round(5 + (hash(i * 3) % 30000) / 100.0, 2), 'category', (['books','music','games','home'])[1 + (hash(i * 5) % 4)::BIGINT], 'coupon', CASE WHEN i % 7 = 0 THEN 'SAVE10' END)
        WHEN name = 'Product Viewed' THEN json_object('category', (['books','music','games','home','garden','toys'])[1 + (hash(i * 5) % 6)::BIGINT], 'price', (hash(i) % 200) + 0.99)
        ELSE json_object('path', '/p/' || (i % 100)) END,
      NULL, CASE WHEN name = 'Order Completed' THEN round(5 + (hash(i * 3) % 30000) / 100.0, 2) END
    FROM (
      SELECT i,
        CASE WHEN i % 100 < 40 THEN 'Page Viewed' WHEN i % 100 < 60 THEN 'Product Viewed' WHEN i % 100 < 70 THEN 'Product Added'
             WHEN i % 100 < 75 THEN 'Order Completed' WHEN i % 100 < 90 THEN 'Login' ELSE 'Feature Used' END AS name,
        TIMESTAMP '2026-01-01' - to_seconds((hash(i * 7) % (730 * 86400))::BIGINT) AS t
      FROM range(${n(events)}) r(i))`);
  await engine.run(sql`
    UPDATE profiles SET first_seen = s.f, last_seen = s.l
    FROM (SELECT user_id, min(ts) AS f, max(ts) AS l FROM events GROUP BY user_id) s
    WHERE profiles.user_id = s.user_id`);
}
