import { z } from 'zod';
import { JOURNEY_STAGES, journeyConfigSchema } from '../analytics/journey.js';
import { LIFECYCLE_STAGES } from '../analytics/lifecycle/stages.js';
import { lifecycleConfigSchema } from '../analytics/lifecycle/thresholds.js';
import { rfmGroupsSchema } from '../analytics/rfm/groups.js';
import { VALUE_TIERS, valueTiersConfigSchema } from '../analytics/value-tiers.js';
import { type JsonSchema, ref, schemasFromZod } from './openapi-components.js';
import {
  adminErrors,
  adminOperation,
  errorResponse as error,
  type Operation,
  jsonResponse as ok,
  queryParam as query,
} from './openapi-operations.js';
import { MAX_PAGE } from './routes/analytics.js';

/**
 * The `/api/analytics` operations of the OpenAPI document and their schemas. The settings schemas (group mapping,
 * thresholds, journey mapping, tier cut-offs) are the Zod schemas the library validates with; the answers are
 * described here for the document only. Definitions and rules: docs/analytics.md.
 */

const asOf = z.iso.datetime().nullable().describe('the as-of time used; null when there is nothing to analyse');
const share = z.number().min(0).max(1);
const rfmRow = z.object({
  user_id: z.string(),
  recency_days: z.int().describe('whole days from the last order to as-of, rounded down'),
  frequency: z.int().describe('orders'),
  monetary: z.number().describe('revenue, net or gross'),
  r: z.int().min(1).max(5),
  f: z.int().min(1).max(5),
  m: z.int().min(1).max(5),
  segment: z.string().describe('the named group of the (r, f) cell'),
});
const rfmReport = z.object({
  asOf,
  customers: z.int().describe('all customers, not just this page'),
  limit: z.int(),
  offset: z.int(),
  rows: z.array(rfmRow).describe('ordered by user_id'),
});
const rfmSummary = z.object({
  asOf,
  customers: z.int(),
  revenue: z.number(),
  groups: z.array(
    z.object({
      name: z.string(),
      customers: z.int(),
      customerShare: share,
      revenue: z.number(),
      revenueShare: z.number().nullable().describe('null when total revenue is not positive'),
      avgRecencyDays: z.number().nullable(),
      avgFrequency: z.number().nullable(),
      avgMonetary: z.number().nullable(),
    }),
  ),
  grid: z.array(z.array(z.int())).describe('grid[r-1][f-1]: customers with that recency and frequency score'),
  gridGroups: z
    .array(z.array(z.string().nullable()))
    .describe('gridGroups[r-1][f-1]: the group of that cell (null where the mapping leaves it out)'),
});
const thresholds = z.object({
  newDays: z.int(),
  activeDays: z.int(),
  atRiskDays: z.int(),
  dormantDays: z.int(),
  source: z.enum(['derived', 'configured', 'default']),
  reason: z.string().optional().describe('why the defaults apply'),
  configured: z.array(z.enum(['newDays', 'activeDays', 'atRiskDays', 'dormantDays'])),
  gaps: z.int().describe('gaps between purchase days up to as-of'),
  quantiles: z.object({ p50: z.number().nullable(), p75: z.number().nullable(), p90: z.number().nullable() }),
});
const lifecycleSummary = z.object({
  asOf,
  users: z.int(),
  stages: z.array(z.object({ stage: z.enum(LIFECYCLE_STAGES), users: z.int(), share })),
  thresholds,
});
const lifecycleUsers = z.object({
  asOf,
  users: z.int(),
  limit: z.int(),
  offset: z.int(),
  thresholds,
  rows: z.array(
    z.object({
      user_id: z.string(),
      lifecycle_stage: z.enum(LIFECYCLE_STAGES),
      purchase_days: z.int(),
      days_since_order: z.number().nullable(),
      days_since_event: z.number().nullable(),
      seen_days: z.number().nullable(),
    }),
  ),
});
const journeySummary = z.object({
  asOf,
  users: z.int(),
  none: z.int().describe('users who meet no entry'),
  funnel: z.array(
    z.object({
      stage: z.enum(JOURNEY_STAGES),
      users: z.int().describe('users whose furthest stage is this one'),
      reached: z.int().describe('users at this stage or a later one'),
      share,
      conversion: z.number().nullable().describe('reached over the previous stage’s reached (awareness: all users)'),
    }),
  ),
});
const valueTierSummary = z.object({
  asOf,
  thresholds: valueTiersConfigSchema,
  customers: z.int(),
  revenue: z.number(),
  tiers: z.array(
    z.object({
      tier: z.enum(VALUE_TIERS),
      customers: z.int(),
      customerShare: share,
      revenue: z.number(),
      revenueShare: z.number().nullable(),
    }),
  ),
  paretoShare: z.number().nullable().describe('the share of customers that make 80 % of revenue'),
});

