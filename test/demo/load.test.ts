import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DemoProgress,
  type DemoSummary,
  loadDemo,
  type Persona,
  personaOf,
  personas,
} from '../../src/demo/index.js';
import type { Engine } from '../../src/engines/engine.js';
import { num, type Sql, sql, str, strList, ts } from '../../src/engines/sql.js';
import { getStats } from '../../src/store/stats.js';
import { memoryEngine, WS } from '../helpers.js';

const DAY = 86_400_000;
const END = new Date('2025-03-01T00:00:00Z');
const USERS = 300;
const options = { users: USERS, seed: 11, end: END };

let engine: Engine;
let summary: DemoSummary;
const progress: DemoProgress[] = [];

beforeAll(async () => {
  engine = await memoryEngine();
  summary = await loadDemo(engine, { ...options, workspace: WS, onProgress: (p) => progress.push(p) });
});
afterAll(async () => {
  await engine.close();
});

const ids = (persona: Persona): string[] =>
  Array.from({ length: USERS }, (_, i) => i)
    .filter((i) => personaOf(options, i) === persona)
    .map((i) => `u${String(i).padStart(6, '0')}`);
const others = (persona: Persona): string[] => personas.filter((p) => p !== persona).flatMap(ids);

const rows = (query: Sql) => engine.query(query);
const w = str(WS);

/** Per user of the list: number of events named `name` (users with none included). */
async function perUser(users: string[], name: string): Promise<Map<string, number>> {
  const found = await rows(
    sql`SELECT p.user_id, count(e.user_id) AS n FROM profiles p
        LEFT JOIN events e ON e.workspace = p.workspace AND e.user_id = p.user_id AND e.name = ${str(name)}
        WHERE p.workspace = ${w} AND p.user_id IN (SELECT unnest(${strList(users)})) GROUP BY p.user_id`,
  );
  return new Map(found.map((r) => [String(r['user_id']), Number(r['n'])]));
}

