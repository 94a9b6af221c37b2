import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Engine } from '../../src/engines/engine.js';
import { createApiKey } from '../../src/keys/api-keys.js';
import { createApp } from '../../src/server/app.js';
import {
  apiKey,
  createdKey,
  errorResponse,
  keyList,
  profileResponse,
  statsResponse,
} from '../../src/server/schemas.js';
import { listen } from '../../src/server/serve.js';
import { NOW, WS } from '../helpers.js';
import { basic, bearer, call, type Harness, startHarness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const admin = (method: string, path: string, body?: unknown) =>
  call(h.url, method, path, { auth: bearer(h.admin), ...(body === undefined ? {} : { body }) });

describe('/api/keys', () => {
  it('creates, lists and revokes keys, and a revoked key stops working at once', async () => {
    const created = await admin('POST', '/api/keys', { scope: 'write', name: 'website' });
    expect(created.status).toBe(201);
    const key = createdKey.parse(created.body);
    expect(key).toMatchObject({ workspace: WS, scope: 'write', name: 'website', createdAt: NOW.toISOString() });
    const track = { userId: 'u1', event: 'E' };
    expect((await call(h.url, 'POST', '/v1/track', { auth: basic(key.key), body: track })).status).toBe(200);

    const listed = keyList.parse((await admin('GET', '/api/keys')).body);
    expect(listed.keys.map((k) => k.name).sort()).toEqual(['admin', 'website', 'write']);
    expect(JSON.stringify(listed)).not.toContain(key.key.split('_').at(-1));

    expect((await admin('DELETE', `/api/keys/${key.id}`)).status).toBe(204);
    expect((await call(h.url, 'POST', '/v1/track', { auth: basic(key.key), body: track })).status).toBe(401);
    const after = keyList.parse((await admin('GET', '/api/keys')).body);
    expect(after.keys.find((k) => k.id === key.id)?.revokedAt).toBe(NOW.toISOString());
  });

  it('answers 404 for a key that is unknown or belongs to another workspace', async () => {
    const other = await createApiKey(h.engine, { workspace: 'other', scope: 'admin' });
    for (const id of ['nope', other.id, "'; --"]) {
      const reply = await admin('DELETE', `/api/keys/${encodeURIComponent(id)}`);
      expect(reply.status).toBe(404);
      expect(errorResponse.parse(reply.body).error.code).toBe('not_found');
    }
    // The other workspace's admin sees only its own keys.
    const theirs = await call(h.url, 'GET', '/api/keys', { auth: bearer(other.key) });
    expect(keyList.parse(theirs.body).keys.map((k) => apiKey.parse(k).id)).toEqual([other.id]);
  });

  it('validates the body and lists every issue', async () => {
    const reply = await admin('POST', '/api/keys', { scope: 'root', name: 7, extra: true });
    expect(reply.status).toBe(400);
    const { error } = errorResponse.parse(reply.body);
    expect(error.code).toBe('invalid_request');
    expect(error.issues?.map((i) => i.path).sort()).toEqual(['', 'name', 'scope']);
    expect(error.issues?.find((i) => i.path === '')?.code).toBe('unknown_field');
  });
});

describe('/api/stats and /api/profiles', () => {
  it('reports the workspace stats', async () => {
    await call(h.url, 'POST', '/v1/batch', {
      auth: basic(h.write),
      body: {
        batch: [
          { type: 'identify', userId: 'u1', traits: { plan: 'pro' } },
          { type: 'track', userId: 'u1', event: 'Order Completed', properties: { revenue: 30 } },
          { type: 'track', userId: 'u1', event: 'Order Completed', properties: { revenue: 12.5 } },
          { type: 'page', anonymousId: 'a1' },
          { type: 'identify', anonymousId: 'a1', traits: { utm_source: 'ads' } },
        ],
      },
    });
    const reply = await admin('GET', '/api/stats');
    expect(reply.status).toBe(200);
    expect(statsResponse.parse(reply.body)).toEqual({
      workspace: WS,
      profiles: 1,
      accounts: 0,
      anonymousVisitors: 1,
      events: 3,
      eventsByName: [
        { name: 'Order Completed', count: 2 },
        { name: 'Page Viewed', count: 1 },
      ],
      firstEvent: NOW.toISOString(),
      lastEvent: NOW.toISOString(),
      revenue: 42.5,
    });
  });

  it('returns a profile with its latest 50 events, newest first, and 404 for an unknown user', async () => {
    const userId = `we'ird/ü ${'$'}id`;
    const batch = Array.from({ length: 60 }, (_, i) => ({
      type: 'track',
      userId,
      event: `E${i}`,
      timestamp: new Date(Date.UTC(2024, 4, 1, 0, i)).toISOString(),
    }));
    await call(h.url, 'POST', '/v1/batch', { auth: basic(h.write), body: { batch } });
    await call(h.url, 'POST', '/v1/identify', { auth: basic(h.write), body: { userId, traits: { plan: 'pro' } } });
    const reply = await admin('GET', `/api/profiles/${encodeURIComponent(userId)}`);
    expect(reply.status).toBe(200);
    const { profile, events } = profileResponse.parse(reply.body);
    expect(profile).toMatchObject({ userId, traits: { plan: 'pro' }, accountId: null });
    expect(events).toHaveLength(50);
    expect(events[0]?.name).toBe('E59');
    expect(events.at(-1)?.name).toBe('E10');

    const missing = await admin('GET', '/api/profiles/nobody');
    expect(missing.status).toBe(404);
    expect(errorResponse.parse(missing.body).error.code).toBe('not_found');
  });
});

describe('errors', () => {
  it('answers an unknown API route with the JSON error shape (other paths are the dashboard)', async () => {
    const reply = await call(h.url, 'GET', '/v1/nowhere');
    expect(reply.status).toBe(404);
    expect(errorResponse.parse(reply.body).error.code).toBe('not_found');
  });

  it('answers an unexpected failure with 500, logs it, and leaks no details', async () => {
    // Reads fail as a driver would; everything else is the real store.
    const broken: Engine = {
      dialect: h.engine.dialect,
      query: async () => {
        throw new Error('secret detail: /var/lib/strata.duckdb SELECT * FROM profiles');
      },
      run: (query) => h.engine.run(query),
      stage: (table, rows) => h.engine.stage(table, rows),
      transaction: (work) => h.engine.transaction(work),
      close: async () => {},
    };
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const server = await listen(createApp({ engine: broken, localToken: 'local' }), { port: 0 });
    try {
      const reply = await call(server.url, 'GET', '/api/stats', { auth: bearer('local') });
      expect(reply.status).toBe(500);
      const { error } = errorResponse.parse(reply.body);
      expect(error.code).toBe('internal');
      expect(JSON.stringify(reply.body)).not.toMatch(/secret detail|at .*\.ts|SELECT/);
      const ref = /ref ([0-9a-f]{8})/.exec(error.message)?.[1];
      expect(ref).toBeDefined();
      expect(String(log.mock.calls[0]?.[0])).toContain(ref);
    } finally {
      log.mockRestore();
      await server.close();
    }
  });
});
