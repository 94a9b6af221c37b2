import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BATCH_LIMIT, MESSAGE_LIMIT } from '../../src/server/body.js';
import { basic, bearer, call, type Harness, startHarness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

/** A track message padded to exactly `bytes` bytes of JSON. */
function trackOfSize(bytes: number): string {
  const empty = JSON.stringify({ userId: 'u', event: 'Big', properties: { pad: '' } });
  return JSON.stringify({ userId: 'u', event: 'Big', properties: { pad: 'x'.repeat(bytes - empty.length) } });
}

const errorCode = (body: unknown) => (body as { error?: { code?: string } }).error?.code;

describe('request bodies', () => {
  it('answers malformed JSON with 400 invalid_json on every body-taking route', async () => {
    for (const [path, auth] of [
      ['/v1/track', basic(h.write)],
      ['/v1/batch', basic(h.write)],
      ['/api/keys', bearer(h.admin)],
    ] as const) {
      for (const body of ['{"userId": "u", ', 'not json', '']) {
        const reply = await call(h.url, 'POST', path, { auth, body, headers: { 'Content-Type': 'application/json' } });
        expect(reply.status, `${path} ${body}`).toBe(400);
        expect(errorCode(reply.body)).toBe('invalid_json');
      }
    }
  });

  it('answers invalid UTF-8 with 400', async () => {
    const response = await fetch(new URL('/v1/track', h.url), {
      method: 'POST',
      headers: { Authorization: basic(h.write), 'Content-Type': 'application/json' },
      body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    });
    expect(response.status).toBe(400);
    expect(errorCode(await response.json())).toBe('invalid_json');
  });

  it('answers a body that is not JSON with 415, and takes JSON sent as text/plain (sendBeacon)', async () => {
    const body = JSON.stringify({ userId: 'u', event: 'E' });
    for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/csv']) {
      const reply = await call(h.url, 'POST', '/v1/track', {
        auth: basic(h.write),
        body,
        headers: { 'Content-Type': type },
      });
      expect(reply.status, type).toBe(415);
      expect(errorCode(reply.body)).toBe('unsupported_media_type');
    }
    for (const type of ['text/plain;charset=UTF-8', 'application/json; charset=utf-8']) {
      const reply = await call(h.url, 'POST', '/v1/track', {
        auth: basic(h.write),
        body,
        headers: { 'Content-Type': type },
      });
      expect(reply.status, type).toBe(200);
    }
  });

  it('takes a message of exactly 32 KB and refuses one byte more with 413', async () => {
    const auth = basic(h.write);
    expect((await call(h.url, 'POST', '/v1/track', { auth, body: trackOfSize(MESSAGE_LIMIT) })).status).toBe(200);
    const reply = await call(h.url, 'POST', '/v1/track', { auth, body: trackOfSize(MESSAGE_LIMIT + 1) });
    expect(reply.status).toBe(413);
    expect(errorCode(reply.body)).toBe('payload_too_large');
  });

  it('counts the bytes of a chunked body that declares no length', async () => {
    const chunk = new TextEncoder().encode(' '.repeat(8 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Whitespace is valid JSON padding, so only the size can make this fail.
        if (sent === 0) controller.enqueue(new TextEncoder().encode('{"userId":"u","event":"E"}'));
        if (sent > MESSAGE_LIMIT) controller.close();
        else controller.enqueue(chunk);
        sent += chunk.byteLength;
      },
    });
    const response = await fetch(new URL('/v1/track', h.url), {
      method: 'POST',
      headers: { Authorization: basic(h.write), 'Content-Type': 'application/json' },
      body: stream,
      duplex: 'half',
    });
    expect(response.status).toBe(413);
  });

  it('allows batches up to 4 MB', async () => {
    const message = JSON.parse(trackOfSize(30 * 1024)) as Record<string, unknown>;
    const fits = Math.floor(BATCH_LIMIT / (30 * 1024 + 50)) - 1;
    const batch = Array.from({ length: fits }, () => ({ ...message, type: 'track' }));
    const ok = await call(h.url, 'POST', '/v1/batch', { auth: basic(h.write), body: { batch } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ received: fits });
    const over = [...batch, ...batch.slice(0, 5)];
    const reply = await call(h.url, 'POST', '/v1/batch', { auth: basic(h.write), body: { batch: over } });
    expect(reply.status).toBe(413);
  });
});
