import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qualityReport } from '../../src/analytics/quality/report.js';
import type { QualityCheck, QualityCode, QualityReport } from '../../src/analytics/quality/types.js';
import type { Engine } from '../../src/engines/engine.js';
import { createApiKey } from '../../src/keys/api-keys.js';
import { createApp } from '../../src/server/app.js';
import { components } from '../../src/server/openapi-components.js';
import { qualityPaths, qualityReportSchema, qualitySchemas } from '../../src/server/openapi-quality.js';
import { listen, type RunningServer } from '../../src/server/serve.js';
import { bearer, call } from '../server/harness.js';
import { type Fixture, loadFixture, onEachEngine, resetData } from './harness.js';

const WS = 'shop';
const NOW = new Date('2024-06-01T12:00:00Z');
const HOSTILE_EVENT = "Robert'); DROP TABLE events;-- 🙂";
const HOSTILE_KEY = 'it\'s "q" ü';
const HOSTILE_USER = 'o\'hara"; DROP TABLE profiles; --';

/** Five events; the counts in the tests are read off this list. */
const FIXTURE: Fixture = {
  profiles: [
    { id: 'ann', traits: { plan: 'pro' } },
    { id: 'bob', traits: {} },
    { id: HOSTILE_USER, traits: { plan: 2 } },
  ],
  events: [
    {
      id: 'a1',
      user: 'ann',
      name: 'Order Completed',
      at: '2024-05-01T00:00:00Z',
      revenue: 10,
      properties: { order_id: 'o1' },
    },
    { id: 'a2', user: 'ann', name: HOSTILE_EVENT, at: '2024-05-02T00:00:00Z', properties: { [HOSTILE_KEY]: 'x' } },
    { id: 'a3', user: 'bob', name: HOSTILE_EVENT, at: '2024-05-03T00:00:00Z', properties: { [HOSTILE_KEY]: 3 } },
    // A user without a profile, dated before 2000.
    { id: 'a4', user: 'ghost', name: 'Page Viewed', at: '1999-12-31T23:00:00Z' },
    { id: 'a5', user: null, anonymousId: 'anon', name: 'Page Viewed', at: '2024-05-04T00:00:00Z' },
  ],
  ingestLog: [{ at: '2024-05-01T00:00:00Z', received: 6, stored: 5, duplicates: 1, rejected: 0 }],
};

const byCode = (report: QualityReport): Record<QualityCode, QualityCheck> =>
  Object.fromEntries(report.checks.map((check) => [check.code, check])) as Record<QualityCode, QualityCheck>;

/** The app as `createApp` builds it, on a loopback port. */
async function serve(engine: Engine): Promise<RunningServer> {
  return listen(createApp({ engine, now: () => NOW, version: 'test' }), { port: 0 });
}

