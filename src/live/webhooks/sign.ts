import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures: `X-Strata-Signature: sha256=<hex>`, the HMAC-SHA256 of the exact bytes of the request body
 * with the webhook's secret. Receivers verify against the raw body, before parsing it: re-serialised JSON may differ
 * in spacing or key order and would not match.
 */

const PREFIX = 'sha256=';

const bytesOf = (body: string | Uint8Array): Uint8Array =>
  typeof body === 'string' ? Buffer.from(body, 'utf8') : body;

/**
 * The signature header value for a body.
 * @example signBody('my-secret-of-16+-chars', '{"id":"sc_1"}') // 'sha256=5d0c…'
 */
export function signBody(secret: string, body: string | Uint8Array): string {
  return `${PREFIX}${createHmac('sha256', secret).update(bytesOf(body)).digest('hex')}`;
}

/**
 * True when `header` is the signature of `body` with `secret`. The comparison takes the same time however much of
 * the signature matches; a missing or malformed header is false.
 * @example if (!verifySignature(secret, rawBody, req.headers['x-strata-signature'])) return res.writeHead(401).end();
 */
export function verifySignature(
  secret: string,
  body: string | Uint8Array,
  header: string | readonly string[] | null | undefined,
): boolean {
  if (typeof header !== 'string' || !header.startsWith(PREFIX)) return false;
  const hex = header.slice(PREFIX.length).trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) return false;
  const given = Buffer.from(hex, 'hex');
  const expected = createHmac('sha256', secret).update(bytesOf(body)).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}
