import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql, str } from '../../src/engines/sql.js';
import { ingestResponse } from '../../src/server/schemas.js';
import { getAccount, getProfile, listEvents } from '../../src/store/profiles.js';
import { NOW, WS } from '../helpers.js';
import { basic, call, type Harness, startHarness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const send = async (path: string, body: unknown) => {
  const reply = await call(h.url, 'POST', path, { auth: basic(h.write), body });
  // Every ingestion reply, good or bad, has the documented shape.
  if (reply.status === 200 || (reply.status === 400 && !('error' in (reply.body as object)))) {
    ingestResponse.parse(reply.body);
  }
  return reply;
};
const at = '2024-05-01T00:00:00.000Z';
const contextOf = async (messageId: string) => {
  const [row] = await h.engine.query(sql`SELECT context FROM events WHERE message_id = ${str(messageId)}`);
  return row?.['context'];
};

describe('POST /v1/<type>', () => {
  it('stores each message type, the type implied by the path', async () => {
    const replies = [
      await send('/v1/identify', { userId: 'u1', traits: { plan: 'pro' }, timestamp: at }),
      await send('/v1/track', { userId: 'u1', event: 'Order Completed', properties: { revenue: 12 }, timestamp: at }),
      await send('/v1/page', { userId: 'u1', name: 'Pricing', timestamp: at }),
      await send('/v1/screen', { userId: 'u1', name: 'Home', timestamp: at }),
      await send('/v1/group', { userId: 'u1', groupId: 'acme', traits: { size: 50 }, timestamp: at }),
      await send('/v1/identify', { userId: 'old', traits: { city: 'Oslo' }, timestamp: at }),
      await send('/v1/alias', { previousId: 'old', userId: 'u1', timestamp: at }),
    ];
    for (const reply of replies) {
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ success: true, received: 1, accepted: 1, rejected: [] });
    }
    expect(replies[1]?.body).toMatchObject({ stored: 1, duplicates: 0 });
    const profile = await getProfile(h.engine, WS, 'u1');
    expect(profile).toMatchObject({ traits: { plan: 'pro', city: 'Oslo' }, accountId: 'acme' });
    expect(await getProfile(h.engine, WS, 'old')).toBeNull();
    expect(await getAccount(h.engine, WS, 'acme')).toEqual({ size: 50 });
    const events = await listEvents(h.engine, WS, 'u1');
    expect(events.map((e) => [e.type, e.name, e.revenue]).sort()).toEqual(
      [
        ['page', 'Page Viewed', null],
        ['screen', 'Screen Viewed', null],
        ['track', 'Order Completed', 12],
      ].sort(),
    );
  });

  it('uses the server clock when the message has no time', async () => {
    await send('/v1/track', { userId: 'u1', event: 'Now' });
    expect((await listEvents(h.engine, WS, 'u1'))[0]?.ts).toEqual(NOW);
  });

  it('accepts a matching type and refuses a contradicting one without storing it', async () => {
    expect((await send('/v1/track', { type: 'track', userId: 'u1', event: 'A' })).status).toBe(200);
    const reply = await send('/v1/track', { type: 'identify', userId: 'u1', traits: { plan: 'x' } });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({
      success: false,
      accepted: 0,
      rejected: [{ index: 0, issues: [{ code: 'type_mismatch', path: 'type' }] }],
    });
    expect((await getProfile(h.engine, WS, 'u1'))?.traits).toEqual({});
  });

  it('answers 400 with paths relative to the body when the message is invalid', async () => {
    const reply = await send('/v1/track', { userId: 'u1', messageId: 'm1' });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({
      success: false,
      received: 1,
      accepted: 0,
      rejected: [{ index: 0, messageId: 'm1', issues: [{ code: 'missing_field', path: 'event' }] }],
    });
    const future = await send('/v1/track', { userId: 'u1', event: 'A', timestamp: '2031-01-01T00:00:00Z' });
    expect(future.body).toMatchObject({ rejected: [{ issues: [{ code: 'timestamp_in_future', path: 'timestamp' }] }] });
  });

  it('is idempotent over HTTP: the same messageId twice is one event', async () => {
    const message = { userId: 'u1', event: 'Paid', messageId: 'pay-1', timestamp: at };
    expect((await send('/v1/track', message)).body).toMatchObject({ stored: 1, duplicates: 0 });
    expect((await send('/v1/track', message)).body).toMatchObject({ success: true, stored: 0, duplicates: 1 });
    const batch = await send('/v1/batch', {
      batch: [
        { ...message, type: 'track' },
        { ...message, type: 'track' },
      ],
    });
    expect(batch.body).toMatchObject({ success: true, received: 2, stored: 0, duplicates: 2 });
    expect(await listEvents(h.engine, WS, 'u1')).toHaveLength(1);
  });
});

