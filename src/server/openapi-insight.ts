import { z } from 'zod';
import { type JsonSchema, ref, schemasFromZod } from './openapi-components.js';
import {
  adminErrors,
  adminOperation,
  errorResponse as error,
  type Operation,
  jsonResponse as ok,
  queryParam as query,
} from './openapi-operations.js';

/**
 * The segment insight, compare, overlap and warnings operations of the OpenAPI document. They take only query
 * parameters; the answers are described here with Zod for the document (see `src/analytics/`).
 */

const time = z.iso.datetime();
const share = z.number().nullable().describe('0–1; null when the denominator is 0');
const scalar = z.union([z.string(), z.number(), z.boolean()]);

const warning = z.object({
  code: z.enum(['empty', 'too_small_to_act', 'too_small_for_significance', 'near_duplicate', 'not_refreshed']),
  severity: z.enum(['info', 'warning']),
  message: z.string(),
  segmentId: z.string().optional(),
  other: z.string().optional().describe('the other segment of a near duplicate'),
});
const headline = z.object({
  size: z.int(),
  users: z.int().describe('every user with a profile'),
  share,
  revenue: z.number().describe('net revenue (orders minus refunds) up to asOf, unless monetary=gross'),
  totalRevenue: z.number(),
  revenueShare: share,
  orders: z.int(),
  aov: z.number().nullable().describe('revenue / orders'),
  ordersPerMember: z.number().nullable(),
  buyers: z.int(),
  buyersShare: share,
});
const item = z.object({
  kind: z.enum(['trait', 'event']),
  key: z.string().describe('trait key or event name'),
  value: scalar.nullable().describe('the trait value; null for events'),
  shareIn: z.number(),
  shareOut: z.number(),
  lift: z.number().nullable().describe('shareIn / shareOut; null when no non-member has it'),
  pValue: z.number().describe('two-proportion z-test, two-sided'),
  qValue: z.number().describe('Benjamini–Hochberg over every test of the insight'),
  countIn: z.int(),
  countOut: z.int(),
});
const numericItem = z.object({
  kind: z.literal('numeric_trait'),
  key: z.string(),
  meanIn: z.number(),
  meanOut: z.number(),
  difference: z.number(),
  pValue: z.number().describe("Welch's t-test, two-sided"),
  qValue: z.number(),
  countIn: z.int(),
  countOut: z.int(),
});
const conversionSide = z.object({ started: z.int(), converted: z.int(), rate: share });
const retentionPoint = z.object({ week: z.int(), eligible: z.int(), retained: z.int(), share });
const insight = z.object({
  segment: z.object({ id: z.string(), name: z.string(), kind: z.enum(['dynamic', 'static']) }).nullable(),
  asOf: time,
  headline,
  distinguishing: z.object({
    traits: z.array(item),
    numericTraits: z.array(numericItem),
    events: z.array(item),
    tested: z.int(),
    significant: z.int().describe('items with q < 0.05'),
    excluded: z
      .object({ traits: z.array(z.string()), events: z.array(z.string()) })
      .describe('what the rule reads (computed traits by family): left out, as they distinguish it by definition'),
  }),
  conversion: z
    .object({
      from: z.string(),
      to: z.string(),
      withinDays: z.int().nullable(),
      members: conversionSide,
      others: conversionSide,
    })
    .nullable(),
  retention: z.object({ members: z.array(retentionPoint), others: z.array(retentionPoint) }),
  saas: z
    .object({
      mrr: z.number(),
      totalMrr: z.number(),
      mrrShare: share,
      payingMembers: z.int(),
      arpu: z.number().nullable(),
      payingMembersBefore: z.int().describe('members paying 30 days before asOf'),
      churnedMembers: z.int(),
      churnRate: share,
      ltv: z.number().nullable(),
      ltvNote: z.string().nullable().describe('why ltv is null'),
    })
    .nullable()
    .describe('null when no event carries a numeric mrr property'),
  warnings: z.array(warning),
});
const overlap = z.object({
  asOf: time,
  segments: z.array(z.object({ id: z.string(), name: z.string(), size: z.int() })),
  pairs: z.array(
    z.object({
      a: z.string(),
      b: z.string(),
      both: z.int(),
      jaccard: share,
      aInB: share.describe("the share of a's members also in b"),
      bInA: share,
    }),
  ),
});
const comparison = z.object({
  asOf: time,
  conversion: z.object({ from: z.string(), to: z.string(), withinDays: z.int().optional() }).nullable(),
  segments: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      kind: z.enum(['dynamic', 'static']),
      size: z.int(),
      share,
      revenue: z.number(),
      revenueShare: share,
      aov: z.number().nullable(),
      ordersPerMember: z.number().nullable(),
      buyersShare: share,
      conversionRate: share,
      retentionWeek1: share,
      retentionWeek4: share,
      mrr: z.number().nullable(),
      arpu: z.number().nullable(),
    }),
  ),
  overlap,
});
const warnings = z.object({
  segments: z.int(),
  comparedForOverlap: z.int(),
  warnings: z.array(warning),
});

