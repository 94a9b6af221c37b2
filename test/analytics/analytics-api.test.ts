import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engines/engine.js';
import { createApiKey } from '../../src/keys/api-keys.js';
import { createApp } from '../../src/server/app.js';
import { analyticsPaths, analyticsSchemas } from '../../src/server/openapi-analytics.js';
import { listen, type RunningServer } from '../../src/server/serve.js';
import { memoryEngine, NOW, WS } from '../helpers.js';
import { bearer, call } from '../server/harness.js';
import { loadFixture } from './harness.js';

/** The analytics routes of `createApp` through a real server on loopback (DuckDB). */

const HOSTILE = 'b"ob, \'; DROP TABLE events; --';
const AS_OF = '2024-03-11T00:00:00Z';

let engine: Engine;
let server: RunningServer;
let admin: string;
let get: (path: string, auth?: string | null) => ReturnType<typeof call>;

beforeAll(async () => {
  engine = await memoryEngine();
  const app = createApp({ engine, now: () => NOW, version: 'test' });
  server = await listen(app, { port: 0 });
  admin = (await createApiKey(engine, { workspace: WS, scope: 'admin', name: 'admin' })).key;
  get = (path, auth = bearer(admin)) => call(server.url, 'GET', path, auth === null ? {} : { auth });
  // ann: 2 orders (recency 1); HOSTILE: 1 order (recency 10); cat: 1 order of 0 (recency 20); dan: browses.
  await loadFixture(engine, WS, {
    profiles: [{ id: 'ann' }, { id: HOSTILE }, { id: 'cat' }, { id: 'dan' }],
    events: [
      { user: 'ann', name: 'Order Completed', at: '2024-02-01T10:00:00Z', revenue: 60 },
      { user: 'ann', name: 'Order Completed', at: '2024-03-09T10:00:00Z', revenue: 40 },
      { user: HOSTILE, name: 'Order Completed', at: '2024-02-29T10:00:00Z', revenue: 30 },
      { user: HOSTILE, name: 'Order Refunded', at: '2024-03-01T10:00:00Z', revenue: -10 },
      { user: 'cat', name: 'Order Completed', at: '2024-02-19T10:00:00Z', revenue: 0 },
      { user: 'dan', name: 'Page Viewed', at: '2024-03-10T10:00:00Z' },
    ],
  });
});
afterAll(async () => {
  await server.close();
  await engine.close();
});

/**
 * Ordered by user id: ann, then HOSTILE ('b…'), then cat. n = 3: score = floor(5·(rank−1)/3) + 1 → rank 1 → 1, rank 2 → 2, rank 3 → 4.
 * recency (DESC): cat 20, HOSTILE 10, ann 1 → R 1, 2, 4. frequency (ASC): cat 1, HOSTILE 1, ann 2 → F 1, 1, 4.
 * monetary (ASC): cat 0, HOSTILE 20 (30 − 10), ann 100 → M 1, 2, 4.
 */
const rows = [
  { user_id: 'ann', recency_days: 1, frequency: 2, monetary: 100, r: 4, f: 4, m: 4, segment: 'Loyal Customers' },
  { user_id: HOSTILE, recency_days: 10, frequency: 1, monetary: 20, r: 2, f: 1, m: 2, segment: 'Hibernating' },
  { user_id: 'cat', recency_days: 20, frequency: 1, monetary: 0, r: 1, f: 1, m: 1, segment: 'Hibernating' },
];

