import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/engines/sql.js';
import { ingestMessages } from '../../src/ingest/pipeline.js';
import type { WebhookDispatcher } from '../../src/live/webhooks/dispatcher.js';
import { NOW, WS } from '../helpers.js';
import { bearer, call, type Harness, startHarness } from '../server/harness.js';
import { forEachStore } from './stores.js';
import { ChangeFeed, dispatcher, type Receiver, startReceiver, waitFor } from './webhooks-harness.js';

forEachStore((store) => {
  let h: Harness;
  let receiver: Receiver;
  let delivery: WebhookDispatcher;
  let segmentId: string;

  const api = (method: string, path: string, body?: unknown) =>
    call(h.url, method, path, { auth: bearer(h.admin), ...(body === undefined ? {} : { body }) });
  type ErrorReply = { error: { code: string; path?: string; issues?: { code: string; path: string }[] } };
  const issues = (body: unknown) => (body as ErrorReply).error.issues?.map((i) => ({ code: i.code, path: i.path }));

  beforeAll(async () => {
    h = await startHarness({ engine: await store.open() });
    receiver = await startReceiver();
    await ingestMessages(
      h.engine,
      [
        { type: 'identify', userId: 'ann', traits: { plan: 'pro' } },
        { type: 'identify', userId: 'bob', traits: { plan: 'pro' } },
      ],
      { workspace: WS, now: NOW, source: 'test' },
    );
    const created = await api('POST', '/api/segments', { name: 'Pro', text: 'plan = "pro"' });
    segmentId = (created.body as { id: string }).id;
    expect((await api('POST', `/api/segments/${segmentId}/refresh`, { asOf: NOW.toISOString() })).status).toBe(200);
    // The harness's app has its own feed; this dispatcher finds webhooks by polling.
    delivery = dispatcher(h.engine, new ChangeFeed(), { pollMs: 10 });
  });
  afterAll(async () => {
    await delivery.stop();
    await receiver.close();
    await h.close();
  });

  describe('/api/webhooks', () => {
    it('creates, lists, shows, pauses, resumes, replays, lists attempts and deletes', async () => {
      const created = await api('POST', '/api/webhooks', { url: receiver.url, segments: ['Pro'] });
      expect(created.status).toBe(201);
      const hook = created.body as { id: string; secret: string; segment_ids: string[]; status: { pending: number } };
      expect(hook).toMatchObject({ segment_ids: [segmentId], batch_size: 1, state: 'active' });
      expect(hook.secret).toMatch(/^whsec_.{32}$/);
      expect(hook.status).toMatchObject({ cursor_seq: 0, sync_until: 2, syncing: true, pending: 2 });

      await waitFor(() => receiver.delivered().length === 2, 'the initial sync');
      const [first] = receiver.received;
      const signature = createHmac('sha256', hook.secret)
        .update(first?.body ?? '')
        .digest('hex');
      expect(first?.headers['x-strata-signature']).toBe(`sha256=${signature}`);

      const list = await api('GET', '/api/webhooks');
      expect(list.status).toBe(200);
      expect(list.body).toEqual([expect.objectContaining({ id: hook.id, url: receiver.url })]);
      const shown = await api('GET', `/api/webhooks/${hook.id}`);
      await waitFor(async () => {
        const body = (await api('GET', `/api/webhooks/${hook.id}`)).body as { status: { cursor_seq: number } };
        return body.status.cursor_seq === 2;
      }, 'the cursor');
      for (const reply of [list, shown, await api('GET', `/api/webhooks/${hook.id}`)]) {
        expect(JSON.stringify(reply.body)).not.toContain(hook.secret);
      }
      expect((await api('GET', `/api/webhooks/${hook.id}`)).body).toMatchObject({
        status: {
          state: 'active',
          cursor_seq: 2,
          syncing: false,
          pending: 0,
          delivered_total: 2,
          failed_attempts_total: 0,
          consecutive_failures: 0,
          last_success_at: expect.any(String),
          last_failure_at: null,
          last_error: null,
          next_attempt_at: null,
        },
      });

      const paused = await api('PATCH', `/api/webhooks/${hook.id}`, { state: 'paused', batch_size: 10 });
      expect(paused.body).toMatchObject({ state: 'paused', batch_size: 10, status: { state: 'paused' } });
      expect((await api('POST', `/api/webhooks/${hook.id}/replay`, { from_seq: 1 })).body).toMatchObject({
        status: { cursor_seq: 0, sync_until: 0, pending: 2 },
      });
      await new Promise((resolve) => setTimeout(resolve, 30)); // a few polls: nothing is sent while paused
      expect(receiver.received).toHaveLength(2);
      expect((await api('PATCH', `/api/webhooks/${hook.id}`, { state: 'active' })).body).toMatchObject({
        state: 'active',
      });
      await waitFor(() => receiver.received.length === 3, 'the replay');
      expect(JSON.parse(receiver.received[2]?.body ?? '')).toEqual({
        events: [expect.objectContaining({ seq: 1 }), expect.objectContaining({ seq: 2 })],
      });

      await waitFor(
        async () => ((await api('GET', `/api/webhooks/${hook.id}/attempts`)).body as unknown[]).length === 3,
      );
      const attempts = await api('GET', `/api/webhooks/${hook.id}/attempts?limit=2`);
      expect(attempts.body).toEqual([
        expect.objectContaining({ ok: true, first_seq: 1, last_seq: 2, events: 2, status_code: 200 }),
        expect.objectContaining({ ok: true, first_seq: 2, last_seq: 2, events: 1 }),
      ]);

      const deleted = await api('DELETE', `/api/webhooks/${hook.id}`);
      expect(deleted.status).toBe(200);
      expect((await api('GET', `/api/webhooks/${hook.id}`)).status).toBe(404);
      expect((await api('GET', '/api/webhooks')).body).toEqual([]);
    });

    it('answers invalid requests with a code and the path of each issue', async () => {
      const empty = await api('POST', '/api/webhooks', {});
      expect(empty.status).toBe(400);
      expect((empty.body as ErrorReply).error.code).toBe('invalid_request');
      expect(issues(empty.body)).toEqual(
        expect.arrayContaining([
          { code: 'missing_field', path: 'url' },
          { code: 'missing_field', path: 'segments' },
        ]),
      );
      const bad = await api('POST', '/api/webhooks', {
        url: receiver.url,
        segments: [],
        secret: 'short',
        batch_size: 1.5,
        extra: true,
      });
      expect(issues(bad.body)).toEqual(
        expect.arrayContaining([
          { code: 'too_small', path: 'segments' },
          { code: 'too_small', path: 'secret' },
          { code: 'invalid_type', path: 'batch_size' },
          { code: 'unknown_field', path: '' },
        ]),
      );
      expect(
        issues((await api('POST', '/api/webhooks', { url: 'x', segments: ['Pro'], batch_size: 1001 })).body),
      ).toEqual([{ code: 'too_big', path: 'batch_size' }]);

      const ftp = await api('POST', '/api/webhooks', { url: 'ftp://example.com/x', segments: ['Pro'] });
      expect(ftp).toMatchObject({ status: 400, body: { error: { code: 'invalid_url', path: 'url' } } });
      const notUrl = await api('POST', '/api/webhooks', { url: 'not a url', segments: ['Pro'] });
      expect(notUrl).toMatchObject({ status: 400, body: { error: { code: 'invalid_url', path: 'url' } } });
      const unknown = await api('POST', '/api/webhooks', { url: receiver.url, segments: ['Pro', 'Nope'] });
      expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'unknown_segment', path: 'segments[1]' } } });

      const hook = (await api('POST', '/api/webhooks', { url: receiver.url, segments: [segmentId] })).body as {
        id: string;
      };
      await api('PATCH', `/api/webhooks/${hook.id}`, { state: 'paused' });
      expect(issues((await api('PATCH', `/api/webhooks/${hook.id}`, { state: 'gone' })).body)).toEqual([
        { code: 'invalid_value', path: 'state' },
      ]);
      expect(issues((await api('POST', `/api/webhooks/${hook.id}/replay`, { from_seq: 0 })).body)).toEqual([
        { code: 'too_small', path: 'from_seq' },
      ]);
      expect(await api('POST', `/api/webhooks/${hook.id}/replay`, { from_seq: 99 })).toMatchObject({
        status: 400,
        body: { error: { code: 'invalid_from_seq', path: 'from_seq' } },
      });
      expect((await api('GET', `/api/webhooks/${hook.id}/attempts?limit=abc`)).status).toBe(400);
      expect(await api('GET', '/api/webhooks/wh_nope')).toMatchObject({
        status: 404,
        body: { error: { code: 'unknown_webhook', path: 'id' } },
      });
      expect((await api('PATCH', '/api/webhooks/wh_nope', { state: 'active' })).status).toBe(404);
      expect((await api('POST', '/api/webhooks/wh_nope/replay', { from_seq: 1 })).status).toBe(404);
      expect((await api('DELETE', '/api/webhooks/wh_nope')).status).toBe(404);
      expect((await api('GET', '/api/webhooks/wh_nope/attempts')).status).toBe(404);
      expect((await call(h.url, 'GET', '/api/webhooks', { auth: bearer(h.write) })).status).toBe(403);
      expect((await call(h.url, 'GET', '/api/webhooks')).status).toBe(401);
      await api('DELETE', `/api/webhooks/${hook.id}`);
    });

    it('keeps hostile names, URLs, secrets and ids as data', async () => {
      const names = ["'; DROP TABLE webhooks; --", '"; DROP TABLE segment_changes; --', '$1', "\\'", '👩‍💻 ΟΔΟΣ'];
      for (const name of names) {
        const created = await api('POST', '/api/segments', { name, text: 'plan = "pro"' });
        expect(created.status, name).toBe(201);
      }
      const url = `${receiver.url}?q=${encodeURIComponent("'; DROP TABLE webhooks; --")}&x="y"`;
      const secret = `'); DELETE FROM webhooks; -- $1 "`;
      const created = await api('POST', '/api/webhooks', { url, segments: names, secret });
      expect(created.status).toBe(201);
      const hook = created.body as { id: string; url: string };
      expect(hook.url).toBe(url);
      for (const name of names) await api('POST', `/api/segments/${encodeURIComponent(name)}/refresh`, {});
      await waitFor(() => receiver.received.filter((r) => r.headers['x-strata-webhook-id'] === hook.id).length === 10);
      const mine = receiver.received.filter((r) => r.headers['x-strata-webhook-id'] === hook.id);
      expect(new Set(mine.map((r) => (JSON.parse(r.body) as { segment: { name: string } }).segment.name))).toEqual(
        new Set(names),
      );
      for (const r of mine) {
        expect(r.path).toBe(new URL(url).pathname + new URL(url).search);
        const expected = createHmac('sha256', secret).update(r.body).digest('hex');
        expect(r.headers['x-strata-signature']).toBe(`sha256=${expected}`);
      }
      for (const id of ["'; DROP TABLE webhooks; --", '%27%20OR%20%271%27%3D%271', '..%2F..']) {
        expect((await api('GET', `/api/webhooks/${encodeURIComponent(id)}`)).status, id).toBe(404);
      }
      const [count] = await h.engine.query(sql`SELECT count(*) AS n FROM webhooks`);
      expect(count?.['n']).toBe(1);
      expect((await api('DELETE', `/api/webhooks/${hook.id}`)).status).toBe(200);
    });
  });
});
