import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestMessages } from '../../src/ingest/pipeline.js';
import { NOW, WS } from '../helpers.js';
import { bearer, call, type Harness, startHarness } from './harness.js';

/** The segment builder's endpoints over real HTTP: `GET /api/catalog` and `POST /api/segments/translate`. */

let h: Harness;
const api = (method: string, path: string, body?: unknown) =>
  call(h.url, method, path, { auth: bearer(h.admin), ...(body === undefined ? {} : { body }) });
const ingest = (messages: Record<string, unknown>[]) =>
  ingestMessages(h.engine, messages, { workspace: WS, now: NOW, source: 'test' });

interface CatalogBody {
  asOf: string;
  sampled: { events: number; profiles: number; accounts: number };
  events: { name: string; count: number; lastSeen: string | null; properties: unknown[] }[];
  traits: { path: string; source: string; types: string[]; examples: unknown[] }[];
  accountTraits: { path: string; types: string[]; examples: unknown[] }[];
  segments: { id: string; name: string }[];
}

beforeAll(async () => {
  h = await startHarness();
  await ingest([
    { type: 'identify', userId: 'ann', traits: { plan: 'pro', address: { city: 'Oslo' } } },
    { type: 'identify', userId: 'bob', traits: { plan: 'free' } },
    { type: 'group', userId: 'ann', groupId: 'acme', traits: { industry: 'Retail' } },
    {
      type: 'track',
      userId: 'ann',
      event: 'Order Completed',
      timestamp: '2024-05-30T00:00:00Z',
      properties: { total: 30, paid_at: '2024-05-30T00:00:00Z' },
    },
  ]);
});
afterAll(async () => {
  await h.close();
});

describe('GET /api/catalog', () => {
  it('answers the event names, properties, traits, account traits and segments of the workspace', async () => {
    const reply = await api('GET', '/api/catalog');
    expect(reply.status).toBe(200);
    const body = reply.body as CatalogBody;
    expect(body.asOf).toBe(NOW.toISOString());
    expect(body.events).toEqual([
      {
        name: 'Order Completed',
        count: 1,
        lastSeen: '2024-05-30T00:00:00.000Z',
        properties: [
          { path: 'paid_at', types: ['time'], examples: ['2024-05-30T00:00:00Z'] },
          { path: 'total', types: ['number'], examples: [30] },
        ],
      },
    ]);
    expect(body.traits.filter((t) => t.source === 'profile')).toEqual([
      { path: 'address', types: ['object'], examples: [], source: 'profile' },
      { path: 'address.city', types: ['string'], examples: ['Oslo'], source: 'profile' },
      { path: 'first_seen', types: ['time'], examples: [], source: 'profile' },
      { path: 'last_seen', types: ['time'], examples: [], source: 'profile' },
      { path: 'plan', types: ['string'], examples: ['free', 'pro'], source: 'profile' },
    ]);
    expect(body.traits.find((t) => t.path === 'lifecycle_stage')).toMatchObject({ source: 'computed' });
    expect(body.accountTraits).toEqual([{ path: 'account.industry', types: ['string'], examples: ['Retail'] }]);
    expect(body.sampled).toEqual({ events: 1, profiles: 2, accounts: 1 });
    expect(body.segments).toEqual([]);
  });

  it('keeps the sample for a minute unless refresh=1, but always lists the current segments', async () => {
    await api('GET', '/api/catalog');
    await ingest([{ type: 'track', userId: 'bob', event: 'Signed Up', timestamp: '2024-05-31T00:00:00Z' }]);
    const created = await api('POST', '/api/segments', { name: 'Pro', text: 'plan = "pro"' });
    expect(created.status).toBe(201);

    const cached = (await api('GET', '/api/catalog')).body as CatalogBody;
    expect(cached.events.map((e) => e.name)).toEqual(['Order Completed']);
    expect(cached.segments).toEqual([{ id: (created.body as { id: string }).id, name: 'Pro' }]);

    const fresh = (await api('GET', '/api/catalog?refresh=1')).body as CatalogBody;
    expect(fresh.events.map((e) => [e.name, e.count])).toEqual([
      ['Order Completed', 1],
      ['Signed Up', 1],
    ]);
  });

  it('refuses a bad refresh parameter, a missing key and a write key', async () => {
    expect(await api('GET', '/api/catalog?refresh=soon')).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_request' } },
    });
    expect((await call(h.url, 'GET', '/api/catalog')).status).toBe(401);
    expect((await call(h.url, 'GET', '/api/catalog', { auth: bearer(h.write) })).status).toBe(403);
  });
});

describe('POST /api/segments/translate', () => {
  it('answers a valid rule in both forms, from JSON and from text', async () => {
    const rule = { type: 'trait', trait: 'plan', op: '=', value: 'pro' };
    expect(await api('POST', '/api/segments/translate', { rule })).toEqual({
      status: 200,
      headers: expect.anything(),
      body: { valid: true, rule, text: 'plan = "pro"' },
    });
    const fromText = await api('POST', '/api/segments/translate', { text: 'plan="pro"' });
    expect(fromText.body).toEqual({ valid: true, rule, text: 'plan = "pro"' });
  });

  it('answers an invalid rule with 200 and the issues a preview answers with 422', async () => {
    const rules = [
      { type: 'and', rules: [{ type: 'event', event: 'Order Completed', count: { op: '>=', value: 'x' } }] },
      { type: 'or', rules: [{ type: 'segment', segment: 'Nope' }] },
      { type: 'trait', trait: 'plan', op: 'in', value: 'pro' },
    ];
    for (const rule of rules) {
      const translated = await api('POST', '/api/segments/translate', { rule });
      const preview = await api('POST', '/api/segments/preview', { rule });
      expect(translated.status).toBe(200);
      expect(preview.status).toBe(422);
      const error = (preview.body as { error: { code: string; path: string; message: string; issues?: unknown[] } })
        .error;
      const issues = error.issues ?? [{ code: error.code, path: error.path, message: error.message }];
      expect(translated.body).toEqual({ valid: false, issues });
    }
    const text = await api('POST', '/api/segments/translate', { text: 'plan =' });
    expect(text).toMatchObject({
      status: 200,
      body: { valid: false, issues: [{ code: 'syntax_error', path: 'text:1:7' }] },
    });
  });

  it('refuses a body that is not JSON, has both forms or neither, or has unknown fields', async () => {
    const bad = [
      '{"rule":',
      { rule: { type: 'segment', segment: 'Pro' }, text: 'in segment "Pro"' },
      {},
      { text: 'plan = "pro"', name: 'x' },
      { text: 42 },
    ];
    for (const body of bad) {
      const reply = await api('POST', '/api/segments/translate', body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body).toMatchObject({ error: { code: expect.stringMatching(/^invalid_(json|request)$/) } });
    }
  });
});