describe('GET /api/analytics/rfm', () => {
  it('answers a JSON page ordered by user id', async () => {
    const reply = await get(`/api/analytics/rfm?asOf=${AS_OF}&limit=2`);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      asOf: '2024-03-11T00:00:00.000Z',
      customers: 3,
      limit: 2,
      offset: 0,
      rows: rows.slice(0, 2),
    });
    const next = await get(`/api/analytics/rfm?asOf=${AS_OF}&limit=2&offset=2`);
    expect((next.body as { rows: unknown[] }).rows).toEqual(rows.slice(2));
  });

  it('streams every row as CSV (quoted where needed) or JSON Lines', async () => {
    const csv = await get(`/api/analytics/rfm?asOf=${AS_OF}&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('x-strata-as-of')).toBe('2024-03-11T00:00:00.000Z');
    expect(csv.body).toBe(
      'user_id,recency_days,frequency,monetary,r,f,m,segment\n' +
        'ann,1,2,100,4,4,4,Loyal Customers\n' +
        `"b""ob, '; DROP TABLE events; --",10,1,20,2,1,2,Hibernating\n` +
        'cat,20,1,0,1,1,1,Hibernating\n',
    );
    const jsonl = await get(`/api/analytics/rfm?asOf=${AS_OF}&format=jsonl&offset=1&limit=1`);
    expect(jsonl.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(jsonl.body).toEqual(rows[1]); // one line: parsed as one JSON value
  });

  it('defaults as-of to midnight after the last order and takes gross revenue', async () => {
    const reply = await get('/api/analytics/rfm?monetary=gross');
    // The last order is ann's on Mar 9 → as-of Mar 10; gross: HOSTILE's refund left out → 30.
    expect(reply.body).toMatchObject({ asOf: '2024-03-10T00:00:00.000Z', customers: 3 });
    expect((reply.body as { rows: { monetary: number }[] }).rows[1]?.monetary).toBe(30);
  });

  it('summarises the groups and the grid', async () => {
    const reply = await get(`/api/analytics/rfm/summary?asOf=${AS_OF}`);
    expect(reply.status).toBe(200);
    const body = reply.body as { customers: number; revenue: number; groups: { name: string }[]; grid: number[][] };
    expect(body).toMatchObject({ customers: 3, revenue: 120 });
    expect(body.groups).toHaveLength(10);
    // R1F1 cat, R2F1 HOSTILE, R4F4 ann.
    expect(body.grid).toEqual([
      [1, 0, 0, 0, 0],
      [1, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 1, 0],
      [0, 0, 0, 0, 0],
    ]);
  });

  it('names the bad query parameter in a 400', async () => {
    const cases: [string, string][] = [
      ['/api/analytics/rfm?asOf=yesterday', 'asOf'],
      ['/api/analytics/rfm?monetary=both', 'monetary'],
      ['/api/analytics/rfm?format=xml', 'format'],
      ['/api/analytics/rfm?limit=-1', 'limit'],
      ['/api/analytics/rfm?limit=10001', 'limit'],
      ['/api/analytics/rfm?offset=x', 'offset'],
      ['/api/analytics/rfm/summary?asOf=2024-02-30', 'asOf'],
      ['/api/analytics/lifecycle?users=maybe', 'users'],
      ['/api/analytics/value-tiers?monetary=%27%3B%20DROP', 'monetary'],
    ];
    for (const [path, name] of cases) {
      const reply = await get(path);
      expect(reply.status, path).toBe(400);
      expect(reply.body, path).toMatchObject({ error: { code: 'invalid_parameter', path: name } });
    }
  });

  it('needs an admin key', async () => {
    expect((await get('/api/analytics/rfm', null)).status).toBe(401);
  });
});

describe('the other analyses', () => {
  it('GET /lifecycle: every stage and the thresholds; users=1 for a page of users', async () => {
    const summary = await get(`/api/analytics/lifecycle?asOf=${AS_OF}`);
    expect(summary.status).toBe(200);
    // Default thresholds (one gap): new 30, active 30. dan browsed, first seen a day ago → new; ann (t = 1, two
    // purchase days) → repeat_buyer; HOSTILE (t = 10) and cat (t = 20) → first_time_buyer.
    const body = summary.body as { users: number; stages: { stage: string; users: number }[] };
    expect(body.users).toBe(4);
    expect(Object.fromEntries(body.stages.map((s) => [s.stage, s.users]))).toEqual({
      new: 1,
      active: 0,
      first_time_buyer: 2,
      repeat_buyer: 1,
      at_risk: 0,
      dormant: 0,
      churned: 0,
      reactivated: 0,
    });
    const page = await get(`/api/analytics/lifecycle?asOf=${AS_OF}&users=1&limit=1&offset=1`);
    expect(page.body).toMatchObject({
      users: 4,
      limit: 1,
      offset: 1,
      rows: [{ user_id: HOSTILE, lifecycle_stage: 'first_time_buyer', purchase_days: 1, days_since_order: 10 }],
    });
  });

  it('GET /journey: the funnel', async () => {
    const reply = await get(`/api/analytics/journey?asOf=${AS_OF}`);
    // dan: awareness (Page Viewed); the three buyers: decision (ann's 2 orders: retention).
    expect(reply.body).toMatchObject({
      users: 4,
      none: 0,
      funnel: [
        { stage: 'awareness', users: 1, reached: 4 },
        { stage: 'consideration', users: 0, reached: 3 },
        { stage: 'decision', users: 2, reached: 3 },
        { stage: 'retention', users: 1, reached: 1 },
      ],
    });
  });

  it('GET /value-tiers: the tiers', async () => {
    const reply = await get(`/api/analytics/value-tiers?asOf=${AS_OF}`);
    // Positive revenue 120: ann 100 (before 0 → A), HOSTILE 20 (before 100/120 = 0.83 → B), cat 0 → C.
    expect(reply.body).toMatchObject({
      customers: 3,
      revenue: 120,
      tiers: [
        { tier: 'A', customers: 1, revenue: 100 },
        { tier: 'B', customers: 1, revenue: 20 },
        { tier: 'C', customers: 1, revenue: 0 },
      ],
      paretoShare: 1 / 3,
    });
  });
});

describe('the OpenAPI part', () => {
  it('documents the five routes, every $ref resolving to an analytics schema or Error', () => {
    const paths = analyticsPaths();
    expect(Object.keys(paths).sort()).toEqual([
      '/api/analytics/journey',
      '/api/analytics/lifecycle',
      '/api/analytics/rfm',
      '/api/analytics/rfm/summary',
      '/api/analytics/value-tiers',
    ]);
    const schemas = analyticsSchemas();
    const refs = [...JSON.stringify({ paths, schemas }).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)];
    expect(refs.length).toBeGreaterThan(5);
    for (const [, name = ''] of refs) expect(name === 'Error' || name in schemas, name).toBe(true);
    expect(schemas['RfmGroups']).toMatchObject({ type: 'array', maxItems: 25 });
  });
});