onEachEngine((engine) => {
  let server: RunningServer;
  let admin: string;
  let write: string;
  beforeAll(async () => {
    await resetData(engine());
    await loadFixture(engine(), WS, FIXTURE);
    admin = (await createApiKey(engine(), { workspace: WS, scope: 'admin', name: 'admin' })).key;
    write = (await createApiKey(engine(), { workspace: WS, scope: 'write', name: 'write' })).key;
    server = await serve(engine());
  });
  afterAll(async () => {
    await server?.close();
  });

  const get = (query = '', key = admin) => call(server.url, 'GET', `/api/quality${query}`, { auth: bearer(key) });

  it("answers the caller's workspace report, the same object the library returns", async () => {
    const reply = await get();
    expect(reply.status).toBe(200);
    const report = reply.body as QualityReport;
    expect(report).toEqual(JSON.parse(JSON.stringify(await qualityReport(engine(), WS, { now: NOW }))));
    expect(qualityReportSchema.safeParse(report).success).toBe(true);
    const c = byCode(report);
    expect(report.totals).toMatchObject({ events: 5, profiles: 3, orders: 1, received: 6, duplicates: 1 });
    // bob's {} of 3 profiles.
    expect(c.users_without_traits).toMatchObject({ count: 1, total: 3, severity: 'warning' });
    // a4 (ghost).
    expect(c.events_for_unknown_users).toMatchObject({ count: 1, total: 5, details: { users: 1 } });
    expect(c.anonymous_events).toMatchObject({ count: 1, details: { anonymousIds: 1 } });
    // 1 of 6 received: 16.7% ≥ 10% → warning.
    expect(c.duplicate_messages).toMatchObject({ count: 1, total: 6, severity: 'warning' });
    expect(c.ancient_timestamps.samples.map((s) => s['message_id'])).toEqual(['a4']);
    // The hostile key is a string in a2 and a number in a3; plan a string (ann) and a number (HOSTILE_USER).
    expect(c.property_type_changes).toMatchObject({ count: 1, total: 2 });
    expect(c.property_type_changes.samples[0]).toMatchObject({ event: HOSTILE_EVENT, key: HOSTILE_KEY, events: 2 });
    expect(c.trait_type_changes.samples[0]).toMatchObject({
      key: 'plan',
      types: [
        { type: 'number', count: 1, example: HOSTILE_USER },
        { type: 'string', count: 1, example: 'ann' },
      ],
    });
    expect(report.settings.now).toBe(NOW.toISOString());
  });

  it('takes ancientBefore, sampleLimit and hostile event names from the query', async () => {
    const later = byCode((await get('?ancientBefore=2024-05-02&sampleLimit=1')).body as QualityReport);
    // a1 (May 1) and a4 (1999) are before May 2.
    expect(later.ancient_timestamps).toMatchObject({ count: 2, total: 5 });
    expect(later.ancient_timestamps.samples.map((s) => s['message_id'])).toEqual(['a4']);
    const hostile = byCode(
      (await get(`?orderEvents=${encodeURIComponent(HOSTILE_EVENT)}&futureToleranceHours=1`)).body as QualityReport,
    );
    // a2 and a3 are the orders now: neither has revenue nor an order id.
    expect(hostile.missing_revenue).toMatchObject({ count: 2, total: 2 });
    expect(hostile.orders_without_order_id).toMatchObject({ count: 2, total: 2 });
    expect(hostile.future_timestamps.details['toleranceMs']).toBe(3_600_000);
  });

  it('refuses bad parameters with 400, a code and the parameter as path', async () => {
    for (const [query, path] of [
      ['?ancientBefore=yesterday', 'ancientBefore'],
      ['?ancientBefore=2024-02-30', 'ancientBefore'],
      ['?sampleLimit=1000', 'sampleLimit'],
      ['?sampleLimit=-1', 'sampleLimit'],
      ['?futureToleranceHours=soon', 'futureToleranceHours'],
      [`?${Array.from({ length: 21 }, (_, i) => `orderEvents=e${i}`).join('&')}`, 'orderEvents'],
    ] as const) {
      const reply = await get(query);
      expect([query, reply.status]).toEqual([query, 400]);
      expect(reply.body).toMatchObject({ error: { code: 'invalid_parameter', path } });
    }
  });

  it('needs an admin key', async () => {
    expect((await call(server.url, 'GET', '/api/quality')).status).toBe(401);
    expect((await get('', write)).status).toBe(403);
  });
});

describe('OpenAPI', () => {
  it('documents GET /api/quality with its parameters, and every reference resolves', () => {
    const paths = qualityPaths();
    expect(Object.keys(paths)).toEqual(['/api/quality']);
    const op = paths['/api/quality']?.['get'] as { parameters: { name: string }[]; security: unknown };
    expect(op.parameters.map((p) => p.name)).toEqual([
      'ancientBefore',
      'futureToleranceHours',
      'sampleLimit',
      'orderEvents',
      'refundEvents',
    ]);
    expect(op.security).toEqual([{ bearerAuth: [] }]);
    const schemas = { ...components(), ...qualitySchemas() };
    const refs = [...JSON.stringify({ paths, schemas }).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(schemas[ref.split('/').at(-1) ?? ''], ref).toBeDefined();
    expect(schemas['QualityReport']).toMatchObject({ type: 'object' });
  });
});
