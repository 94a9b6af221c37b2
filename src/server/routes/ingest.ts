import { type Context, Hono } from 'hono';
import { cors } from 'hono/cors';
import { fromZod } from '../../errors.js';
import { batchEnvelope, type MessageType, messageTypes } from '../../ingest/messages.js';
import { type IngestResult, logIngest, prepareMessages, type Rejection } from '../../ingest/pipeline.js';
import { ingestCaller } from '../auth.js';
import { BATCH_LIMIT, MESSAGE_LIMIT, readJson } from '../body.js';
import type { AppEnv, ServerDeps } from '../context.js';
import { httpError } from '../errors.js';

/**
 * Segment-compatible ingestion: `POST /v1/{track,identify,page,screen,group,alias}` take one message whose type is
 * implied by the path, `POST /v1/batch` takes many. Good messages are stored even when others in the request are bad.
 */

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The key has done its job once the caller is known; it must not reach the store or the message-id hash. */
function withoutWriteKey(value: unknown): unknown {
  if (!isObject(value) || !('writeKey' in value)) return value;
  const { writeKey: _, ...rest } = value;
  return rest;
}

/**
 * Shared `context` / `integrations` of a batch go under each message's own keys: the message wins. A batch-level
 * `sentAt` (analytics-node, analytics-python) applies to messages without their own, for clock-skew correction.
 */
function withEnvelope(
  message: unknown,
  envelope: { context?: Json | undefined; integrations?: Json | undefined; sentAt?: unknown },
) {
  if (!isObject(message)) return message;
  const out: Json = { ...message };
  if (typeof envelope.sentAt === 'string' && out['sentAt'] === undefined) out['sentAt'] = envelope.sentAt;
  for (const field of ['context', 'integrations'] as const) {
    const shared = envelope[field];
    const own = message[field];
    if (shared === undefined) continue;
    if (own === undefined) out[field] = shared;
    else if (isObject(own)) out[field] = { ...shared, ...own };
  }
  return out;
}

function respond(c: Context, result: IngestResult): Response {
  // Shaped as `ingestResponse` in schemas.ts; the tests check replies against it.
  const body = {
    success: result.rejected.length === 0,
    received: result.received,
    accepted: result.accepted,
    stored: result.stored,
    duplicates: result.duplicates,
    rejected: [...result.rejected],
  };
  // Nothing usable at all is the client's mistake; a partly good request did useful work and says what it skipped.
  return c.json(body, result.received > 0 && result.accepted === 0 ? 400 : 200);
}

/** A single message's paths are relative to the body itself: `event`, not `.event`. */
const relative = (rejection: Rejection): Rejection => ({
  ...rejection,
  issues: rejection.issues.map((issue) => ({ ...issue, path: issue.path.replace(/^\./, '') })),
});

function single(deps: ServerDeps, type: MessageType) {
  return async (c: Context<AppEnv>) => {
    const { caller, body } = await ingestCaller(deps, c, () => readJson(c, MESSAGE_LIMIT));
    const message = withoutWriteKey(body);
    const given = isObject(message) ? message['type'] : undefined;
    if (given !== undefined && given !== type) {
      const rejection: Rejection = {
        index: 0,
        issues: [
          {
            code: 'type_mismatch',
            path: 'type',
            message: `/v1/${type} takes ${type} messages, not ${JSON.stringify(given)}; use /v1/batch for mixed types`,
          },
        ],
      };
      const result: IngestResult = { received: 1, accepted: 0, stored: 0, duplicates: 0, rejected: [rejection] };
      await logIngest(deps.engine, caller.workspace, 'http', result);
      return respond(c, result);
    }
    const typed = isObject(message) ? { ...message, type } : message;
    const result = await ingest(deps, caller.workspace, [typed], () => '');
    return respond(c, { ...result, rejected: result.rejected.map(relative) });
  };
}

/** Validates here, in the request; the valid changes join the next group commit. */
async function ingest(
  deps: ServerDeps,
  workspace: string,
  messages: readonly unknown[],
  pathOf?: (index: number) => string,
): Promise<IngestResult> {
  const { changes, rejected } = prepareMessages(messages, {
    workspace,
    now: deps.now(),
    ...(pathOf ? { pathOf } : {}),
  });
  const counts = { received: messages.length, rejected: rejected.length };
  let accepted = { stored: 0, duplicates: 0 };
  if (changes.length > 0) accepted = await deps.queue.submit(workspace, changes, counts);
  else await logIngest(deps.engine, workspace, 'http', { ...counts, stored: 0, duplicates: 0 });
  return { received: messages.length, accepted: messages.length - rejected.length, ...accepted, rejected };
}

export function ingestRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // Browsers send analytics from any site; a write key only lets them add data, so any origin may call /v1.
  app.use('*', cors({ origin: '*', allowMethods: ['POST'], allowHeaders: ['Authorization', 'Content-Type'] }));
  for (const type of messageTypes) app.post(`/${type}`, single(deps, type));
  app.post('/batch', async (c) => {
    const { caller, body } = await ingestCaller(deps, c, () => readJson(c, BATCH_LIMIT));
    const envelope = batchEnvelope.safeParse(withoutWriteKey(body));
    if (!envelope.success) {
      throw httpError(400, 'invalid_batch', 'the body must be {"batch": [message, ...]}', fromZod(envelope.error));
    }
    const messages = envelope.data.batch.map((m) => withEnvelope(withoutWriteKey(m), envelope.data));
    return respond(c, await ingest(deps, caller.workspace, messages));
  });
  return app;
}
