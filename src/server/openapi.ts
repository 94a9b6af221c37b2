import { messageTypes } from '../ingest/messages.js';
import { BATCH_LIMIT, KB, MESSAGE_LIMIT } from './body.js';
import { analyticsPaths, analyticsSchemas } from './openapi-analytics.js';
import { catalogPaths, catalogSchemas } from './openapi-catalog.js';
import { components, type JsonSchema, ref, requestComponent } from './openapi-components.js';
import { insightPaths, insightSchemas } from './openapi-insight.js';
import { modelPaths, modelSchemas } from './openapi-models.js';
import { qualityPaths, qualitySchemas } from './openapi-quality.js';
import { segmentPaths } from './openapi-segments.js';
import { traitPaths, traitSchemas } from './openapi-traits.js';
import { webhookPaths, webhookSchemas } from './openapi-webhooks.js';
import { PROFILE_EVENTS } from './routes/profiles.js';

/**
 * The OpenAPI 3.1 document for every route `createApp` serves. Schemas come from `openapi-components.ts` (generated
 * from the Zod schemas); this file only says which route takes and answers which, and how it authenticates.
 */

type Operation = Record<string, unknown>;
type Security = readonly Record<string, readonly string[]>[];

const INGEST: Security = [{ basicAuth: [] }, { bearerAuth: [] }];
const ADMIN: Security = [{ bearerAuth: [] }];
const PUBLIC: Security = [];

