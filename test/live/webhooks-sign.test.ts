import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/live/webhooks/dispatcher.js';
import { type DeliverableChange, deliveryRequest, requestBody } from '../../src/live/webhooks/payload.js';
import { signBody, verifySignature } from '../../src/live/webhooks/sign.js';

const SECRET = 'whsec_0123456789abcdef';
const body = '{"id":"sc_1","user_id":"Zoë"}';
const hmac = (secret: string, data: string | Buffer) => createHmac('sha256', secret).update(data).digest('hex');

describe('webhook signatures', () => {
  it('signs the exact UTF-8 bytes with HMAC-SHA256', () => {
    expect(signBody(SECRET, body)).toBe(`sha256=${hmac(SECRET, Buffer.from(body, 'utf8'))}`);
    expect(signBody(SECRET, Buffer.from(body))).toBe(signBody(SECRET, body));
  });

  it('verifies a good signature and refuses anything else', () => {
    const header = signBody(SECRET, body);
    expect(verifySignature(SECRET, body, header)).toBe(true);
    expect(verifySignature(SECRET, Buffer.from(body), header.toUpperCase().replace('SHA256=', 'sha256='))).toBe(true);
    expect(verifySignature('another-secret-1234', body, header)).toBe(false);
    expect(verifySignature(SECRET, `${body} `, header)).toBe(false);
    for (const bad of [undefined, null, '', 'sha256=', header.slice(0, -2), `sha1=${header.slice(7)}`, 'sha256=zz']) {
      expect(verifySignature(SECRET, body, bad), String(bad)).toBe(false);
    }
    expect(verifySignature(SECRET, body, [header])).toBe(false);
  });
});

describe('webhook requests', () => {
  const change = (seq: number, initial = false): DeliverableChange => ({
    seq,
    segmentId: 'seg_1',
    segmentName: 'Churn "risk"',
    userId: `u${seq}`,
    change: seq % 2 ? 'entered' : 'exited',
    at: new Date(Date.UTC(2024, 0, seq)),
    initial,
  });

  it('sends one object at batch size 1 and {"events"} above, with signed headers', () => {
    expect(JSON.parse(requestBody([change(1, true)], 1))).toEqual({
      id: 'sc_1',
      type: 'segment.entered',
      segment: { id: 'seg_1', name: 'Churn "risk"' },
      user_id: 'u1',
      at: '2024-01-01T00:00:00.000Z',
      seq: 1,
      initial: true,
    });
    expect(JSON.parse(requestBody([change(2)], 10))).toEqual({ events: [expect.objectContaining({ seq: 2 })] });
    const request = deliveryRequest({
      webhookId: 'wh_1',
      secret: SECRET,
      version: '0.1.0',
      batchSize: 2,
      changes: [change(3), change(4)],
    });
    expect(request.headers).toEqual({
      'Content-Type': 'application/json',
      'User-Agent': 'strata/0.1.0',
      'X-Strata-Signature': `sha256=${hmac(SECRET, Buffer.from(request.body))}`,
      'X-Strata-Webhook-Id': 'wh_1',
      'X-Strata-Delivery': '3-4',
    });
    const sent = JSON.parse(Buffer.from(request.body).toString('utf8'));
    expect(sent.events.map((e: { type: string }) => e.type)).toEqual(['segment.entered', 'segment.exited']);
    expect(sent.events.some((e: object) => 'initial' in e)).toBe(false);
  });

  it('backs off exponentially with a little jitter, capped', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, 1000, 300_000, () => 0))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffDelay(3, 1000, 300_000, () => 1)).toBeCloseTo(4400);
    expect(backoffDelay(20, 1000, 300_000, () => 0.5)).toBe(300_000);
    expect(backoffDelay(10_000, 1000, 300_000)).toBe(300_000);
  });
});
