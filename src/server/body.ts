import type { Context } from 'hono';
import type { z } from 'zod';
import { fromZod } from '../errors.js';
import { httpError } from './errors.js';

/** Body limits. Segment's own are 32 KB a message; batches get more room because they replace many requests. */
export const KB = 1024;
export const MESSAGE_LIMIT = 32 * KB;
export const BATCH_LIMIT = 4 * KB * KB;
export const ADMIN_LIMIT = 1 * KB * KB;

const describe = (bytes: number) => (bytes >= KB * KB ? `${bytes / KB / KB} MB` : `${bytes / KB} KB`);

/**
 * JSON, and `text/plain` because analytics.js and `navigator.sendBeacon` send JSON under that type to avoid a CORS
 * preflight. Anything else (a form post from `curl -d` without `-H`) is refused rather than guessed at.
 */
function isJsonType(contentType: string | undefined): boolean {
  const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || type === 'text/plain' || /^application\/[\w.+-]+\+json$/.test(type);
}

/**
 * Reads and parses a JSON body under a byte limit. The declared length is checked first, so an honest large request
 * is refused unread; the bytes are counted while reading too, because chunked bodies declare nothing and a client
 * may lie.
 */
export async function readJson(c: Context, limit: number): Promise<unknown> {
  if (!isJsonType(c.req.header('content-type'))) {
    throw httpError(415, 'unsupported_media_type', 'send the body as JSON with Content-Type: application/json');
  }
  const tooLarge = () =>
    httpError(413, 'payload_too_large', `the body is larger than ${describe(limit)}, the limit for ${c.req.path}`);
  const declared = Number(c.req.header('content-length'));
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  const bytes = await readLimited(c.req.raw.body, limit, tooLarge);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw httpError(400, 'invalid_json', 'the body is not valid UTF-8');
  }
  if (text.trim() === '') throw httpError(400, 'invalid_json', 'the body is empty; send a JSON object');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw httpError(400, 'invalid_json', `the body is not valid JSON: ${reason}`);
  }
}

async function readLimited(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
  tooLarge: () => Error,
): Promise<Uint8Array> {
  if (!body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** Validates a parsed body; a mismatch is a 400 listing every issue, the first one in the message. */
export function validate<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = fromZod(parsed.error);
  const first = issues[0];
  const where = first?.path ? `${first.path}: ` : '';
  throw httpError(400, 'invalid_request', `invalid body: ${where}${first?.message ?? 'unexpected shape'}`, issues);
}
