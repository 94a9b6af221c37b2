import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeSegmentListItem } from '../../src/live/history/migration.js';
import { refreshAll } from '../../src/segments/refresh.js';
import { createSegment, createStaticSegment } from '../../src/segments/store.js';
import { memoryEngine, WS } from '../helpers.js';
import { bearer, call, type Harness, startHarness } from '../server/harness.js';
import { loadFixture } from './harness.js';
import { SHOP_EVENTS } from './shop-events.js';

/**
 * The insight routes through a real server on DuckDB (segments are saved with the store, which writes with DuckDB
 * statements). The numbers are those worked out in insight.test.ts and compare.test.ts for the same shop.
 */

const AS_OF = '2024-06-01T00:00:00.000Z';
const BUYERS = `Buy\\, "ers"'; DROP TABLE segments; --`;

const events = SHOP_EVENTS;

let h: Harness;
const get = (path: string) => call(h.url, 'GET', path, { auth: bearer(h.admin) });
const list = (...names: string[]) => encodeURIComponent(names.map(escapeSegmentListItem).join(','));

beforeAll(async () => {
  const engine = await memoryEngine();
  await loadFixture(engine, WS, {
    profiles: ['m1', 'm2', 'm3', 'm4', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6'].map((id) => ({ id })),
    events,
  });
  await createStaticSegment(engine, WS, { name: 'Members', userIds: ['m1', 'm2', 'm3', 'm4'] });
  await createStaticSegment(engine, WS, { name: BUYERS, userIds: ['m1', 'm2', 'n1', 'n2'] });
  await createSegment(engine, WS, { name: 'Viewers', rule: { type: 'event', event: 'Product Viewed' } });
  h = await startHarness({ engine }); // the server's clock says 2024-06-01T12:00Z
});
afterAll(async () => {
  await h.close();
});

describe('GET /api/segments/:id/insight', () => {
  it('answers the insight of a saved segment', async () => {
    const reply = await get(`/api/segments/Members/insight?asOf=${AS_OF}`);
    expect(reply.status).toBe(200);
    const body = reply.body as Record<string, unknown>;
    expect(body).toMatchObject({
      segment: { name: 'Members', kind: 'static' },
      asOf: AS_OF,
      headline: { size: 4, users: 10, revenue: 200, totalRevenue: 480, orders: 3, buyers: 2 },
      conversion: {
        from: 'Product Viewed',
        to: 'Order Completed',
        withinDays: null,
        members: { started: 4, converted: 1, rate: 0.25 },
        others: { started: 3, converted: 2 },
      },
      saas: null,
      warnings: [{ code: 'too_small_to_act' }, { code: 'too_small_for_significance' }],
    });
    expect((body['retention'] as { members: unknown[] }).members).toHaveLength(13);
  });

  it('takes conversion, weeks, top and days from the query', async () => {
    const q = `asOf=${AS_OF}&from=Product%20Viewed&to=Order%20Completed&withinDays=30&weeks=4&top=3&days=30`;
    const reply = await get(`/api/segments/${encodeURIComponent(BUYERS)}/insight?${q}`);
    expect(reply.status).toBe(200);
    const body = reply.body as {
      conversion: { withinDays: number; members: { converted: number } };
      retention: { members: unknown[] };
      headline: { revenue: number };
    };
    // Buyers m1, m2, n1, n2: all viewed; m1 and n1 ordered within 30 days of the view (n2 after 44 days).
    expect(body.conversion).toMatchObject({ withinDays: 30, members: { started: 4, converted: 2, rate: 0.5 } });
    expect(body.retention.members).toHaveLength(5);
    expect(body.headline.revenue).toBe(480);
  });

  it('answers 400 naming the parameter, and 404 for an unknown segment', async () => {
    const cases: [string, string][] = [
      ['asOf=yesterday', 'asOf'],
      ['from=Product%20Viewed', 'to'],
      ['withinDays=3', 'from'],
      ['weeks=105', 'weeks'],
      ['top=0', 'top'],
      ['days=x', 'days'],
      ['monetary=both', 'monetary'],
    ];
    for (const [query, path] of cases) {
      const reply = await get(`/api/segments/Members/insight?${query}`);
      expect(reply.status, query).toBe(400);
      expect((reply.body as { error: { path: string } }).error.path, query).toBe(path);
    }
    const unknown = await get(`/api/segments/${encodeURIComponent("x'; DROP TABLE segments; --")}/insight`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: { code: 'unknown_segment' } });
  });
});

