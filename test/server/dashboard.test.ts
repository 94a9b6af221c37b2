import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { errorResponse } from '../../src/server/schemas.js';
import { listen, type RunningServer } from '../../src/server/serve.js';
import { memoryEngine, NOW, WS } from '../helpers.js';
import { basic, bearer, call, type Harness, startHarness } from './harness.js';

describe('what the dashboard needs from the API', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('GET /api/session answers 200 whatever the key, saying whether it may sign in', async () => {
    const ok = await call(h.url, 'GET', '/api/session', { auth: bearer(h.admin) });
    expect(ok).toMatchObject({ status: 200, body: { signedIn: true, workspace: WS, scope: 'admin' } });
    const write = await call(h.url, 'GET', '/api/session', { auth: bearer(h.write) });
    expect(write.status).toBe(200);
    expect(write.body).toEqual({ signedIn: false, reason: 'a write key: the dashboard needs an admin key' });
    for (const auth of [bearer('stk_admin_0_0'), bearer("'; DROP TABLE api_keys; --"), basic(h.admin)]) {
      const refused = await call(h.url, 'GET', '/api/session', { auth });
      expect(refused.status).toBe(200);
      expect(refused.body).toMatchObject({ signedIn: false });
    }
    expect((await call(h.url, 'GET', '/api/session')).body).toEqual({ signedIn: false, reason: 'no key' });
  });

  it('GET /api/stats/activity counts what ingestion received today, and checks days', async () => {
    const batch = {
      batch: [
        { type: 'track', userId: 'u1', event: 'Viewed', timestamp: '2024-05-01T10:00:00Z' },
        { type: 'track', userId: 'u1', event: 'Viewed', timestamp: NOW.toISOString() },
      ],
    };
    expect((await call(h.url, 'POST', '/v1/batch', { auth: basic(h.write), body: batch })).status).toBe(200);
    const reply = await call(h.url, 'GET', '/api/stats/activity?days=7', { auth: bearer(h.admin) });
    expect(reply.status).toBe(200);
    const body = reply.body as { days: { day: string; events: number; received: number }[]; receivedLastHour: number };
    expect(body.days).toHaveLength(7);
    // Both arrived now (the server's pinned clock); only one happened in the last seven days.
    expect(body.days.at(-1)).toEqual({ day: NOW.toISOString().slice(0, 10), events: 1, received: 2 });
    expect(body.receivedLastHour).toBe(2);
    for (const days of ['0', '367', 'x', '1.5']) {
      const bad = await call(h.url, 'GET', `/api/stats/activity?days=${days}`, { auth: bearer(h.admin) });
      expect(bad.status).toBe(400);
      expect(errorResponse.parse(bad.body).error).toMatchObject({ code: 'invalid_parameter', path: 'days' });
    }
    expect((await call(h.url, 'GET', '/api/stats/activity')).status).toBe(401);
  });
});

describe('the dashboard at /', () => {
  let dir: string;
  let server: RunningServer;
  const engines: { close(): Promise<void> }[] = [];

  const serveFrom = async (webDir: string | null) => {
    const engine = await memoryEngine();
    engines.push(engine);
    return listen(createApp({ engine, now: () => NOW, webDir }), { port: 0 });
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'strata-web-test-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>app</title><div id="root"></div>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(tmpdir(), 'strata-outside.txt'), 'secret');
    server = await serveFrom(dir);
  });
  afterAll(async () => {
    await server.close();
    for (const engine of engines) await engine.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(join(tmpdir(), 'strata-outside.txt'), { force: true });
  });

  it('serves the app with a strict content security policy, at / and at every deep link', async () => {
    for (const path of ['/', '/segments/seg_1', '/segments/seg_1/edit?x=1', '/rfm']) {
      const reply = await call(server.url, 'GET', path);
      expect(reply.status).toBe(200);
      expect(reply.body).toContain('<div id="root">');
      expect(reply.headers.get('content-type')).toContain('text/html');
      expect(reply.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(reply.headers.get('cache-control')).toBe('no-cache');
    }
  });

  it('serves hashed assets with a long cache, and nothing outside the build', async () => {
    const asset = await call(server.url, 'GET', '/assets/index-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await call(server.url, 'GET', '/assets/missing.js')).status).toBe(404);
    for (const path of [
      '/../strata-outside.txt',
      '/%2e%2e/strata-outside.txt',
      '/assets/..%2f..%2fstrata-outside.txt',
    ]) {
      const reply = await call(server.url, 'GET', path);
      expect(String(reply.body)).not.toContain('secret');
    }
  });

  it('leaves /api and /v1 to the API: unknown routes there are JSON 404s, not the app', async () => {
    for (const path of ['/api/nope', '/v1/nope']) {
      const reply = await call(server.url, 'GET', path, { auth: bearer('x') });
      expect(reply.headers.get('content-type')).toContain('application/json');
      expect(String(JSON.stringify(reply.body))).not.toContain('<div id="root">');
    }
  });

  it('explains how to build the dashboard when it is not built', async () => {
    const unbuilt = await serveFrom(join(dir, 'not-built'));
    const reply = await call(unbuilt.url, 'GET', '/');
    expect(reply.status).toBe(503);
    expect(reply.body).toContain('npm run build');
    await unbuilt.close();
  });

  it('serves the API alone when told to', async () => {
    const apiOnly = await serveFrom(null);
    const reply = await call(apiOnly.url, 'GET', '/');
    expect(reply.status).toBe(404);
    expect(errorResponse.parse(reply.body).error.code).toBe('not_found');
    await apiOnly.close();
  });
});
