import { beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engines/engine.js';
import { sql, str } from '../../src/engines/sql.js';
import { ingestMessages } from '../../src/ingest/pipeline.js';
import { getAccount, getProfile, listEvents } from '../../src/store/profiles.js';
import { onEachEngine, resetData } from '../analytics/harness.js';
import { NOW, WS } from '../helpers.js';

/** The ingestion path on every engine: each test starts from empty tables and reads back what the store holds. */
onEachEngine((opened) => {
  let engine: Engine;
  beforeEach(async () => {
    engine = opened();
    await resetData(engine);
  });

  const ingest = (messages: unknown[]) => ingestMessages(engine, messages, { workspace: WS, now: NOW, source: 'test' });
  const viewed = (userId: string, id: string, timestamp: string) => ({
    type: 'track',
    userId,
    event: 'Viewed',
    messageId: id,
    timestamp,
  });
  const countEvents = async () => Number((await engine.query(sql`SELECT count(*) AS n FROM events`))[0]?.['n']);

  describe('ingestion', () => {
    it('stores a message id once, however often it is sent', async () => {
      const track = {
        type: 'track',
        messageId: 'm1',
        userId: 'u1',
        event: 'Signed Up',
        timestamp: '2024-05-01T00:00:00Z',
      };
      const first = await ingest([track, track]);
      expect(first).toMatchObject({ received: 2, stored: 1, duplicates: 1, rejected: [] });
      const second = await ingest([track]);
      expect(second).toMatchObject({ stored: 0, duplicates: 1 });
      expect(await countEvents()).toBe(1);
    });

    it('merges traits per key, the later message time winning even when it arrives first', async () => {
      await ingest([
        { type: 'identify', userId: 'u1', traits: { plan: 'pro', city: 'Oslo' }, timestamp: '2024-05-02T00:00:00Z' },
      ]);
      await ingest([
        { type: 'identify', userId: 'u1', traits: { plan: 'free', age: 31 }, timestamp: '2024-05-01T00:00:00Z' },
      ]);
      await ingest([{ type: 'identify', userId: 'u1', traits: { city: 'Bergen' }, timestamp: '2024-05-03T00:00:00Z' }]);
      const profile = await getProfile(engine, WS, 'u1');
      expect(profile?.traits).toEqual({ plan: 'pro', city: 'Bergen', age: 31 });
    });

    it('moves anonymous activity and traits to the user once identify links them', async () => {
      await ingest([
        { type: 'page', anonymousId: 'a1', name: 'Pricing', timestamp: '2024-05-01T00:00:00Z' },
        { type: 'identify', anonymousId: 'a1', traits: { utm_source: 'ads' }, timestamp: '2024-05-01T00:00:01Z' },
      ]);
      expect(await getProfile(engine, WS, 'u9')).toBeNull();
      await ingest([{ type: 'identify', anonymousId: 'a1', userId: 'u9', traits: { email: 'x@y.z' } }]);
      const events = await listEvents(engine, WS, 'u9');
      expect(events.map((e) => [e.name, e.properties['name']])).toEqual([['Page Viewed', 'Pricing']]);
      const profile = await getProfile(engine, WS, 'u9');
      expect(profile?.traits).toEqual({ utm_source: 'ads', email: 'x@y.z' });
      expect(profile?.firstSeen?.toISOString()).toBe('2024-05-01T00:00:00.000Z');
      // Later anonymous-only messages resolve through the stored link.
      await ingest([{ type: 'track', anonymousId: 'a1', event: 'Clicked', timestamp: '2024-05-04T00:00:00Z' }]);
      expect((await listEvents(engine, WS, 'u9')).map((e) => e.name)).toEqual(['Page Viewed', 'Clicked']);
    });

    it('alias joins an old user id into the new one', async () => {
      await ingest([
        { type: 'track', userId: 'old', event: 'A', timestamp: '2024-05-01T00:00:00Z' },
        { type: 'identify', userId: 'old', traits: { name: 'Ann' }, timestamp: '2024-05-01T00:00:00Z' },
      ]);
      await ingest([{ type: 'alias', previousId: 'old', userId: 'new', timestamp: '2024-05-02T00:00:00Z' }]);
      expect(await getProfile(engine, WS, 'old')).toBeNull();
      expect((await getProfile(engine, WS, 'new'))?.traits).toEqual({ name: 'Ann' });
      expect((await listEvents(engine, WS, 'new')).map((e) => e.name)).toEqual(['A']);
    });

    it('extracts revenue from revenue, total or products, and stores refunds negative', async () => {
      const at = '2024-05-01T00:00:00Z';
      await ingest([
        { type: 'track', userId: 'u', event: 'Order Completed', properties: { revenue: 10, total: 99 }, timestamp: at },
        { type: 'track', userId: 'u', event: 'Order Completed', properties: { total: '12.5' }, timestamp: at },
        {
          type: 'track',
          userId: 'u',
          event: 'Order Completed',
          properties: { products: [{ price: 2, quantity: 3 }, { price: 4 }] },
          timestamp: at,
        },
        { type: 'track', userId: 'u', event: 'Order Refunded', properties: { total: 5 }, timestamp: at },
        { type: 'track', userId: 'u', event: 'Viewed', properties: { revenue: 7 }, timestamp: at },
      ]);
      const revenues = (await listEvents(engine, WS, 'u')).map((e) => e.revenue).sort();
      expect(revenues).toEqual([-5, 10, 12.5, 10, null].sort());
    });

    it('stores the good messages of a batch and reports the bad ones with their paths', async () => {
      const result = await ingest([
        { type: 'track', userId: 'u1', event: 'Ok', messageId: 'good' },
        { type: 'track', userId: 'u1' },
        { type: 'track', event: 'No one' },
        { type: 'track', userId: 'u1', event: 'Later', timestamp: '2031-01-01T00:00:00Z', messageId: 'future' },
        { type: 'teleport', userId: 'u1' },
        'not an object',
      ]);
      expect(result.stored).toBe(1);
      expect(result.rejected.map((r) => [r.index, r.issues[0]?.code, r.issues[0]?.path])).toEqual([
        [1, 'missing_field', 'batch[1].event'],
        [2, 'missing_identity', 'batch[2].userId'],
        [3, 'timestamp_in_future', 'batch[3].timestamp'],
        [4, 'invalid_value', 'batch[4].type'],
        [5, 'invalid_type', 'batch[5]'],
      ]);
      expect(result.rejected[2]).toMatchObject({ messageId: 'future' });
    });

    it('keeps hostile strings verbatim in ids, names, traits and properties', async () => {
      const hostile = [`'; DROP TABLE events; --`, 'back\\slash', '"quoted"', 'ünïcødé 🚀', '$where', 'a\u0000b'];
      for (const [i, value] of hostile.entries()) {
        await ingest([
          { type: 'identify', userId: value, traits: { [value]: value, nested: { $key: value } } },
          { type: 'track', userId: value, event: value, messageId: `${value}#${i}`, properties: { [value]: value } },
          { type: 'group', userId: value, groupId: value, traits: { [value]: value } },
        ]);
        const profile = await getProfile(engine, WS, value);
        expect(profile?.traits).toEqual({ [value]: value, nested: { $key: value } });
        expect(profile?.accountId).toBe(value);
        expect(await getAccount(engine, WS, value)).toEqual({ [value]: value });
        const [event] = await listEvents(engine, WS, value);
        expect(event).toMatchObject({ name: value, messageId: `${value}#${i}`, properties: { [value]: value } });
      }
      expect(await countEvents()).toBe(hostile.length);
    });

    it('uses timestamp, else the skew-corrected originalTimestamp, else the receive time', async () => {
      await ingest([
        { type: 'track', userId: 'u', event: 'A', timestamp: '2024-05-01T10:00:00Z' },
        // The device clock is 1h fast: sentAt says 13:00 but the server received it at 12:00.
        {
          type: 'track',
          userId: 'u',
          event: 'B',
          originalTimestamp: '2024-06-01T12:30:00Z',
          sentAt: '2024-06-01T13:00:00Z',
        },
        { type: 'track', userId: 'u', event: 'C' },
      ]);
      const times = Object.fromEntries((await listEvents(engine, WS, 'u')).map((e) => [e.name, e.ts.toISOString()]));
      expect(times).toEqual({
        A: '2024-05-01T10:00:00.000Z',
        B: '2024-06-01T11:30:00.000Z',
        C: NOW.toISOString(),
      });
    });

    it('applies identify, track, alias, group and anonymous messages of one batch together', async () => {
      const at = (day: number) => `2024-05-${String(day).padStart(2, '0')}T00:00:00.000Z`;
      await ingest([
        { type: 'identify', userId: 'old', traits: { name: 'Ann', plan: 'free' }, timestamp: at(1) },
        { type: 'track', userId: 'old', event: 'A', messageId: 'e-old', timestamp: at(1) },
        { type: 'track', anonymousId: 'a2', event: 'Viewed', messageId: 'e-a2', timestamp: at(2) },
      ]);
      const result = await ingest([
        { type: 'page', anonymousId: 'a1', name: 'Home', messageId: 'e-home', timestamp: at(3) },
        { type: 'identify', anonymousId: 'a1', userId: 'u1', traits: { plan: 'pro' }, timestamp: at(4) },
        { type: 'track', userId: 'u1', event: 'Bought', messageId: 'e-bought', timestamp: at(5) },
        { type: 'group', userId: 'u1', groupId: 'acme', traits: { name: 'Acme', seats: 3 }, timestamp: at(5) },
        { type: 'alias', previousId: 'old', userId: 'u1', timestamp: at(6) },
        { type: 'track', anonymousId: 'a1', event: 'Later', messageId: 'e-later', timestamp: at(7) },
        { type: 'track', userId: 'u2', anonymousId: 'a2', event: 'Signed Up', messageId: 'e-u2', timestamp: at(8) },
        { type: 'track', userId: 'u1', event: 'Bought', messageId: 'e-bought', timestamp: at(5) },
      ]);
      expect(result).toMatchObject({ received: 8, accepted: 8, stored: 4, duplicates: 1, rejected: [] });
      const events = await engine.query(sql`SELECT message_id, user_id, anonymous_id FROM events ORDER BY message_id`);
      expect(events).toEqual([
        { message_id: 'e-a2', user_id: 'u2', anonymous_id: 'a2' },
        { message_id: 'e-bought', user_id: 'u1', anonymous_id: null },
        { message_id: 'e-home', user_id: 'u1', anonymous_id: 'a1' },
        { message_id: 'e-later', user_id: 'u1', anonymous_id: 'a1' },
        { message_id: 'e-old', user_id: 'u1', anonymous_id: null },
        { message_id: 'e-u2', user_id: 'u2', anonymous_id: 'a2' },
      ]);
      expect(await getProfile(engine, WS, 'old')).toBeNull();
      expect(await getProfile(engine, WS, 'u1')).toEqual({
        userId: 'u1',
        traits: { name: 'Ann', plan: 'pro' },
        accountId: 'acme',
        firstSeen: new Date(at(1)),
        lastSeen: new Date(at(7)),
      });
      expect(await getProfile(engine, WS, 'u2')).toEqual({
        userId: 'u2',
        traits: {},
        accountId: null,
        firstSeen: new Date(at(2)),
        lastSeen: new Date(at(8)),
      });
      expect(await getAccount(engine, WS, 'acme')).toEqual({ name: 'Acme', seats: 3 });
      const links = await engine.query(sql`SELECT anonymous_id, user_id FROM identities ORDER BY anonymous_id`);
      expect(links).toEqual([
        { anonymous_id: 'a1', user_id: 'u1' },
        { anonymous_id: 'a2', user_id: 'u2' },
        { anonymous_id: 'old', user_id: 'u1' },
      ]);
      const profiles = await engine.query(sql`SELECT user_id FROM profiles ORDER BY user_id`);
      expect(profiles).toEqual([{ user_id: 'u1' }, { user_id: 'u2' }]);
    });

    it('keeps a retried message without an id once, by its content, within and across batches', async () => {
      const track = { type: 'track', userId: 'u1', event: 'Clicked', timestamp: '2024-05-01T00:00:00Z' };
      expect(await ingest([track, track])).toMatchObject({ stored: 1, duplicates: 1 });
      expect(await ingest([track, { ...track, event: 'Other' }])).toMatchObject({ stored: 1, duplicates: 1 });
      expect(await countEvents()).toBe(2);
    });

    it('moves first and last seen of users who only send events, and creates new users', async () => {
      await ingest([viewed('u1', 'm1', '2024-05-10T00:00:00Z')]);
      await ingest([
        viewed('u1', 'm2', '2024-05-05T00:00:00Z'),
        viewed('u1', 'm3', '2024-05-20T00:00:00Z'),
        viewed('u3', 'm4', '2024-05-12T00:00:00Z'),
      ]);
      await ingest([viewed('u1', 'm5', '2024-05-15T00:00:00Z')]);
      const seen = await engine.query(
        sql`SELECT user_id, traits, first_seen, last_seen FROM profiles ORDER BY user_id`,
      );
      expect(seen).toEqual([
        {
          user_id: 'u1',
          traits: {},
          first_seen: new Date('2024-05-05T00:00:00Z'),
          last_seen: new Date('2024-05-20T00:00:00Z'),
        },
        {
          user_id: 'u3',
          traits: {},
          first_seen: new Date('2024-05-12T00:00:00Z'),
          last_seen: new Date('2024-05-12T00:00:00Z'),
        },
      ]);
    });

    it('writes first and last seen again when a batch is retried after its events were stored', async () => {
      const a = [viewed('u1', 'm1', '2024-05-10T00:00:00Z')];
      const b = [
        viewed('u1', 'm2', '2024-05-01T00:00:00Z'),
        viewed('u1', 'm3', '2024-05-30T00:00:00Z'),
        viewed('u2', 'm4', '2024-05-12T00:00:00Z'),
      ];
      await ingest(a);
      await ingest(b);
      // What an engine without rollback keeps of batches that failed after storing their events: no profile writes.
      await engine.run(sql`DELETE FROM profiles WHERE workspace = ${str(WS)}`);
      const spans = () => engine.query(sql`SELECT user_id, first_seen, last_seen FROM profiles ORDER BY user_id`);
      expect(await ingest(a)).toMatchObject({ stored: 0, duplicates: 1 });
      expect(await spans()).toEqual([
        { user_id: 'u1', first_seen: new Date('2024-05-10T00:00:00Z'), last_seen: new Date('2024-05-10T00:00:00Z') },
      ]);
      expect(await ingest(b)).toMatchObject({ stored: 0, duplicates: 3 });
      const recovered = [
        { user_id: 'u1', first_seen: new Date('2024-05-01T00:00:00Z'), last_seen: new Date('2024-05-30T00:00:00Z') },
        { user_id: 'u2', first_seen: new Date('2024-05-12T00:00:00Z'), last_seen: new Date('2024-05-12T00:00:00Z') },
      ];
      expect(await spans()).toEqual(recovered);
      // Repeats that do not widen a span leave the profiles untouched.
      const updated = () => engine.query(sql`SELECT user_id, updated_at FROM profiles ORDER BY user_id`);
      const before = await updated();
      await new Promise((done) => setTimeout(done, 5));
      await ingest([...a, ...b]);
      expect(await updated()).toEqual(before);
      expect(await spans()).toEqual(recovered);
    });

    it('merges account traits per key by message time, from any member', async () => {
      await ingest([
        {
          type: 'group',
          userId: 'u1',
          groupId: 'g',
          traits: { tier: 'gold', seats: 5 },
          timestamp: '2024-05-03T00:00:00Z',
        },
        { type: 'group', userId: 'u2', groupId: 'g', traits: { tier: 'silver' }, timestamp: '2024-05-01T00:00:00Z' },
      ]);
      await ingest([
        {
          type: 'group',
          anonymousId: 'v',
          groupId: 'g',
          traits: { seats: 8, region: 'EU' },
          timestamp: '2024-05-04T00:00:00Z',
        },
      ]);
      expect(await getAccount(engine, WS, 'g')).toEqual({ tier: 'gold', seats: 8, region: 'EU' });
      expect((await getProfile(engine, WS, 'u2'))?.accountId).toBe('g');
      expect(await engine.query(sql`SELECT count(*) AS n FROM accounts`)).toEqual([{ n: 1 }]);
    });
  });
});