describe('loadDemo', () => {
  it('stores everything through the ingestion path, with nothing rejected', async () => {
    expect(summary).toMatchObject({ users: USERS, rejected: 0, from: new Date(END.getTime() - 730 * DAY), to: END });
    expect(summary.stored).toBeGreaterThan(USERS * 20);
    expect(summary.messages).toBeGreaterThan(summary.stored);
    expect(Object.values(summary.personas).reduce((a, b) => a + b, 0)).toBe(USERS);
    expect(summary.personas.loyal_big_spender).toBe(15);
    expect(progress.at(-1)).toEqual({ users: USERS, usersDone: USERS, messages: summary.messages });
    const log = await rows(sql`SELECT sum(received) AS r, sum(rejected) AS x FROM ingest_log WHERE source = 'demo'`);
    expect(Number(log[0]?.['r'])).toBe(summary.messages);
    expect(Number(log[0]?.['x'])).toBe(0);
  });

  it('leaves stats consistent with the summary', async () => {
    const stats = await getStats(engine, WS);
    expect(stats.profiles).toBe(USERS);
    expect(stats.events).toBe(summary.stored);
    expect(stats.accounts).toBe(summary.accounts);
    expect(stats.anonymousVisitors).toBe(0);
    expect(stats.firstEvent?.getTime()).toBeGreaterThanOrEqual(summary.from.getTime());
    expect(stats.lastEvent?.getTime()).toBeLessThan(END.getTime());
    expect(stats.revenue).toBeGreaterThan(0);
    const names = new Set(stats.eventsByName.map((e) => e.name));
    for (const name of [
      'Session Started',
      'Page Viewed',
      'Product Viewed',
      'Product Added',
      'Checkout Started',
      'Order Completed',
      'Order Refunded',
      'Subscription Started',
      'Subscription Changed',
      'Subscription Canceled',
      'Feature Used',
      'Survey Responded',
    ]) {
      expect(names, name).toContain(name);
    }
  });

  it('puts about a quarter of users in accounts of several users, with firmographics', async () => {
    const [row] = await rows(
      sql`SELECT count(*) FILTER (WHERE account_id IS NOT NULL) AS b2b, count(DISTINCT account_id) AS accounts
          FROM profiles WHERE workspace = ${w}`,
    );
    const b2b = Number(row?.['b2b']);
    expect(b2b / USERS).toBeGreaterThan(0.15);
    expect(b2b / USERS).toBeLessThan(0.35);
    expect(b2b / Number(row?.['accounts'])).toBeGreaterThan(2.5);
    const accounts = await rows(sql`SELECT traits FROM accounts WHERE workspace = ${w}`);
    for (const { traits } of accounts) {
      expect(Object.keys(traits as object).sort()).toEqual(
        ['company_size', 'country', 'employees', 'industry', 'name', 'plan', 'website'].sort(),
      );
    }
  });

  it('links anonymous first visits to their users', async () => {
    const [row] = await rows(
      sql`SELECT count(*) FILTER (WHERE anonymous_id IS NOT NULL) AS anonymous,
                 count(*) FILTER (WHERE user_id IS NULL) AS orphans FROM events WHERE workspace = ${w}`,
    );
    expect(Number(row?.['anonymous'])).toBeGreaterThan(0);
    expect(Number(row?.['orphans'])).toBe(0);
  });

  it('bargain hunters order, and only with a discount and a coupon', async () => {
    const hunters = ids('bargain_hunter');
    const orders = await perUser(hunters, 'Order Completed');
    for (const user of hunters) expect(orders.get(user), user).toBeGreaterThanOrEqual(1);
    const [row] = await rows(
      sql`SELECT count(*) AS n FROM events WHERE workspace = ${w} AND name = 'Order Completed'
          AND user_id IN (SELECT unnest(${strList(hunters)}))
          AND NOT (CAST(json_extract(properties, '$.discount') AS DOUBLE) > 0
                   AND json_extract_string(properties, '$.coupon') IS NOT NULL)`,
    );
    expect(Number(row?.['n'])).toBe(0);
    // Everyone else mostly pays full price.
    const [rest] = await rows(
      sql`SELECT avg(CASE WHEN CAST(json_extract(properties, '$.discount') AS DOUBLE) > 0 THEN 1 ELSE 0 END) AS share
          FROM events WHERE workspace = ${w} AND name = 'Order Completed'
          AND user_id IN (SELECT unnest(${strList(others('bargain_hunter'))}))`,
    );
    expect(Number(rest?.['share'])).toBeLessThan(0.3);
  });

  it('window shoppers put products in a cart but never order', async () => {
    const shoppers = ids('window_shopper');
    const orders = await perUser(shoppers, 'Order Completed');
    const adds = await perUser(shoppers, 'Product Added');
    for (const user of shoppers) {
      expect(orders.get(user), user).toBe(0);
      expect(adds.get(user), user).toBeGreaterThanOrEqual(1);
    }
  });

  it('one-time buyers order exactly once; regulars at least twice', async () => {
    for (const n of (await perUser(ids('one_time_buyer'), 'Order Completed')).values()) expect(n).toBe(1);
    for (const n of (await perUser(ids('regular'), 'Order Completed')).values()) expect(n).toBeGreaterThanOrEqual(2);
  });

  it('drifting churners ordered early, answered NPS once with a low score, then did nothing in the last 60 days', async () => {
    const churners = ids('drifting_churner');
    const found = await rows(
      sql`SELECT user_id, max(ts) AS last, count(*) FILTER (WHERE name = 'Order Completed') AS orders,
                 max(CAST(json_extract(properties, '$.score') AS INTEGER)) FILTER (WHERE name = 'Survey Responded') AS nps,
                 count(*) FILTER (WHERE name = 'Survey Responded') AS answers
          FROM events WHERE workspace = ${w} AND user_id IN (SELECT unnest(${strList(churners)})) GROUP BY user_id`,
    );
    expect(found).toHaveLength(churners.length);
    for (const row of found) {
      expect((row['last'] as Date).getTime(), String(row['user_id'])).toBeLessThan(END.getTime() - 60 * DAY);
      expect(Number(row['orders'])).toBeGreaterThanOrEqual(2);
      expect(Number(row['answers'])).toBe(1);
      expect(Number(row['nps'])).toBeLessThanOrEqual(6);
    }
    // Every churner who subscribed has cancelled: their last subscription event is a cancellation.
    const subscriptions = await rows(
      sql`SELECT user_id, arg_max(name, ts) AS last FROM events WHERE workspace = ${w}
          AND name LIKE 'Subscription %' AND user_id IN (SELECT unnest(${strList(churners)})) GROUP BY user_id`,
    );
    expect(subscriptions.length).toBeGreaterThan(0);
    for (const row of subscriptions) expect(row['last']).toBe('Subscription Canceled');
  });

  it('new sign-ups, and only they, were first seen in the last 30 days', async () => {
    const since = ts(new Date(END.getTime() - 30 * DAY));
    const recent = await rows(
      sql`SELECT user_id FROM profiles WHERE workspace = ${w} AND first_seen >= ${since} ORDER BY user_id`,
    );
    expect(recent.map((r) => r['user_id'])).toEqual(ids('new_signup').sort());
  });

  it('loyal big spenders spend far more, order all along, and love the shop', async () => {
    const loyal = ids('loyal_big_spender');
    const spend = async (users: string[]) => {
      const [row] = await rows(
        sql`SELECT sum(revenue) / ${num(users.length)} AS per_user,
                   avg(revenue) FILTER (WHERE name = 'Order Completed') AS per_order
            FROM events WHERE workspace = ${w} AND user_id IN (SELECT unnest(${strList(users)}))`,
      );
      return { perUser: Number(row?.['per_user']), perOrder: Number(row?.['per_order']) };
    };
    const big = await spend(loyal);
    const rest = await spend(others('loyal_big_spender'));
    expect(big.perUser).toBeGreaterThan(10 * rest.perUser);
    expect(big.perOrder).toBeGreaterThan(2 * rest.perOrder);
    const found = await rows(
      sql`SELECT user_id, max(ts) FILTER (WHERE name = 'Order Completed') AS last_order,
                 min(CAST(json_extract(properties, '$.score') AS INTEGER)) FILTER (WHERE name = 'Survey Responded') AS nps,
                 count(*) FILTER (WHERE name = 'Order Completed') AS orders
          FROM events WHERE workspace = ${w} AND user_id IN (SELECT unnest(${strList(loyal)})) GROUP BY user_id`,
    );
    for (const row of found) {
      expect((row['last_order'] as Date).getTime()).toBeGreaterThan(END.getTime() - 30 * DAY);
      expect(Number(row['nps'])).toBeGreaterThanOrEqual(9);
      expect(Number(row['orders'])).toBeGreaterThanOrEqual(15);
    }
  });

  it('subscription events carry plan and mrr; NPS answers carry a score from 0 to 10', async () => {
    const [row] = await rows(
      sql`SELECT count(*) FILTER (WHERE name LIKE 'Subscription %' AND (json_extract_string(properties, '$.plan') IS NULL
                   OR json_extract(properties, '$.mrr') IS NULL)) AS bad_subscriptions,
                 count(*) FILTER (WHERE name = 'Survey Responded' AND (json_extract_string(properties, '$.survey') <> 'nps'
                   OR CAST(json_extract(properties, '$.score') AS INTEGER) NOT BETWEEN 0 AND 10)) AS bad_surveys
          FROM events WHERE workspace = ${w}`,
    );
    expect(Number(row?.['bad_subscriptions'])).toBe(0);
    expect(Number(row?.['bad_surveys'])).toBe(0);
  });

  it('loading the same demo again stores nothing new', async () => {
    const again = await loadDemo(engine, { ...options, users: 40, workspace: WS });
    expect(again).toMatchObject({ stored: 0, rejected: 0 });
  });
});