describe('POST /v1/batch', () => {
  it('merges the envelope context and integrations under each message, the message winning', async () => {
    const reply = await send('/v1/batch', {
      context: { library: { name: 'analytics-node' }, ip: '1.2.3.4' },
      integrations: { All: false },
      batch: [
        { type: 'track', userId: 'u1', event: 'A', messageId: 'a' },
        { type: 'track', userId: 'u1', event: 'B', messageId: 'b', context: { ip: '5.6.7.8', locale: 'nb' } },
      ],
    });
    expect(reply.body).toMatchObject({ success: true, received: 2, stored: 2 });
    expect(await contextOf('a')).toEqual({ library: { name: 'analytics-node' }, ip: '1.2.3.4' });
    expect(await contextOf('b')).toEqual({ library: { name: 'analytics-node' }, ip: '5.6.7.8', locale: 'nb' });
  });

  it('stores the good messages and lists the bad ones with their paths', async () => {
    const reply = await send('/v1/batch', {
      batch: [
        { type: 'track', userId: 'u1', event: 'Good', messageId: 'g1' },
        { type: 'track', userId: 'u1', messageId: 'bad1' },
        { type: 'identify', traits: { a: 1 } },
        { type: 'teleport', userId: 'u1' },
        { type: 'page', userId: 'u1', name: 'Home', messageId: 'g2' },
      ],
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ success: false, received: 5, accepted: 2, stored: 2, duplicates: 0 });
    const rejected = (reply.body as { rejected: { index: number; issues: { code: string; path: string }[] }[] })
      .rejected;
    expect(rejected.map((r) => [r.index, r.issues[0]?.code, r.issues[0]?.path])).toEqual([
      [1, 'missing_field', 'batch[1].event'],
      [2, 'missing_identity', 'batch[2].userId'],
      [3, 'invalid_value', 'batch[3].type'],
    ]);
    expect(rejected[0]).toMatchObject({ messageId: 'bad1' });
    expect((await listEvents(h.engine, WS, 'u1')).map((e) => e.messageId).sort()).toEqual(['g1', 'g2']);
  });

  it('answers 400 when nothing is valid, and 200 for an empty batch', async () => {
    const reply = await send('/v1/batch', { batch: [{ type: 'track' }, 42] });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ success: false, received: 2, accepted: 0, stored: 0 });
    expect((reply.body as { rejected: unknown[] }).rejected).toHaveLength(2);
    expect((await send('/v1/batch', { batch: [] })).body).toMatchObject({ success: true, received: 0 });
  });

  it('refuses a body that is not a batch with the error shape', async () => {
    for (const body of [{ messages: [] }, { batch: 'nope' }, [1, 2]]) {
      const reply = await send('/v1/batch', body);
      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({ error: { code: 'invalid_batch', issues: [{ code: expect.any(String) }] } });
    }
  });
});

describe('hostile strings', () => {
  it('round-trip verbatim from HTTP into the store', async () => {
    const hostile = [
      `'; DROP TABLE events; --`,
      'back\\slash\\\\',
      '"quoted" and \'single\'',
      'ünïcødé 🚀 中文 \u202e',
      '$where',
      '$' + '{injection}',
      'a\u0000b',
      '%00%27',
    ];
    for (const [i, value] of hostile.entries()) {
      const traits = { [value]: value, nested: { $key: value, $ne: null } };
      await send('/v1/identify', { userId: value, traits, timestamp: at });
      const track = await send('/v1/batch', {
        batch: [
          { type: 'track', userId: value, event: value, messageId: `${value}#${i}`, properties: { [value]: value } },
        ],
      });
      expect(track.body).toMatchObject({ success: true, stored: 1 });
      expect((await getProfile(h.engine, WS, value))?.traits).toEqual(traits);
      const [event] = await listEvents(h.engine, WS, value);
      expect(event).toMatchObject({ name: value, messageId: `${value}#${i}`, properties: { [value]: value } });
    }
    const [row] = await h.engine.query(sql`SELECT count(*) AS n FROM events`);
    expect(Number(row?.['n'])).toBe(hostile.length);
  });

  it('keeps keys that are special to JavaScript objects from touching prototypes', async () => {
    // Written as raw JSON: an object literal would set the prototype instead of a key.
    const body = '{"userId":"p","event":"E","messageId":"proto","properties":{"__proto__":{"x":1},"constructor":"c"}}';
    expect((await send('/v1/track', body)).body).toMatchObject({ success: true, stored: 1 });
    const [event] = await listEvents(h.engine, WS, 'p');
    // Zod's record parser drops a `__proto__` key (src/ingest/messages.ts); what matters here is that it pollutes
    // nothing and the other keys survive.
    expect(event?.properties).toMatchObject({ constructor: 'c' });
    expect(Object.getPrototypeOf(event?.properties)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });
});
