import { z } from 'zod';
import { MAX_SAMPLES, QUALITY_DEFAULTS } from '../analytics/quality/options.js';
import { type JsonSchema, ref, schemasFromZod } from './openapi-components.js';
import {
  ADMIN_SECURITY,
  errorResponse as error,
  type Operation,
  jsonResponse as ok,
  queryParam as query,
} from './openapi-operations.js';

/**
 * The `/api/quality` operation of the OpenAPI document and its schemas, described here for the document only (the
 * report's TypeScript types are in `analytics/quality/types.ts`). What each check means: docs/analytics.md.
 */

const severity = z.enum(['ok', 'info', 'warning', 'error']);
const code = z.enum([
  'users_without_traits',
  'events_for_unknown_users',
  'anonymous_events',
  'duplicate_messages',
  'rejected_messages',
  'events_without_name',
  'future_timestamps',
  'ancient_timestamps',
  'missing_revenue',
  'negative_revenue',
  'zero_revenue',
  'orders_without_order_id',
  'duplicate_order_ids',
  'property_type_changes',
  'trait_type_changes',
]);
const typeSeen = z.object({
  type: z.enum(['string', 'number', 'boolean', 'object', 'array', 'null']),
  count: z.int(),
  example: z.string().describe('a message id (properties) or user id (traits) where the key had this type'),
});
const check = z.strictObject({
  code,
  title: z.string(),
  severity,
  count: z.int().describe('what was found'),
  total: z.int().describe('what count is a part of'),
  share: z.number().min(0).max(1).describe('count / total; 0 when total is 0'),
  unit: z.string().describe('what count and total count: events, profiles, messages, orders, order ids, keys'),
  message: z.string(),
  details: z.record(z.string(), z.number()).describe('further figures, such as distinct users'),
  samples: z
    .array(z.record(z.string(), z.union([z.string(), z.number(), z.null(), z.array(typeSeen)])))
    .describe('a few examples; their fields depend on the check'),
});
/** The report's shape for the document; exported so tests can hold real answers against it. */
export const qualityReportSchema = z.strictObject({
  workspace: z.string(),
  settings: z.object({
    now: z.iso.datetime(),
    ancientBefore: z.iso.datetime(),
    futureToleranceMs: z.number(),
    sampleLimit: z.int(),
    keysPerEvent: z.int().describe('type changes compare this many of the most frequent keys per event'),
    orderEvents: z.array(z.string()),
    refundEvents: z.array(z.string()),
  }),
  totals: z.object({
    events: z.int(),
    profiles: z.int(),
    orders: z.int(),
    refunds: z.int(),
    received: z.int(),
    stored: z.int(),
    duplicates: z.int(),
    rejected: z.int(),
    batches: z.int(),
  }),
  summary: z.object({ worst: severity, ok: z.int(), info: z.int(), warning: z.int(), error: z.int() }),
  checks: z.array(check),
});

const named: Record<string, z.ZodType> = { QualityCheck: check, QualityReport: qualityReportSchema };
const descriptions: Record<string, string> = {
  QualityReport: 'What in the workspace data makes segments and analyses wrong or blind; see docs/analytics.md.',
};

/** The quality schemas, for `components.schemas`. */
export function qualitySchemas(): Record<string, JsonSchema> {
  return schemasFromZod(named, descriptions);
}

export function qualityPaths(): Record<string, Record<string, Operation>> {
  return {
    '/api/quality': {
      get: {
        tags: ['quality'],
        summary: 'The data quality report: checks with severity, counts, shares and examples',
        security: ADMIN_SECURITY,
        parameters: [
          query('ancientBefore', 'events dated before this are reported (ISO-8601; default 2000-01-01)', {
            type: 'string',
            format: 'date-time',
          }),
          query(
            'futureToleranceHours',
            `how far after receipt or now an event may be dated (default ${QUALITY_DEFAULTS.futureToleranceMs / 3_600_000})`,
            { type: 'number', minimum: 0 },
          ),
          query('sampleLimit', `examples per check (default ${QUALITY_DEFAULTS.sampleLimit})`, {
            type: 'integer',
            minimum: 0,
            maximum: MAX_SAMPLES,
          }),
          query('orderEvents', 'events that count as orders (repeat or comma-separate; default Order Completed)'),
          query('refundEvents', 'refund events (repeat or comma-separate; default Order Refunded)'),
        ],
        responses: {
          200: ok('the report', ref('QualityReport')),
          400: error('a bad query parameter: `path` names it (invalid_parameter)'),
          401: error('missing, unknown or revoked key'),
          403: error('a write key: /api needs an admin key'),
        },
      },
    },
  };
}
