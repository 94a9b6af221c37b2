import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engines/engine.js';
import { sql, str } from '../../src/engines/sql.js';
import { createApiKey } from '../../src/keys/api-keys.js';
import { LiveService } from '../../src/live/service.js';
import { refreshAll, refreshSegment } from '../../src/segments/refresh.js';
import { createSegment, createStaticSegment } from '../../src/segments/store.js';
import { segmentSummaries } from '../../src/segments/summary.js';
import { createApp } from '../../src/server/app.js';
import { listen, type RunningServer } from '../../src/server/serve.js';
import { WS } from '../helpers.js';
import { basic, call } from '../server/harness.js';
import { forEachStore } from './stores.js';

const DAY = 86_400_000;
const T0 = new Date('2024-06-01T12:00:00Z');

/** A real server on loopback with real-time evaluation over an in-memory store, and a clock the test moves. */
forEachStore((store) => {
  let engine: Engine;
  let live: LiveService;
  let server: RunningServer;
  let key: string;
  let clock: Date;

  beforeEach(async () => {
    engine = await store.open();
    clock = T0;
    live = new LiveService(engine, { now: () => clock, sweepIntervalMs: 0 });
    server = await listen(createApp({ engine, live, now: () => clock }), { port: 0 });
    key = (await createApiKey(engine, { workspace: WS, scope: 'write', name: 'w' })).key;
    await createSegment(engine, WS, { name: 'Buyers', rule: { type: 'event', event: 'Order Completed' } });
    await createSegment(engine, WS, {
      name: 'Recent buyers',
      rule: { type: 'event', event: 'Order Completed', window: { last: '7d' } },
    });
    await createSegment(engine, WS, { name: 'Pro', rule: { type: 'trait', trait: 'plan', op: '=', value: 'pro' } });
    await createSegment(engine, WS, {
      name: 'Never bought',
      rule: { type: 'not', rule: { type: 'event', event: 'Order Completed' } },
    });
    await createSegment(engine, WS, {
      name: 'Retail accounts',
      rule: { type: 'trait', trait: 'account.industry', op: '=', value: 'Retail' },
    });
    await refreshAll(engine, WS, { asOf: clock });
  });

  afterEach(async () => {
    await server.close();
    await live.stop();
    await engine.close();
  });

  async function send(batch: unknown[]): Promise<void> {
    const reply = await call(server.url, 'POST', '/v1/batch', { auth: basic(key), body: { batch } });
    expect(reply.status).toBe(200);
    await live.idle();
  }

  async function log(): Promise<string[]> {
    const rows = await engine.query(
      sql`SELECT s.name, c.user_id, c.change, c.at FROM segment_changes c JOIN segments s
        ON s.workspace = c.workspace AND s.id = c.segment_id WHERE c.workspace = ${str(WS)} ORDER BY c.seq`,
    );
    return rows.map((r) => `${r['user_id']} ${r['change']} ${r['name']}`);
  }

  async function members(name: string): Promise<string[]> {
    const rows = await engine.query(
      sql`SELECT m.user_id FROM segment_members m JOIN segments s ON s.workspace = m.workspace AND s.id = m.segment_id
        WHERE m.workspace = ${str(WS)} AND s.name = ${str(name)} ORDER BY m.user_id`,
    );
    return rows.map((r) => String(r['user_id']));
  }

  const order = (userId: string, at: Date, id: string) => ({
    type: 'track',
    userId,
    event: 'Order Completed',
    messageId: id,
    properties: { revenue: 10 },
    timestamp: at.toISOString(),
  });

  describe('real-time evaluation while serving', () => {
    it('writes enter and exit changes for the touched users as events and traits arrive', async () => {
      await send([{ type: 'identify', userId: 'ann', traits: { plan: 'pro' }, timestamp: T0.toISOString() }]);
      // A new user can enter a segment that reads nothing she did: a rule of negations holds for her.
      expect((await log()).sort()).toEqual(['ann entered Never bought', 'ann entered Pro']);

      await send([order('ann', new Date(T0.getTime() - 1000), 'o1')]);
      // One write's changes come in user order; their order across segments is not meaningful.
      expect((await log()).slice(2).sort()).toEqual([
        'ann entered Buyers',
        'ann entered Recent buyers',
        'ann exited Never bought',
      ]);

      await send([{ type: 'identify', userId: 'ann', traits: { plan: 'free' }, timestamp: T0.toISOString() }]);
      expect((await log()).slice(5)).toEqual(['ann exited Pro']);
      // The change time is the write's evaluation time.
      const [row] = await engine.query(sql`SELECT max(c.at) AS latest FROM segment_changes AS c`);
      const admin = (await createApiKey(engine, { workspace: WS, scope: 'admin', name: 'status' })).key;
      const status = await call(server.url, 'GET', '/api/live', { auth: `Bearer ${admin}` });
      expect(status.body).toMatchObject({ enabled: true, writes: 3, changes: 6, lastError: null });
      expect(row?.['latest']).toEqual(T0);
    });

    it('re-evaluates only the segments whose rule reads what changed', async () => {
      await send([{ type: 'identify', userId: 'bob', traits: { plan: 'free' }, timestamp: T0.toISOString() }]);
      const before = { ...live.stats };
      // Bob exists; a page view touches no rule (no first/last-seen rule here), so nothing is evaluated for it.
      await send([{ type: 'page', userId: 'bob', name: 'Home', messageId: 'p1', timestamp: T0.toISOString() }]);
      expect(live.stats.writes).toBe(before.writes + 1);
      expect(live.stats.evaluations).toBe(before.evaluations);
      expect(await members('Never bought')).toEqual(['bob']);
      // An order is read by three rules: one evaluation.
      await send([order('bob', T0, 'o-bob')]);
      expect(live.stats.evaluations).toBe(before.evaluations + 1);
    });

    it('a group call moves every user of the account', async () => {
      await send([
        { type: 'identify', userId: 'cat', traits: {}, timestamp: T0.toISOString() },
        { type: 'identify', userId: 'dan', traits: {}, timestamp: T0.toISOString() },
        { type: 'group', userId: 'cat', groupId: 'acme', traits: { industry: 'Media' }, timestamp: T0.toISOString() },
        { type: 'group', userId: 'dan', groupId: 'acme', traits: {}, timestamp: T0.toISOString() },
      ]);
      expect(await members('Retail accounts')).toEqual([]);
      await send([
        { type: 'identify', userId: 'eve', traits: {}, timestamp: T0.toISOString() },
        { type: 'group', userId: 'eve', groupId: 'other', traits: { industry: 'Retail' }, timestamp: T0.toISOString() },
      ]);
      expect(await members('Retail accounts')).toEqual(['eve']);
      // The account changes industry through a call made by someone else entirely: cat and dan move with it.
      clock = new Date(T0.getTime() + 1000);
      await send([
        {
          type: 'group',
          anonymousId: 'x',
          groupId: 'acme',
          traits: { industry: 'Retail' },
          timestamp: clock.toISOString(),
        },
      ]);
      expect(await members('Retail accounts')).toEqual(['cat', 'dan', 'eve']);
    });

    it('users leave relative windows when time passes, at the next sweep (injected clock)', async () => {
      await send([
        order('fay', new Date(T0.getTime() - DAY), 'o2'),
        order('gus', new Date(T0.getTime() - 5 * DAY), 'o3'),
      ]);
      expect(await members('Recent buyers')).toEqual(['fay', 'gus']);
      clock = new Date(T0.getTime() + 2 * DAY + 1);
      await live.sweepNow();
      expect(await members('Recent buyers')).toEqual(['fay']);
      clock = new Date(T0.getTime() + 6 * DAY + 1);
      const results = await live.sweepNow();
      expect(await members('Recent buyers')).toEqual([]);
      // Only the time-window segment is swept; the others depend on data alone.
      expect(results.flatMap((r) => r.refreshed.map((x) => x.name))).toEqual(['Recent buyers']);
      expect(await members('Buyers')).toEqual(['fay', 'gus']);
      const exits = (await log()).filter((line) => line.includes('exited Recent buyers'));
      expect(exits).toEqual(['gus exited Recent buyers', 'fay exited Recent buyers']);
    });

    it('agrees with a full refresh after a mixed stream (a refresh then finds nothing to change)', async () => {
      await createSegment(engine, WS, {
        name: 'Ordered twice in a row',
        rule: { type: 'sequence', steps: [{ event: 'Order Completed' }, { event: 'Order Completed' }] },
      });
      await createSegment(engine, WS, {
        name: 'Big spenders',
        rule: { type: 'aggregate', fn: 'sum', event: 'Order Completed', property: 'revenue', op: '>=', value: 30 },
      });
      const batch: unknown[] = [];
      for (let i = 0; i < 60; i++) {
        const user = `u${i % 17}`;
        const at = new Date(T0.getTime() - (i % 11) * DAY).toISOString();
        if (i % 5 === 0)
          batch.push({ type: 'identify', userId: user, traits: { plan: i % 2 ? 'pro' : 'free' }, timestamp: at });
        else if (i % 7 === 0)
          batch.push({
            type: 'group',
            userId: user,
            groupId: `g${i % 3}`,
            traits: { industry: i % 2 ? 'Retail' : 'Media' },
            timestamp: at,
          });
        else batch.push(order(user, new Date(at), `m${i}`));
      }
      for (let i = 0; i < batch.length; i += 13) await send(batch.slice(i, i + 13));
      expect((await members('Ordered twice in a row')).length).toBeGreaterThan(0);
      expect((await members('Big spenders')).length).toBeGreaterThan(0);
      const names = ['Buyers', 'Recent buyers', 'Pro', 'Never bought', 'Retail accounts', 'Ordered twice in a row'];
      for (const name of [...names, 'Big spenders']) {
        const result = await refreshSegment(engine, WS, name, { asOf: clock });
        expect({ name, entered: result.entered, exited: result.exited }).toEqual({ name, entered: 0, exited: 0 });
      }
    });

    it('a segment created or changed through a live server is refreshed at once, with the segments using it', async () => {
      await send([order('ivy', new Date(T0.getTime() - DAY), 'o9'), order('jon', new Date(T0.getTime() - DAY), 'o10')]);
      const admin = (await createApiKey(engine, { workspace: WS, scope: 'admin', name: 'a' })).key;
      const auth = `Bearer ${admin}`;
      const vip = await call(server.url, 'POST', '/api/segments', {
        auth,
        body: { name: 'VIP', static: true, userIds: ['ivy'] },
      });
      expect(vip.status).toBe(201);
      const created = await call(server.url, 'POST', '/api/segments', {
        auth,
        body: { name: 'VIP buyers', text: 'in segment "VIP" and did "Order Completed"' },
      });
      expect(created.status).toBe(201);
      await live.idle();
      expect(await members('VIP buyers')).toEqual(['ivy']);
      // A new list for the static segment moves the segment built on it.
      const replaced = await call(server.url, 'PUT', '/api/segments/VIP/static-members', {
        auth,
        body: { userIds: ['jon'] },
      });
      expect(replaced.status).toBe(200);
      await live.idle();
      expect(await members('VIP')).toEqual(['jon']);
      expect(await members('VIP buyers')).toEqual(['jon']);
    });

    it('reports realtime per segment, with the reason when it is not', async () => {
      await createStaticSegment(engine, WS, { name: 'VIP list', userIds: ['ann'] });
      const byName = new Map((await segmentSummaries(engine, WS, 'live')).map((s) => [s.name, s]));
      expect(byName.get('Buyers')).toMatchObject({ realtime: true, realtimeReason: null, timeWindows: false });
      expect(byName.get('Recent buyers')).toMatchObject({ realtime: true, timeWindows: true });
      expect(byName.get('VIP list')).toMatchObject({ realtime: true, timeWindows: false });
      const offline = await segmentSummaries(engine, WS, 'no-server');
      expect(offline.every((s) => !s.realtime && /no Strata server is running/.test(s.realtimeReason ?? ''))).toBe(
        true,
      );
      // The API says what this server does.
      const admin = (await createApiKey(engine, { workspace: WS, scope: 'admin', name: 'list' })).key;
      const list = await call(server.url, 'GET', '/api/segments', { auth: `Bearer ${admin}` });
      expect((list.body as { name: string; realtime: boolean }[]).find((s) => s.name === 'Buyers')?.realtime).toBe(
        true,
      );
    });

    it('a listed user of a static segment enters when they first appear, and an alias moves memberships', async () => {
      await createStaticSegment(engine, WS, { name: 'Invited', userIds: ['kim', 'old-id'] });
      await refreshSegment(engine, WS, 'Invited', { asOf: clock });
      expect(await members('Invited')).toEqual([]);
      await send([{ type: 'identify', userId: 'kim', traits: { plan: 'pro' }, timestamp: T0.toISOString() }]);
      expect(await members('Invited')).toEqual(['kim']);
      await send([{ type: 'identify', userId: 'old-id', traits: { plan: 'pro' }, timestamp: T0.toISOString() }]);
      expect(await members('Pro')).toEqual(['kim', 'old-id']);
      // old-id becomes new-id: the old profile is merged away and leaves every segment; the new one enters.
      await send([{ type: 'alias', previousId: 'old-id', userId: 'new-id', timestamp: T0.toISOString() }]);
      expect(await members('Pro')).toEqual(['kim', 'new-id']);
      expect(await members('Invited')).toEqual(['kim']);
    });

    it('a device shared by two users does not wipe the profile of the one already known', async () => {
      await send([{ type: 'identify', userId: 'wes', traits: { plan: 'pro' }, timestamp: T0.toISOString() }]);
      await send([
        {
          type: 'track',
          userId: 'val',
          anonymousId: 'dev1',
          event: 'Login',
          messageId: 'l1',
          timestamp: T0.toISOString(),
        },
        {
          type: 'track',
          userId: 'wes',
          anonymousId: 'dev1',
          event: 'Login',
          messageId: 'l2',
          timestamp: T0.toISOString(),
        },
      ]);
      const [wes] = await engine.query(sql`SELECT traits FROM profiles WHERE user_id = 'wes'`);
      expect(wes?.['traits']).toEqual({ plan: 'pro' });
      expect(await members('Pro')).toEqual(['wes']);
    });

    it('an event stamped ahead of the clock counts from the first sweep after its time', async () => {
      await send([order('zed', new Date(T0.getTime() + 3_600_000), 'o-future')]);
      expect(await members('Buyers')).toEqual([]);
      clock = new Date(T0.getTime() + 1_800_000);
      await live.sweepNow();
      await live.idle();
      expect(await members('Buyers')).toEqual([]);
      clock = new Date(T0.getTime() + 3_600_001);
      await live.sweepNow();
      await live.idle();
      expect(await members('Buyers')).toEqual(['zed']);
    });

    it('sweeps asked for while one runs run one after another and all finish', async () => {
      await send([order('amy', new Date(T0.getTime() - DAY), 'o-amy')]);
      clock = new Date(T0.getTime() + 8 * DAY);
      const results = await Promise.all([live.sweepNow({ full: 'all' }), live.sweepNow(), live.sweepNow()]);
      expect(results.map((r) => r.length)).toEqual([1, 1, 1]);
      expect(await members('Recent buyers')).toEqual([]);
    });

    it('duplicates within and across requests are counted per request and stored once', async () => {
      const first = await call(server.url, 'POST', '/v1/batch', {
        auth: basic(key),
        body: { batch: [order('hal', T0, 'dup'), order('hal', T0, 'dup')] },
      });
      expect(first.body).toMatchObject({ stored: 1, duplicates: 1 });
      const again = await call(server.url, 'POST', '/v1/batch', {
        auth: basic(key),
        body: { batch: [order('hal', T0, 'dup')] },
      });
      expect(again.body).toMatchObject({ stored: 0, duplicates: 1 });
      const [count] = await engine.query(sql`SELECT count(*) AS n FROM events WHERE message_id = 'dup'`);
      expect(Number(count?.['n'])).toBe(1);
    });
  });
});
