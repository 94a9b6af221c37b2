import { z } from 'zod';
import { scopes } from '../keys/api-keys.js';

/**
 * The shapes of the `/api` bodies and of every response. Request bodies are validated with them; responses are
 * built to them and the OpenAPI document is generated from them, so the docs cannot drift from the code.
 * Ingestion messages themselves live in `src/ingest/messages.ts`.
 */

const count = z.number().int().nonnegative();
const time = z.iso.datetime();

export const issue = z.object({
  code: z.string(),
  path: z.string().describe('dot-path of the offending field, e.g. `batch[2].properties.revenue`'),
  message: z.string(),
});

export const errorResponse = z.object({
  error: z.object({
    code: z.string().describe('stable, machine-readable: `unauthorized`, `forbidden`, `invalid_json`, ...'),
    message: z.string(),
    path: z.string().optional(),
    issues: z.array(issue).optional(),
  }),
});

export const ingestResponse = z.object({
  success: z.boolean().describe('true when every message was taken'),
  received: count,
  accepted: count.describe('valid messages applied to the store'),
  stored: count.describe('events newly stored'),
  duplicates: count.describe('events already stored under the same messageId, dropped'),
  rejected: z.array(
    z.object({
      index: count.describe('position of the message in the request (0 for single-message endpoints)'),
      messageId: z.string().optional(),
      issues: z.array(issue),
    }),
  ),
});

export const healthResponse = z.object({ status: z.literal('ok'), version: z.string() });

export const createKeyBody = z.strictObject({
  scope: z.enum(scopes).describe('`write`: ingestion only; `admin`: ingestion and /api'),
  name: z.string().trim().min(1).max(200).optional().describe('a label, e.g. "website" or "backend"'),
});

export const apiKey = z.object({
  id: z.string(),
  workspace: z.string(),
  scope: z.enum(scopes),
  name: z.string().nullable(),
  createdAt: time,
  revokedAt: time.nullable(),
});

export const createdKey = apiKey.extend({
  key: z.string().describe('the secret key; shown only in this response, store it now'),
});

export const keyList = z.object({ keys: z.array(apiKey) });

export const statsResponse = z.object({
  workspace: z.string(),
  profiles: count,
  accounts: count,
  anonymousVisitors: count,
  events: count,
  eventsByName: z.array(z.object({ name: z.string(), count })),
  firstEvent: time.nullable(),
  lastEvent: time.nullable(),
  revenue: z.number(),
});

const jsonObject = z.record(z.string(), z.unknown());

export const profileResponse = z.object({
  profile: z.object({
    userId: z.string(),
    traits: jsonObject,
    accountId: z.string().nullable(),
    firstSeen: time.nullable(),
    lastSeen: time.nullable(),
  }),
  events: z
    .array(
      z.object({
        messageId: z.string(),
        type: z.string(),
        name: z.string(),
        userId: z.string().nullable(),
        anonymousId: z.string().nullable(),
        ts: time,
        properties: jsonObject,
        revenue: z.number().nullable(),
      }),
    )
    .describe('the latest 50 events, newest first'),
});
