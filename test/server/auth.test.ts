import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey } from '../../src/keys/api-keys.js';
import { listEvents } from '../../src/store/profiles.js';
import { WS } from '../helpers.js';
import { basic, bearer, call, type Harness, startHarness } from './harness.js';

let h: Harness;
const LOCAL = 'local-token-for-tests';
beforeEach(async () => {
  h = await startHarness({ localToken: LOCAL });
});
afterEach(async () => {
  await h.close();
});

const track = (userId: string) => ({ userId, event: 'Signed Up', messageId: `m-${userId}` });

describe('authentication', () => {
  it('refuses ingestion without a key, with an unknown key and with a revoked key, asking for Basic', async () => {
    const revoked = await createApiKey(h.engine, { workspace: WS, scope: 'write' });
    await revokeApiKey(h.engine, WS, revoked.id);
    const cases = [
      {},
      { auth: basic('stk_write_0000000000000000_' + '0'.repeat(64)) },
      { auth: basic('not-a-key') },
      { auth: 'Basic' },
      { auth: basic(revoked.key) },
      { body: { ...track('u1'), writeKey: revoked.key } },
    ];
    for (const o of cases) {
      const reply = await call(h.url, 'POST', '/v1/track', { body: track('u1'), ...o });
      expect(reply.status, JSON.stringify(o)).toBe(401);
      expect(reply.headers.get('www-authenticate')).toBe('Basic realm="strata"');
      expect(reply.body).toMatchObject({ error: { code: 'unauthorized' } });
    }
    expect(await listEvents(h.engine, WS, 'u1')).toEqual([]);
  });

  it('refuses /api without a key, with an unknown key, a revoked key or a Basic header, asking for Bearer', async () => {
    const revoked = await createApiKey(h.engine, { workspace: WS, scope: 'admin' });
    await revokeApiKey(h.engine, WS, revoked.id);
    for (const auth of [undefined, bearer('nope'), bearer(revoked.key), basic(h.admin), bearer('')]) {
      const reply = await call(h.url, 'GET', '/api/stats', auth === undefined ? {} : { auth });
      expect(reply.status, String(auth)).toBe(401);
      expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="strata"');
    }
    // An unknown /api route says nothing about itself to a stranger.
    expect((await call(h.url, 'GET', '/api/secret-things')).status).toBe(401);
  });

  it('lets a write key ingest but not manage: 403 on /api', async () => {
    const ok = await call(h.url, 'POST', '/v1/track', { auth: basic(h.write), body: track('u1') });
    expect(ok.status).toBe(200);
    const reply = await call(h.url, 'GET', '/api/stats', { auth: bearer(h.write) });
    expect(reply.status).toBe(403);
    expect(reply.body).toEqual({
      error: { code: 'forbidden', message: 'this key has scope write; /api needs an admin key' },
    });
  });

  it('lets an admin key do both', async () => {
    expect((await call(h.url, 'POST', '/v1/track', { auth: basic(h.admin), body: track('u2') })).status).toBe(200);
    const stats = await call(h.url, 'GET', '/api/stats', { auth: bearer(h.admin) });
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({ workspace: WS, events: 1 });
  });

  it('takes the write key from the body when there is no header, and never stores it', async () => {
    const reply = await call(h.url, 'POST', '/v1/track', { body: { ...track('u3'), writeKey: h.write } });
    expect(reply.status).toBe(200);
    const batch = await call(h.url, 'POST', '/v1/batch', {
      body: { writeKey: h.write, batch: [{ ...track('u4'), type: 'track', writeKey: h.write }] },
    });
    expect(batch.body).toMatchObject({ success: true, stored: 1 });
    const [event] = await listEvents(h.engine, WS, 'u3');
    expect(JSON.stringify(event)).not.toContain(h.write);
  });

  it('accepts the key in the password field, as some tools send it', async () => {
    const auth = `Basic ${Buffer.from(`:${h.write}`).toString('base64')}`;
    expect((await call(h.url, 'POST', '/v1/track', { auth, body: track('u5') })).status).toBe(200);
  });

  it('treats the local token as an admin key of workspace default', async () => {
    const stats = await call(h.url, 'GET', '/api/stats', { auth: bearer(LOCAL) });
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({ workspace: 'default' });
    expect((await call(h.url, 'POST', '/v1/track', { auth: basic(LOCAL), body: track('u6') })).status).toBe(200);
    expect((await call(h.url, 'GET', '/api/stats', { auth: bearer(`${LOCAL}x`) })).status).toBe(401);
  });

  it('lets browsers on any site send to /v1 (CORS preflight), but not to /api', async () => {
    const preflight = (path: string) =>
      fetch(new URL(path, h.url), {
        method: 'OPTIONS',
        headers: {
          Origin: 'https://shop.example',
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization,content-type',
        },
      });
    const v1 = await preflight('/v1/track');
    expect(v1.status).toBe(204);
    expect(v1.headers.get('access-control-allow-origin')).toBe('*');
    expect(v1.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect((await preflight('/api/keys')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves health without a key', async () => {
    const reply = await call(h.url, 'GET', '/api/health');
    expect(reply).toMatchObject({ status: 200, body: { status: 'ok', version: 'test' } });
  });
});