const named: Record<string, z.ZodType> = {
  SegmentInsight: insight,
  SegmentComparison: comparison,
  SegmentOverlap: overlap,
  SegmentWarning: warning,
  SegmentWarnings: warnings,
};
const descriptions: Record<string, string> = {
  SegmentInsight: 'What sets a segment apart and what it is worth; see docs/analytics.md#segment-insight.',
};

/** The insight schemas, for `components.schemas`. */
export function insightSchemas(): Record<string, JsonSchema> {
  return schemasFromZod(named, descriptions);
}

const errors = {
  400: error('invalid query parameter: the code and the parameter name as path'),
  ...adminErrors,
  404: error('no such segment'),
};
const asOf = query('asOf', 'evaluation time, ISO-8601 (default: now)');
const segmentsParam = {
  name: 'segments',
  in: 'query',
  required: true,
  description: 'ids or names, comma-separated (escape a comma in a name as \\,); may repeat',
  schema: { type: 'string' },
};
const conversionParams = [
  query('from', 'conversion from this event (with to; default Product Viewed → Order Completed when present)'),
  query('to', 'conversion to this event'),
  query('withinDays', 'count `to` only this many days after the first `from` (1–3650)'),
  query('monetary', 'net (default: orders minus refunds) or gross'),
];
const op = adminOperation('insight');

export function insightPaths(): Record<string, Record<string, Operation>> {
  return {
    '/api/segments/{id}/insight': {
      get: op('What sets a segment apart: size, revenue, distinguishing traits and events, conversion, retention', {
        parameters: [
          { name: 'id', in: 'path', required: true, description: 'segment id or name', schema: { type: 'string' } },
          asOf,
          ...conversionParams,
          query('weeks', 'last week of the retention curve, 0–104 (default 12)'),
          query('top', 'distinguishing items per kind, 1–100 (default 10)'),
          query('days', 'events compared over this many days up to asOf, 1–3650 (default 90)'),
        ],
        responses: { 200: ok('the insight', ref('SegmentInsight')), ...errors },
      }),
    },
    '/api/segments/compare': {
      get: op('2–8 segments side by side, with their overlap', {
        parameters: [segmentsParam, asOf, ...conversionParams],
        responses: { 200: ok('the comparison', ref('SegmentComparison')), ...errors },
      }),
    },
    '/api/segments/overlap': {
      get: op('How 2–20 segments overlap: members in common, Jaccard, containment', {
        parameters: [segmentsParam, asOf],
        responses: { 200: ok('the overlap matrix', ref('SegmentOverlap')), ...errors },
      }),
    },
    '/api/segments/warnings': {
      get: op('Guards over every saved segment: empty, too small, near duplicates, stale', {
        responses: { 200: ok('the warnings', ref('SegmentWarnings')), ...errors },
      }),
    },
  };
}
