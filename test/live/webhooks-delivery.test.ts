import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engines/engine.js';
import { sql } from '../../src/engines/sql.js';
import type { WebhookDispatcher } from '../../src/live/webhooks/dispatcher.js';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listAttempts,
  replayWebhook,
  updateWebhook,
} from '../../src/live/webhooks/store.js';
import type { SavedSegment } from '../../src/segments/store.js';
import { forEachStore } from './stores.js';
import {
  ChangeFeed,
  change,
  dispatcher,
  proSegment,
  type Receiver,
  startReceiver,
  T,
  waitFor,
} from './webhooks-harness.js';

interface Event {
  id: string;
  type: string;
  segment: { id: string; name: string };
  user_id: string;
  at: string;
  seq: number;
  initial?: true;
}

const WS = 'default';
const SECRET = 'a-test-secret-of-enough-length';

/** Every event the receiver acknowledged, batches flattened, in arrival order. */
const events = (receiver: Receiver): Event[] =>
  receiver.delivered().flatMap((body) => ((body as { events?: Event[] }).events ?? [body]) as Event[]);
const seqs = (receiver: Receiver) => events(receiver).map((e) => e.seq);

forEachStore((store) => {
  let engine: Engine;
  let feed: ChangeFeed;
  let receiver: Receiver;
  let running: WebhookDispatcher[];
  let pro: SavedSegment;

  /**
   * The history every test starts from, in `default`:
   * seq 1 ann entered, 2 bob entered (day 2); 3 bob exited (day 3); 4 bob entered, 5 cat entered (day 4).
   * The current members are ann (1), bob (4) and cat (5).
   */
  beforeEach(async () => {
    engine = await store.open();
    feed = new ChangeFeed();
    receiver = await startReceiver();
    running = [];
    pro = await proSegment(engine, WS);
    await change(engine, feed, WS, 'Pro', { ann: 'pro', bob: 'pro', cat: 'free' }, T(2));
    await change(engine, feed, WS, 'Pro', { bob: 'free' }, T(3));
    await change(engine, feed, WS, 'Pro', { bob: 'pro', cat: 'pro' }, T(4));
  });
  afterEach(async () => {
    for (const d of running) await d.stop();
    await receiver.close();
    await engine.close();
  });

  const start = (options: Parameters<typeof dispatcher>[2] = {}) => {
    const d = dispatcher(engine, feed, options);
    running.push(d);
    return d;
  };

  describe('webhook delivery', () => {
    it('sends the initial sync (current members only), then every live change, exactly as documented', async () => {
      const hook = await createWebhook(engine, WS, { url: receiver.url, segments: ['Pro'], secret: SECRET });
      expect(hook.status).toMatchObject({ cursor_seq: 0, sync_until: 5, syncing: true, pending: 3 });
      const d = start();
      await d.idle();
      expect(seqs(receiver)).toEqual([1, 4, 5]);

      await change(engine, feed, WS, 'Pro', { ann: 'free' }, T(5));
      await d.idle();
      expect(seqs(receiver)).toEqual([1, 4, 5, 6]);

      // The exact bytes: one object per request, keys in the documented order, `initial` only on the sync.
      const segment = `{"id":"${pro.id}","name":"Pro"}`;
      expect(receiver.received.map((r) => r.body)).toEqual([
        `{"id":"sc_1","type":"segment.entered","segment":${segment},"user_id":"ann","at":"2024-06-02T00:00:00.000Z","seq":1,"initial":true}`,
        `{"id":"sc_4","type":"segment.entered","segment":${segment},"user_id":"bob","at":"2024-06-04T00:00:00.000Z","seq":4,"initial":true}`,
        `{"id":"sc_5","type":"segment.entered","segment":${segment},"user_id":"cat","at":"2024-06-04T00:00:00.000Z","seq":5,"initial":true}`,
        `{"id":"sc_6","type":"segment.exited","segment":${segment},"user_id":"ann","at":"2024-06-05T00:00:00.000Z","seq":6}`,
      ]);

      for (const request of receiver.received) {
        const seq = (JSON.parse(request.body) as Event).seq;
        expect(request.headers).toMatchObject({
          'content-type': 'application/json',
          'user-agent': 'strata/1.2.3',
          'x-strata-webhook-id': hook.id,
          'x-strata-delivery': `${seq}-${seq}`,
        });
        const expected = createHmac('sha256', SECRET).update(Buffer.from(request.body, 'utf8')).digest('hex');
        expect(request.headers['x-strata-signature']).toBe(`sha256=${expected}`);
      }

      const status = (await getWebhook(engine, WS, hook.id)).status;
      expect(status).toMatchObject({
        cursor_seq: 6,
        syncing: false,
        pending: 0,
        delivered_total: 4,
        failed_attempts_total: 0,
        consecutive_failures: 0,
        next_attempt_at: null,
      });
      expect(status.last_success_at).toBeInstanceOf(Date);
    });

    it('batches consecutive changes as {"events": [...]}, signed over the exact body', async () => {
      await change(engine, feed, WS, 'Pro', { ann: 'free', dan: 'pro' }, T(5)); // 6 ann exited, 7 dan entered
      const hook = await createWebhook(engine, WS, { url: receiver.url, segments: [pro.id], batchSize: 2 });
      const d = start();
      await d.idle();
      // Initial sync: bob (4), cat (5), dan (7); ann entered and exited before the webhook existed.
      expect(receiver.received.map((r) => r.headers['x-strata-delivery'])).toEqual(['4-5', '7-7']);
      const [first, second] = receiver.received.map((r) => JSON.parse(r.body) as { events: Event[] });
      expect(first?.events.map((e) => [e.seq, e.user_id, e.initial])).toEqual([
        [4, 'bob', true],
        [5, 'cat', true],
      ]);
      expect(second).toEqual({ events: [expect.objectContaining({ seq: 7, user_id: 'dan', initial: true })] });

      await change(engine, feed, WS, 'Pro', { bob: 'free', cat: 'free', dan: 'free' }, T(6)); // 8, 9, 10
      await d.idle();
      expect(receiver.received.slice(2).map((r) => r.headers['x-strata-delivery'])).toEqual(['8-9', '10-10']);
      for (const request of receiver.received) {
        const expected = createHmac('sha256', hook.secret).update(request.body).digest('hex');
        expect(request.headers['x-strata-signature']).toBe(`sha256=${expected}`);
      }
      expect(events(receiver).filter((e) => e.seq > 7)).toEqual([
        expect.objectContaining({ seq: 8, type: 'segment.exited', user_id: 'bob' }),
        expect.objectContaining({ seq: 9, type: 'segment.exited', user_id: 'cat' }),
        expect.objectContaining({ seq: 10, type: 'segment.exited', user_id: 'dan' }),
      ]);
      expect(events(receiver).some((e) => e.seq > 7 && 'initial' in e)).toBe(false);
    });

    it('retries failures (500s, then a hanging answer past the timeout) with backoff, losing nothing, in order', async () => {
      receiver.behaviour = (n) => (n < 3 ? 500 : n === 3 ? 'hang' : 200);
      const hook = await createWebhook(engine, WS, { url: receiver.url, segments: ['Pro'] });
      start({ timeoutMs: 100 });
      await waitFor(() => receiver.received.length >= 5, 'the retries');
      // The same change was sent until it was acknowledged.
      expect(receiver.received.slice(0, 5).map((r) => r.headers['x-strata-delivery'])).toEqual([
        '1-1',
        '1-1',
        '1-1',
        '1-1',
        '1-1',
      ]);
      // Every change goes through while changes keep coming, including flapping users.
      receiver.behaviour = (n) => (n % 3 === 0 ? 503 : 200);
      await change(engine, feed, WS, 'Pro', { ann: 'free', dan: 'pro' }, T(5));
      await change(engine, feed, WS, 'Pro', { ann: 'pro', dan: 'free' }, T(6));
      await change(engine, feed, WS, 'Pro', { ann: 'free' }, T(7));
      await waitFor(async () => (await getWebhook(engine, WS, hook.id)).status.pending === 0, 'the backlog');

      expect(seqs(receiver)).toEqual([1, 4, 5, 6, 7, 8, 9, 10]);
      const ann = events(receiver).filter((e) => e.user_id === 'ann');
      expect(ann.map((e) => e.type)).toEqual([
        'segment.entered',
        'segment.exited',
        'segment.entered',
        'segment.exited',
      ]);

      const status = (await getWebhook(engine, WS, hook.id)).status;
      const failures = receiver.received.filter((r) => r.answer !== 200).length;
      expect(status).toMatchObject({
        delivered_total: 8,
        failed_attempts_total: failures,
        consecutive_failures: 0,
        next_attempt_at: null,
      });
      expect(status.last_error).toMatch(/^HTTP 503|^timed out/);

      const attempts = await listAttempts(engine, WS, hook.id, 1000);
      expect(attempts).toHaveLength(receiver.received.length);
      const oldest = attempts.slice(-5).reverse();
      expect(oldest.map((a) => [a.ok, a.status_code, a.first_seq, a.last_seq])).toEqual([
        [false, 500, 1, 1],
        [false, 500, 1, 1],
        [false, 500, 1, 1],
        [false, null, 1, 1],
        [true, 200, 1, 1],
      ]);
      expect(oldest[0]?.error).toBe('HTTP 500: receiver says no');
      expect(oldest[3]?.error).toBe('timed out after 100 ms');
    });

    it('shows a failing webhook in its status, and a refused connection is a failure too', async () => {
      const closed = await startReceiver();
      const url = closed.url;
      await closed.close();
      const hook = await createWebhook(engine, WS, { url, segments: ['Pro'] });
      const d = start({ backoffBaseMs: 10_000, backoffMaxMs: 60_000 });
      await waitFor(async () => (await getWebhook(engine, WS, hook.id)).status.consecutive_failures === 1, 'a failure');
      await d.idle(); // in backoff counts as idle
      const status = (await getWebhook(engine, WS, hook.id)).status;
      expect(status).toMatchObject({ cursor_seq: 0, pending: 3, failed_attempts_total: 1, delivered_total: 0 });
      expect(status.last_error).toMatch(/^request failed: fetch failed/);
      expect(status.next_attempt_at?.getTime()).toBeGreaterThan(status.last_failure_at?.getTime() ?? Infinity);

      // Fixing the URL retries at once instead of waiting out the backoff.
      await updateWebhook(engine, WS, hook.id, { url: receiver.url });
      feed.publish(WS);
      await waitFor(async () => (await getWebhook(engine, WS, hook.id)).status.pending === 0, 'the retry');
      expect(seqs(receiver)).toEqual([1, 4, 5]);
      expect((await getWebhook(engine, WS, hook.id)).status).toMatchObject({ consecutive_failures: 0 });
    });

    it('stops while paused and catches up on resume', async () => {
      const hook = await createWebhook(engine, WS, { url: receiver.url, segments: ['Pro'] });
      const d = start();
      await d.idle();
      await updateWebhook(engine, WS, hook.id, { state: 'paused' });
      await change(engine, feed, WS, 'Pro', { ann: 'free' }, T(5));
      await d.idle();
      expect(seqs(receiver)).toEqual([1, 4, 5]);
      expect((await getWebhook(engine, WS, hook.id)).status).toMatchObject({ state: 'paused', pending: 1 });

      await updateWebhook(engine, WS, hook.id, { state: 'active' });
      feed.publish(WS);
      await waitFor(() => seqs(receiver).length === 4, 'the resumed delivery');
      await d.idle();
      expect(seqs(receiver)).toEqual([1, 4, 5, 6]);
    });

    it('replays from a seq in full, then continues live', async () => {
      const hook = await createWebhook(engine, WS, { url: receiver.url, segments: ['Pro'] });
      const d = start();
      await d.idle();
      const replayed = await replayWebhook(engine, WS, hook.id, 3);
      expect(replayed.status).toMatchObject({ cursor_seq: 2, sync_until: 2, syncing: false, pending: 3 });
      feed.publish(WS);
      await waitFor(() => seqs(receiver).length === 6, 'the replay');
      await d.idle();
      expect(seqs(receiver)).toEqual([1, 4, 5, 3, 4, 5]);
      // Replayed changes are sent in full: bob's exit too, and none is marked initial.
      expect(events(receiver).slice(3)).toEqual([
        expect.objectContaining({ id: 'sc_3', type: 'segment.exited', user_id: 'bob' }),
        expect.objectContaining({ id: 'sc_4', type: 'segment.entered', user_id: 'bob' }),
        expect.objectContaining({ id: 'sc_5', type: 'segment.entered', user_id: 'cat' }),
      ]);
      expect(
        events(receiver)
          .slice(3)
          .some((e) => 'initial' in e),
      ).toBe(false);
      await expect(replayWebhook(engine, WS, hook.id, 0)).rejects.toMatchObject({ path: 'from_seq', status: 400 });
      await expect(replayWebhook(engine, WS, hook.id, 7)).rejects.toMatchObject({ path: 'from_seq', status: 400 });
    });

    it('stops delivering when deleted, and forgets its attempts', async () => {
      const hook = await createWebhook(engine, WS, { url: receiver.url, segments: ['Pro'] });
      const d = start();
      await d.idle();
      await deleteWebhook(engine, WS, hook.id);
      await change(engine, feed, WS, 'Pro', { ann: 'free' }, T(5));
      await d.idle();
      expect(seqs(receiver)).toEqual([1, 4, 5]);
      const [left] = await engine.query(sql`SELECT count(*) AS n FROM webhook_attempts`);
      expect(left?.['n']).toBe(0);
      await expect(getWebhook(engine, WS, hook.id)).rejects.toMatchObject({ code: 'unknown_webhook', status: 404 });
    });

    it('keeps workspaces apart: each webhook sees its own workspace, with its own seqs', async () => {
      const other = await startReceiver();
      try {
        await proSegment(engine, 'acme');
        await change(engine, feed, 'acme', 'Pro', { zoe: 'pro' }, T(2));
        const mine = await createWebhook(engine, WS, { url: receiver.url, segments: ['Pro'] });
        const theirs = await createWebhook(engine, 'acme', { url: other.url, segments: ['Pro'] });
        expect(theirs.status.sync_until).toBe(1);
        await expect(getWebhook(engine, 'acme', mine.id)).rejects.toMatchObject({ status: 404 });
        const d = start();
        await d.idle();
        await change(engine, feed, 'acme', 'Pro', { yan: 'pro' }, T(3));
        await d.idle();
        expect(events(receiver).map((e) => e.user_id)).toEqual(['ann', 'bob', 'cat']);
        expect(events(other).map((e) => [e.seq, e.user_id])).toEqual([
          [1, 'zoe'],
          [2, 'yan'],
        ]);
        expect(other.received.every((r) => r.headers['x-strata-webhook-id'] === theirs.id)).toBe(true);
      } finally {
        await other.close();
      }
    });

    it('only sends the segments it was created for', async () => {
      await proSegment(engine, WS, 'Also pro');
      await change(engine, feed, WS, 'Also pro', { ann: 'pro' }, T(5)); // seq 6..8 in "Also pro"
      const hook = await createWebhook(engine, WS, { url: receiver.url, segments: ['Also pro'] });
      expect(hook.status.pending).toBe(3);
      const d = start();
      await d.idle();
      expect(events(receiver).map((e) => [e.segment.name, e.user_id])).toEqual([
        ['Also pro', 'ann'],
        ['Also pro', 'bob'],
        ['Also pro', 'cat'],
      ]);
    });

    it('resumes from the durable cursor after a restart: nothing lost', async () => {
      const hook = await createWebhook(engine, WS, { url: receiver.url, segments: ['Pro'] });
      const first = start();
      await first.idle();
      await first.stop();
      await change(engine, feed, WS, 'Pro', { ann: 'free' }, T(5));
      await change(engine, feed, WS, 'Pro', { ann: 'pro' }, T(6));
      expect(seqs(receiver)).toEqual([1, 4, 5]);

      // A failing receiver leaves a stored backoff, which the next dispatcher honours and then retries.
      receiver.behaviour = (n) => (n === 3 ? 500 : 200);
      const second = start({ backoffBaseMs: 60_000, backoffMaxMs: 60_000 });
      await waitFor(
        async () => (await getWebhook(engine, WS, hook.id)).status.failed_attempts_total === 1,
        'a failure',
      );
      await second.stop();
      expect((await getWebhook(engine, WS, hook.id)).status.next_attempt_at).toBeInstanceOf(Date);

      const third = start();
      await waitFor(async () => (await getWebhook(engine, WS, hook.id)).status.pending === 0, 'the backlog');
      await third.idle();
      // At least once: each change acknowledged, in order, none lost (a crash mid-request could repeat one).
      expect([...new Set(seqs(receiver))]).toEqual([1, 4, 5, 6, 7]);
      expect(seqs(receiver)).toEqual([...seqs(receiver)].sort((a, b) => a - b));
    });

    it('keeps the attempt log bounded', async () => {
      receiver.behaviour = (n) => (n < 4 ? 500 : 200);
      const hook = await createWebhook(engine, WS, { url: receiver.url, segments: ['Pro'] });
      const d = start({ keepAttempts: 3 });
      await waitFor(async () => (await getWebhook(engine, WS, hook.id)).status.pending === 0, 'delivery');
      await d.idle();
      const attempts = await listAttempts(engine, WS, hook.id, 100);
      expect(attempts.length).toBeLessThanOrEqual(4);
      expect(attempts[0]).toMatchObject({ ok: true, first_seq: 5, status_code: 200 });
      expect((await getWebhook(engine, WS, hook.id)).status.failed_attempts_total).toBe(4);
      expect(await listAttempts(engine, WS, hook.id, 1)).toHaveLength(1);
    });
  });
});
