import { z } from 'zod';
import { CATALOG_LIMITS } from '../segments/catalog.js';
import { FIELD_TYPES } from '../segments/infer-fields.js';
import { type JsonSchema, ref, schemasFromZod } from './openapi-components.js';
import {
  adminErrors,
  adminOperation,
  errorResponse as error,
  type Operation,
  jsonResponse as ok,
  queryParam as query,
} from './openapi-operations.js';
import { CATALOG_TTL_MS } from './routes/catalog.js';
import { translateBody } from './routes/segments.js';

/**
 * The segment builder's two operations: `GET /api/catalog` (routes/catalog.ts) and `POST /api/segments/translate`
 * (routes/segments.ts), with their schemas. The request body is the Zod schema the route validates with; the answers
 * are described here for the document only.
 */

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const field = {
  path: z.string().describe('a dot path as rules write it (`address.city`)'),
  types: z.array(z.enum(FIELD_TYPES)).describe('every type seen; ISO-8601 strings are "time"'),
  examples: z.array(scalar).describe('the most common scalar values in the sample, most common first'),
};
const catalog = z.object({
  asOf: z.iso.datetime().describe('when the sample was taken'),
  sampled: z
    .object({ events: z.int(), profiles: z.int(), accounts: z.int() })
    .describe('documents read for the sample'),
  events: z.array(
    z.object({
      name: z.string(),
      count: z.int().describe('all events of this name (not a sample)'),
      lastSeen: z.iso.datetime().nullable(),
      properties: z.array(z.object(field)),
    }),
  ),
  traits: z.array(
    z.object({
      ...field,
      source: z.enum(['profile', 'computed']).describe('computed: written by Strata (RFM, lifecycle, models, …)'),
    }),
  ),
  accountTraits: z.array(z.object(field)).describe('paths start with `account.`'),
  segments: z.array(z.object({ id: z.string(), name: z.string() })),
});

export function catalogSchemas(): Record<string, JsonSchema> {
  return schemasFromZod({ Catalog: catalog, TranslateRequest: translateBody });
}

const translateResult: JsonSchema = {
  oneOf: [
    {
      type: 'object',
      required: ['valid', 'rule', 'text'],
      properties: {
        valid: { const: true },
        rule: { ...ref('Rule'), description: 'the canonical JSON form' },
        text: { type: 'string', description: 'the canonical text form' },
      },
    },
    {
      type: 'object',
      required: ['valid', 'issues'],
      properties: {
        valid: { const: false },
        issues: {
          type: 'array',
          items: ref('Issue'),
          description: 'as create and preview report them: `rule.rules[1].value`, or `text:<line>:<column>`',
        },
      },
    },
  ],
};

const op = adminOperation('segments');

export function catalogPaths(): Record<string, Record<string, Operation>> {
  return {
    '/api/catalog': {
      get: op(
        'Event names with counts, and the properties, traits and account traits seen in a sample, for building rules',
        {
          description:
            `Counts cover every event. Properties come from the latest events of each name (at most ` +
            `${CATALOG_LIMITS.eventsPerName}), traits from the ${CATALOG_LIMITS.profiles} most recently updated ` +
            `profiles and ${CATALOG_LIMITS.accounts} accounts. The sample is cached per workspace for ` +
            `${CATALOG_TTL_MS / 1000} s; segments are always current.`,
          parameters: [
            query('refresh', '1 samples again now instead of using the cached sample', {
              type: 'string',
              enum: ['0', '1', 'true', 'false'],
            }),
          ],
          responses: {
            200: ok('the catalog', ref('Catalog')),
            400: error('refresh is not 0 or 1'),
            ...adminErrors,
          },
        },
      ),
    },
    '/api/segments/translate': {
      post: op('Check a rule and answer it in both forms, JSON and text (the builder, as you type)', {
        requestBody: { required: true, content: { 'application/json': { schema: ref('TranslateRequest') } } },
        responses: {
          200: ok('valid with the canonical rule and text, or invalid with every issue (never a 422)', translateResult),
          400: error('not JSON, or not exactly one of rule and text'),
          ...adminErrors,
          413: error('body too large'),
          415: error('the body is not sent as JSON'),
        },
      }),
    },
  };
}
