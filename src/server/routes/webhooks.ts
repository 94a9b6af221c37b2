import { Hono } from 'hono';
import { z } from 'zod';
import { UserError } from '../../errors.js';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listAttempts,
  listWebhooks,
  MAX_BATCH_SIZE,
  MAX_SECRET_LENGTH,
  MAX_SEGMENTS,
  MAX_URL_LENGTH,
  MIN_SECRET_LENGTH,
  replayWebhook,
  updateWebhook,
  webhookStates,
} from '../../live/webhooks/store.js';
import { ADMIN_LIMIT, readJson, validate } from '../body.js';
import type { AppEnv, ServerDeps } from '../context.js';

const url = z.string().min(1).max(MAX_URL_LENGTH).describe('where to POST the changes: an http or https URL');
const secret = z
  .string()
  .min(MIN_SECRET_LENGTH)
  .max(MAX_SECRET_LENGTH)
  .describe('the HMAC-SHA256 key for X-Strata-Signature');
const batchSize = z
  .int()
  .min(1)
  .max(MAX_BATCH_SIZE)
  .describe('1 sends one change per request; more sends {"events": [...]} with up to this many');

export const createWebhookBody = z.strictObject({
  url,
  segments: z.array(z.string().min(1)).min(1).max(MAX_SEGMENTS).describe('segment ids or names'),
  secret: secret.optional().describe('at least 16 characters; generated when absent (shown once, in the answer)'),
  batch_size: batchSize.optional(),
});
export const updateWebhookBody = z.strictObject({
  url: url.optional(),
  secret: secret.optional(),
  batch_size: batchSize.optional(),
  state: z.enum(webhookStates).optional().describe('paused stops delivery; active resumes and retries at once'),
});
export const replayWebhookBody = z.strictObject({
  from_seq: z.int().min(1).describe("send every change of the webhook's segments from this seq on, again"),
});

const limitParam = (value: string | undefined): number => {
  if (value === undefined || value === '') return 50;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new UserError('invalid_request', `limit must be a whole number 1–1000, got ${value}`, 'limit', 400);
  return n;
};

/** `/api/webhooks`: create, inspect, pause, resume, replay and delete webhooks; the dispatcher delivers. */
export function webhookRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const ws = (c: { get(key: 'caller'): { workspace: string } }) => c.get('caller').workspace;

  app.get('/', async (c) => c.json(await listWebhooks(deps.engine, ws(c))));

  app.post('/', async (c) => {
    const input = validate(createWebhookBody, await readJson(c, ADMIN_LIMIT));
    const created = await createWebhook(
      deps.engine,
      ws(c),
      {
        url: input.url,
        segments: input.segments,
        ...(input.secret !== undefined ? { secret: input.secret } : {}),
        ...(input.batch_size !== undefined ? { batchSize: input.batch_size } : {}),
      },
      deps.now(),
    );
    deps.feed.publish(ws(c));
    return c.json(created, 201);
  });

  app.get('/:id', async (c) => c.json(await getWebhook(deps.engine, ws(c), c.req.param('id'))));

  app.patch('/:id', async (c) => {
    const input = validate(updateWebhookBody, await readJson(c, ADMIN_LIMIT));
    const updated = await updateWebhook(
      deps.engine,
      ws(c),
      c.req.param('id'),
      {
        ...(input.url !== undefined ? { url: input.url } : {}),
        ...(input.secret !== undefined ? { secret: input.secret } : {}),
        ...(input.batch_size !== undefined ? { batchSize: input.batch_size } : {}),
        ...(input.state !== undefined ? { state: input.state } : {}),
      },
      deps.now(),
    );
    // A resume or a new URL retries at once; the dispatcher also notices state changes on its poll.
    deps.feed.publish(ws(c));
    return c.json(updated);
  });

  app.delete('/:id', async (c) => c.json(await deleteWebhook(deps.engine, ws(c), c.req.param('id'))));

  app.post('/:id/replay', async (c) => {
    const input = validate(replayWebhookBody, await readJson(c, ADMIN_LIMIT));
    const replayed = await replayWebhook(deps.engine, ws(c), c.req.param('id'), input.from_seq, deps.now());
    deps.feed.publish(ws(c));
    return c.json(replayed);
  });

  app.get('/:id/attempts', async (c) =>
    c.json(await listAttempts(deps.engine, ws(c), c.req.param('id'), limitParam(c.req.query('limit')))),
  );

  return app;
}