const json = (schema: JsonSchema, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const error = (description: string) => json(ref('Error'), description);
const challenged = (scheme: string) => ({
  ...error('missing, unknown or revoked key'),
  headers: { 'WWW-Authenticate': { schema: { type: 'string', example: `${scheme} realm="strata"` } } },
});

const adminErrors = {
  401: challenged('Bearer'),
  403: error('a write key: /api needs an admin key'),
};

function ingestOperation(summary: string, body: string, limit: number): Operation {
  return {
    tags: ['ingestion'],
    summary,
    security: INGEST,
    requestBody: { required: true, content: { 'application/json': { schema: ref(body) } } },
    responses: {
      200: json(
        ref('IngestResponse'),
        'taken; `success` is false and `rejected` lists what was skipped if some were bad',
      ),
      400: json(
        { oneOf: [ref('IngestResponse'), ref('Error')] },
        'nothing in the request was valid (IngestResponse), or the body is not JSON or not a batch (Error)',
      ),
      401: challenged('Basic'),
      413: error(`the body is larger than ${limit / KB} KB`),
      415: error('the body is not sent as JSON'),
    },
  };
}

const ingestSummaries: Record<(typeof messageTypes)[number], string> = {
  identify: 'Set traits on a user',
  track: 'Record an event',
  page: 'Record a page view',
  screen: 'Record a screen view',
  group: 'Link a user to an account',
  alias: 'Merge two user ids',
};

function paths(): Record<string, Record<string, Operation>> {
  const out: Record<string, Record<string, Operation>> = {};
  for (const type of messageTypes) {
    out[`/v1/${type}`] = { post: ingestOperation(ingestSummaries[type], requestComponent(type), MESSAGE_LIMIT) };
  }
  out['/v1/batch'] = { post: ingestOperation('Send many messages at once', 'BatchRequest', BATCH_LIMIT) };
  out['/api/health'] = {
    get: {
      tags: ['meta'],
      summary: 'Liveness and version',
      security: PUBLIC,
      responses: { 200: json(ref('Health'), 'up') },
    },
  };
  out['/api/session'] = {
    get: {
      tags: ['meta'],
      summary: 'Whether the bearer key may use /api (always 200): the dashboard checks a key with it',
      security: PUBLIC,
      responses: {
        200: json(
          {
            type: 'object',
            required: ['signedIn'],
            properties: {
              signedIn: { type: 'boolean' },
              workspace: { type: 'string' },
              scope: { type: 'string', enum: ['admin'] },
              reason: { type: 'string', description: 'why not, when signedIn is false' },
            },
          },
          'the verdict',
        ),
      },
    },
  };
  out['/api/openapi.json'] = {
    get: {
      tags: ['meta'],
      summary: 'This document',
      security: PUBLIC,
      responses: { 200: json({ type: 'object' }, 'the OpenAPI 3.1 document') },
    },
  };
  out['/api/docs'] = {
    get: {
      tags: ['meta'],
      summary: 'Interactive API documentation',
      security: PUBLIC,
      responses: { 200: { description: 'an HTML page', content: { 'text/html': { schema: { type: 'string' } } } } },
    },
  };
  out['/api/stats'] = {
    get: {
      tags: ['workspace'],
      summary: "Counts of what the key's workspace holds",
      security: ADMIN,
      responses: { 200: json(ref('Stats'), 'the counts'), ...adminErrors },
    },
  };
  out['/api/stats/activity'] = {
    get: {
      tags: ['workspace'],
      summary:
        'Events per UTC day by event time and by receive time (the ingestion rate), and receipts in the last hour and day',
      security: ADMIN,
      parameters: [
        {
          name: 'days',
          in: 'query',
          required: false,
          description: 'how many days back, today included (1–366, default 30)',
          schema: { type: 'integer', minimum: 1, maximum: 366 },
        },
      ],
      responses: {
        200: json(
          {
            type: 'object',
            properties: {
              from: { type: 'string', format: 'date-time' },
              to: { type: 'string', format: 'date-time' },
              days: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { day: { type: 'string' }, events: { type: 'integer' }, received: { type: 'integer' } },
                },
              },
              receivedLastHour: { type: 'integer' },
              receivedLast24h: { type: 'integer' },
            },
          },
          'the days, oldest first',
        ),
        400: json(ref('Error'), 'days out of range'),
        ...adminErrors,
      },
    },
  };
  out['/api/live'] = {
    get: {
      tags: ['workspace'],
      summary: 'Whether segments are kept live, and what the live services have done since the server started',
      security: ADMIN,
      responses: {
        200: json(
          {
            type: 'object',
            properties: {
              enabled: { type: 'boolean' },
              sweepIntervalMs: { type: ['integer', 'null'] },
              writes: { type: 'integer', description: 'group-commit writes' },
              evaluations: { type: 'integer', description: 'real-time evaluations that chose at least one segment' },
              changes: { type: 'integer', description: 'enter/exit changes they appended' },
              sweeps: { type: 'integer' },
              lastSweepAt: { type: ['string', 'null'], format: 'date-time' },
              lastError: { type: ['string', 'null'] },
            },
          },
          'the live status',
        ),
        ...adminErrors,
      },
    },
  };
  out['/api/profiles/{userId}'] = {
    get: {
      tags: ['workspace'],
      summary: `A profile and its latest ${PROFILE_EVENTS} events`,
      security: ADMIN,
      parameters: [{ name: 'userId', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { 200: json(ref('Profile'), 'the profile'), ...adminErrors, 404: error('no such user') },
    },
  };
  out['/api/keys'] = {
    post: {
      tags: ['keys'],
      summary: 'Create an API key (the secret is shown once)',
      security: ADMIN,
      requestBody: { required: true, content: { 'application/json': { schema: ref('CreateApiKeyRequest') } } },
      responses: {
        201: json(ref('CreatedApiKey'), 'created'),
        400: error('invalid body'),
        ...adminErrors,
        413: error('body too large'),
        415: error('the body is not sent as JSON'),
      },
    },
    get: {
      tags: ['keys'],
      summary: "The workspace's keys, revoked ones included (never their secrets)",
      security: ADMIN,
      responses: { 200: json(ref('ApiKeyList'), 'the keys'), ...adminErrors },
    },
  };
  out['/api/keys/{id}'] = {
    delete: {
      tags: ['keys'],
      summary: 'Revoke a key (takes effect on the next request)',
      security: ADMIN,
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { 204: { description: 'revoked' }, ...adminErrors, 404: error('no such key in this workspace') },
    },
  };
  Object.assign(out, segmentPaths());
  Object.assign(out, webhookPaths());
  Object.assign(out, analyticsPaths());
  Object.assign(out, insightPaths());
  Object.assign(out, traitPaths());
  Object.assign(out, qualityPaths());
  Object.assign(out, modelPaths());
  Object.assign(out, catalogPaths());
  return out;
}

/** The document. Building it converts every schema, so callers build it once and keep it. */
export function openApiDocument(version: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Strata API',
      version,
      description:
        'Segment-compatible ingestion under /v1 (HTTP Basic, the write key as user name) and workspace ' +
        'management under /api (Authorization: Bearer <admin key>). See docs/api.md.',
    },
    tags: [
      { name: 'ingestion', description: 'Segment-spec messages' },
      { name: 'workspace', description: 'What the workspace holds' },
      { name: 'keys', description: 'API keys' },
      { name: 'segments', description: 'Define, preview, refresh and inspect segments' },
      { name: 'webhooks', description: 'Deliver segment enter/exit changes to URLs' },
      { name: 'insight', description: 'What distinguishes a segment; compare and overlap segments; warnings' },
      { name: 'quality', description: 'Data quality report' },
      { name: 'analytics', description: 'RFM, lifecycle, journey, value tiers, computed traits and settings' },
      { name: 'models', description: 'Predictive models: CLV (BG/NBD + Gamma-Gamma), churn risk, personas (k-means)' },
      { name: 'meta', description: 'Health and documentation' },
    ],
    paths: paths(),
    components: {
      schemas: {
        ...components(),
        ...webhookSchemas(),
        ...analyticsSchemas(),
        ...insightSchemas(),
        ...traitSchemas(),
        ...qualitySchemas(),
        ...modelSchemas(),
        ...catalogSchemas(),
      },
      securitySchemes: {
        basicAuth: { type: 'http', scheme: 'basic', description: 'a write or admin key as the user name, no password' },
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'an admin key (or the local server token)' },
      },
    },
  };
}
