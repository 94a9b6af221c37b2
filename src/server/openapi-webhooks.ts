import { z } from 'zod';
import { type JsonSchema, ref, schemasFromZod } from './openapi-components.js';
import {
  adminErrors,
  adminOperation,
  errorResponse as error,
  type Operation,
  jsonResponse as ok,
} from './openapi-operations.js';
import { createWebhookBody, replayWebhookBody, updateWebhookBody } from './routes/webhooks.js';

/**
 * The `/api/webhooks` operations of the OpenAPI document and their schemas: the request bodies are the Zod schemas
 * the routes validate with; the answers and the delivered event are described here for the document only.
 */

const time = z.iso.datetime();
const webhookStatus = z.object({
  state: z.enum(['active', 'paused']),
  cursor_seq: z.int().describe('every deliverable change up to this seq has been delivered'),
  sync_until: z.int().describe('changes up to this seq are the initial sync (current members only)'),
  syncing: z.boolean().describe('still sending the initial sync'),
  pending: z.int().describe('deliverable changes after the cursor'),
  delivered_total: z.int(),
  failed_attempts_total: z.int(),
  consecutive_failures: z.int(),
  last_success_at: time.nullable(),
  last_failure_at: time.nullable(),
  last_error: z.string().nullable(),
  next_attempt_at: time.nullable().describe('when the failed batch is tried again'),
});
const webhook = z.object({
  id: z.string(),
  url: z.string(),
  segment_ids: z.array(z.string()),
  batch_size: z.int(),
  state: z.enum(['active', 'paused']),
  created_at: time,
  updated_at: time,
  status: webhookStatus,
});
const createdWebhook = webhook.extend({ secret: z.string().describe('shown only here') });
const attempt = z.object({
  at: time,
  first_seq: z.int(),
  last_seq: z.int(),
  events: z.int(),
  ok: z.boolean(),
  status_code: z.int().nullable(),
  error: z.string().nullable(),
  duration_ms: z.number(),
});
const event = z.object({
  id: z.string().describe('sc_<seq>: the same on every re-send and replay'),
  type: z.enum(['segment.entered', 'segment.exited']),
  segment: z.object({ id: z.string(), name: z.string() }),
  user_id: z.string(),
  at: time.describe('the evaluation time of the refresh that saw the change'),
  seq: z.int(),
  initial: z.literal(true).optional().describe('part of the initial sync'),
});

const named: Record<string, z.ZodType> = {
  CreateWebhookRequest: createWebhookBody,
  UpdateWebhookRequest: updateWebhookBody,
  ReplayWebhookRequest: replayWebhookBody,
  WebhookStatus: webhookStatus,
  Webhook: webhook,
  CreatedWebhook: createdWebhook,
  WebhookAttempt: attempt,
  WebhookEvent: event,
};
const descriptions: Record<string, string> = {
  WebhookEvent:
    'What a webhook receives for each change: this object (batch_size 1) or {"events": [...]}; see docs/webhooks.md.',
};

/** The webhook schemas, for `components.schemas`. */
export function webhookSchemas(): Record<string, JsonSchema> {
  return schemasFromZod(named, descriptions);
}

const errors = {
  400: error('invalid request: every issue with its code and path'),
  ...adminErrors,
};
const notFound = { 404: error('no such webhook') };
const id = { name: 'id', in: 'path', required: true, description: 'webhook id', schema: { type: 'string' } };
const body = (name: string) => ({ required: true, content: { 'application/json': { schema: ref(name) } } });
const op = adminOperation('webhooks');

export function webhookPaths(): Record<string, Record<string, Operation>> {
  return {
    '/api/webhooks': {
      get: op('Webhooks with their delivery status', {
        responses: { 200: ok('the webhooks', { type: 'array', items: ref('Webhook') }), ...errors },
      }),
      post: op('Send the enter/exit changes of some segments to a URL (initial sync first)', {
        requestBody: body('CreateWebhookRequest'),
        responses: {
          201: ok('created; the secret is shown only here', ref('CreatedWebhook')),
          ...errors,
          404: error('no such segment (path segments[i])'),
        },
      }),
    },
    '/api/webhooks/{id}': {
      get: op('A webhook and its delivery status', {
        parameters: [id],
        responses: { 200: ok('the webhook', ref('Webhook')), ...errors, ...notFound },
      }),
      patch: op('Change the URL, secret or batch size; pause or resume (resuming retries at once)', {
        parameters: [id],
        requestBody: body('UpdateWebhookRequest'),
        responses: { 200: ok('the webhook', ref('Webhook')), ...errors, ...notFound },
      }),
      delete: op('Delete a webhook and its attempt log', {
        parameters: [id],
        responses: { 200: ok('the deleted webhook', ref('Webhook')), ...errors, ...notFound },
      }),
    },
    '/api/webhooks/{id}/replay': {
      post: op('Send every change from a seq on again, in full', {
        parameters: [id],
        requestBody: body('ReplayWebhookRequest'),
        responses: { 200: ok('the webhook', ref('Webhook')), ...errors, ...notFound },
      }),
    },
    '/api/webhooks/{id}/attempts': {
      get: op('The latest delivery attempts, newest first', {
        parameters: [
          id,
          {
            name: 'limit',
            in: 'query',
            required: false,
            description: '1–1000, default 50',
            schema: { type: 'string' },
          },
        ],
        responses: { 200: ok('the attempts', { type: 'array', items: ref('WebhookAttempt') }), ...errors, ...notFound },
      }),
    },
  };
}