const named: Record<string, z.ZodType> = {
  RfmGroups: rfmGroupsSchema,
  LifecycleConfig: lifecycleConfigSchema,
  JourneyConfig: journeyConfigSchema,
  ValueTiersConfig: valueTiersConfigSchema,
  RfmRow: rfmRow,
  RfmReport: rfmReport,
  RfmSummary: rfmSummary,
  LifecycleThresholds: thresholds,
  LifecycleSummary: lifecycleSummary,
  LifecycleUsers: lifecycleUsers,
  JourneySummary: journeySummary,
  ValueTierSummary: valueTierSummary,
};
const descriptions: Record<string, string> = {
  RfmGroups: 'Named groups of the R×F grid (workspace settings): each of the 25 cells covered exactly once.',
  LifecycleConfig: 'Configured lifecycle thresholds in days; those left out are derived from the data.',
  JourneyConfig: 'Events per journey stage; a stage left out keeps its default entries.',
  ValueTiersConfig: 'Cumulative revenue share cut-offs of the A and B tiers.',
};

/** The analytics schemas, for `components.schemas`. */
export function analyticsSchemas(): Record<string, JsonSchema> {
  return schemasFromZod(named, descriptions);
}

const errors = {
  400: error('a bad query parameter: `path` names it (invalid_parameter)'),
  ...adminErrors,
};
const asOfParam = (fallback: string) =>
  query('asOf', `as-of time (ISO-8601; without a zone, UTC; default: ${fallback})`, {
    type: 'string',
    format: 'date-time',
  });
const afterLastOrder = asOfParam('midnight UTC after the last order');
const afterLastActivity = asOfParam('midnight UTC after the latest event or sign-up');
const monetary = query('monetary', 'net (orders minus refunds, default) or gross (orders only)', {
  type: 'string',
  enum: ['net', 'gross'],
});
const limit = query('limit', `page size, at most ${MAX_PAGE} (default 100; exports: all rows)`, {
  type: 'integer',
  minimum: 0,
});
const offset = query('offset', 'rows to skip', { type: 'integer', minimum: 0 });
const op = adminOperation('analytics');

export function analyticsPaths(): Record<string, Record<string, Operation>> {
  return {
    '/api/analytics/rfm': {
      get: op('RFM scores per customer: a JSON page, or every row as JSON Lines or CSV', {
        parameters: [
          afterLastOrder,
          monetary,
          limit,
          offset,
          query('format', 'json (a page), jsonl or csv (every row, streamed)', {
            type: 'string',
            enum: ['json', 'jsonl', 'csv'],
          }),
        ],
        responses: {
          200: {
            description: 'the page (json) or the rows (jsonl, csv; the as-of time in the X-Strata-As-Of header)',
            headers: { 'X-Strata-As-Of': { schema: { type: 'string', format: 'date-time' } } },
            content: {
              'application/json': { schema: ref('RfmReport') },
              'application/x-ndjson': { schema: ref('RfmRow') },
              'text/csv': {
                schema: { type: 'string', description: 'user_id,recency_days,frequency,monetary,r,f,m,segment' },
              },
            },
          },
          ...errors,
        },
      }),
    },
    '/api/analytics/rfm/summary': {
      get: op('Customers and revenue per RFM group, and the R×F grid', {
        parameters: [afterLastOrder, monetary],
        responses: { 200: ok('the summary', ref('RfmSummary')), ...errors },
      }),
    },
    '/api/analytics/lifecycle': {
      get: op('Users per lifecycle stage and the thresholds used; with users=1, a page of users', {
        parameters: [
          afterLastActivity,
          monetary,
          query('users', '1: a page of users with their stage instead of the summary', {
            type: 'string',
            enum: ['0', '1', 'true', 'false'],
          }),
          limit,
          offset,
        ],
        responses: {
          200: ok('the summary, or a page of users', { oneOf: [ref('LifecycleSummary'), ref('LifecycleUsers')] }),
          ...errors,
          422: error('configured thresholds out of order with the derived ones (invalid_thresholds)'),
        },
      }),
    },
    '/api/analytics/journey': {
      get: op('The journey funnel: users per furthest stage and conversion between stages', {
        parameters: [afterLastActivity],
        responses: { 200: ok('the funnel', ref('JourneySummary')), ...errors },
      }),
    },
    '/api/analytics/value-tiers': {
      get: op('Customers and revenue per value tier (A/B/C) and the Pareto share', {
        parameters: [afterLastOrder, monetary],
        responses: { 200: ok('the tiers', ref('ValueTierSummary')), ...errors },
      }),
    },
  };
}