describe('GET /api/segments/compare and /overlap', () => {
  it('compares segments named in a list, with a hostile name escaped', async () => {
    const reply = await get(`/api/segments/compare?segments=${list('Members', BUYERS)}&asOf=${AS_OF}`);
    expect(reply.status).toBe(200);
    const body = reply.body as {
      segments: { name: string; revenue: number; conversionRate: number; retentionWeek1: number }[];
      overlap: { pairs: unknown[] };
    };
    expect(body.segments.map((s) => [s.name, s.revenue, s.conversionRate, s.retentionWeek1])).toEqual([
      ['Members', 200, 0.25, 1 / 3],
      [BUYERS, 480, 0.75, 0.25],
    ]);
    expect(body.overlap.pairs).toMatchObject([{ both: 2, jaccard: 2 / 6, aInB: 0.5, bInA: 0.5 }]);
    // The list may also repeat the parameter.
    const repeated = await get(`/api/segments/compare?segments=Members&segments=${list(BUYERS)}&asOf=${AS_OF}`);
    expect(repeated.body).toEqual(reply.body);
  });

  it('computes the overlap matrix, the dynamic segment compiled at asOf', async () => {
    const reply = await get(`/api/segments/overlap?segments=${list('Members', BUYERS, 'Viewers')}&asOf=${AS_OF}`);
    expect(reply.status).toBe(200);
    // Viewers: everyone who viewed a product up to asOf: m1–m4, n1–n3.
    expect(reply.body).toMatchObject({
      asOf: AS_OF,
      segments: [{ size: 4 }, { size: 4 }, { name: 'Viewers', size: 7 }],
      pairs: [
        { both: 2, jaccard: 2 / 6 },
        { both: 4, jaccard: 4 / 7, aInB: 1, bInA: 4 / 7 },
        { both: 4, jaccard: 4 / 7, aInB: 1, bInA: 4 / 7 },
      ],
    });
  });

  it('answers 400 for a missing or too short list and 404 for an unknown name', async () => {
    expect((await get('/api/segments/compare')).status).toBe(400);
    expect((await get('/api/segments/compare?segments=Members')).status).toBe(400);
    expect((await get('/api/segments/overlap?segments=%20,%20')).status).toBe(400);
    const unknown = await get('/api/segments/overlap?segments=Members,Nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: { path: 'segments' } });
    expect((await get(`/api/segments/overlap?segments=Members,Viewers&asOf=soon`)).status).toBe(400);
  });
});

describe('GET /api/segments/warnings', () => {
  it('reports stored state: never refreshed, then sizes and containment after a refresh', async () => {
    const before = await get('/api/segments/warnings');
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({
      segments: 3,
      comparedForOverlap: 0,
      warnings: [
        { code: 'not_refreshed', severity: 'warning', message: expect.stringContaining('"Viewers" was never') },
      ],
    });
    await refreshAll(h.engine, WS, { asOf: new Date(AS_OF) });
    const after = await get('/api/segments/warnings');
    const body = after.body as { comparedForOverlap: number; warnings: { code: string; message: string }[] };
    expect(body.comparedForOverlap).toBe(3);
    // Each has fewer than 100 and 30 members; Members and Buyers are both wholly inside Viewers.
    expect(body.warnings.map((w) => w.code)).toEqual([
      'too_small_to_act',
      'too_small_to_act',
      'too_small_to_act',
      'near_duplicate',
      'too_small_for_significance',
      'near_duplicate',
      'too_small_for_significance',
      'too_small_for_significance',
    ]);
    expect(body.warnings.map((w) => w.message)).toContain(
      `100% of "${BUYERS}" is also in "Viewers": it is nearly a subset of it`,
    );
  });

  it('needs an admin key', async () => {
    expect((await call(h.url, 'GET', '/api/segments/warnings', { auth: bearer(h.write) })).status).toBe(403);
  });
});
