import { z } from 'zod';
import { analyticsSettingsSchema } from '../analytics/settings.js';
import { COMPUTED_TRAITS } from '../analytics/traits/definitions.js';
import { type JsonSchema, ref, schemasFromZod } from './openapi-components.js';
import {
  adminErrors,
  adminOperation,
  errorResponse as error,
  type Operation,
  jsonResponse as ok,
  queryParam as query,
} from './openapi-operations.js';
import { traitsRefreshBody } from './routes/traits.js';

/**
 * The computed-traits and settings operations of `/api/analytics` (routes/traits.ts) and their schemas. The request
 * bodies are the Zod schemas the routes validate with; the answers are described here for the document only.
 */

const time = z.iso.datetime();

const run = z.object({
  id: z.string(),
  kind: z.string().describe('traits (RFM, lifecycle, journey, value tiers); models add their own kinds'),
  status: z.enum(['running', 'succeeded', 'failed']),
  trigger: z.enum(['manual', 'schedule', 'api']),
  asOf: time.nullable(),
  params: z.record(z.string(), z.unknown()).describe('the as-of time and the settings the run used'),
  stats: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe('changedUsers, changes per trait, lifecycleThresholds, segmentsRefreshed, durationMs'),
  error: z.string().nullable(),
  startedAt: time,
  finishedAt: time.nullable(),
});
const refreshResult = z.object({
  run,
  segments: z
    .array(
      z.object({
        segmentId: z.string(),
        name: z.string(),
        asOf: time,
        size: z.int(),
        entered: z.int(),
        exited: z.int(),
        durationMs: z.number(),
      }),
    )
    .describe('segments refreshed because they read a computed trait that changed'),
});
const distribution = z.object({
  trait: z.string(),
  at: time,
  total: z.int().describe('users with a value'),
  values: z.array(z.object({ value: z.unknown(), users: z.int() })),
});
const migration = z.object({
  trait: z.string(),
  from: time,
  to: time,
  groups: z.array(z.string()).describe('values, most common first, then "(none)"'),
  matrix: z.array(z.array(z.int())).describe('matrix[i][j]: users with value i at from and value j at to'),
  links: z.array(
    z.object({
      from: z.string(),
      to: z.string(),
      count: z.int(),
      source: z.string(),
      target: z.string(),
      value: z.int(),
    }),
  ),
  nodes: z.array(z.object({ name: z.string(), group: z.string(), side: z.enum(['from', 'to']) })),
  total: z.int(),
});
const change = z.object({ trait: z.string(), value: z.unknown(), at: time, runId: z.string() });

export function traitSchemas(): Record<string, JsonSchema> {
  return schemasFromZod({
    AnalyticsSettings: analyticsSettingsSchema,
    AnalyticsRun: run,
    TraitsRefreshRequest: traitsRefreshBody,
    TraitsRefreshResult: refreshResult,
    TraitDistribution: distribution,
    TraitMigration: migration,
    TraitChange: change,
  });
}

const errors = {
  400: error('a parameter is not valid (its name is the error path)'),
  ...adminErrors,
};
const traitParam = {
  name: 'trait',
  in: 'path',
  required: true,
  schema: { type: 'string', enum: [...COMPUTED_TRAITS] },
};
const op = adminOperation('analytics');

export function traitPaths(): Record<string, Record<string, Operation>> {
  return {
    '/api/analytics/settings': {
      get: op('The analytics settings, defaults filled in', {
        responses: { 200: ok('the settings', ref('AnalyticsSettings')), ...errors },
      }),
      put: op('Replace the analytics settings (fields left out take their defaults)', {
        requestBody: { required: true, content: { 'application/json': { schema: ref('AnalyticsSettings') } } },
        responses: {
          200: ok('the stored settings, defaults filled in', ref('AnalyticsSettings')),
          ...errors,
          422: error('the document is not valid; the path names the field'),
        },
      }),
    },
    '/api/analytics/traits/refresh': {
      post: op('Compute the computed traits now and write the values that changed', {
        requestBody: { required: true, content: { 'application/json': { schema: ref('TraitsRefreshRequest') } } },
        responses: { 200: ok('the run and the segments it refreshed', ref('TraitsRefreshResult')), ...errors },
      }),
    },
    '/api/analytics/traits': {
      get: op('How many users hold each value of every categorical computed trait (groups, scores, stages, cluster)', {
        parameters: [
          query('at', 'at this time, from the history (default: now)', { type: 'string', format: 'date-time' }),
        ],
        responses: {
          200: ok('one distribution per trait', {
            type: 'object',
            properties: {
              at: { type: 'string', format: 'date-time' },
              traits: { type: 'array', items: ref('TraitDistribution') },
            },
          }),
          ...errors,
        },
      }),
    },
    '/api/analytics/traits/history': {
      get: op("A user's computed-trait values over time, oldest first", {
        parameters: [
          query('user', 'the user id', { type: 'string' }, true),
          query('trait', 'only this trait', { type: 'string', enum: [...COMPUTED_TRAITS] }),
        ],
        responses: { 200: ok('the changes', { type: 'array', items: ref('TraitChange') }), ...errors },
      }),
    },
    '/api/analytics/traits/{trait}': {
      get: op('How many users hold each value of a computed trait', {
        parameters: [
          traitParam,
          query('at', 'at this time, from the history (default: now)', { type: 'string', format: 'date-time' }),
        ],
        responses: {
          200: ok('the distribution', ref('TraitDistribution')),
          ...errors,
          404: error('not a computed trait'),
        },
      }),
    },
    '/api/analytics/traits/{trait}/migration': {
      get: op('How users moved between the values of a computed trait from one date to another', {
        parameters: [
          traitParam,
          query('from', 'the earlier date', { type: 'string', format: 'date-time' }, true),
          query('to', 'the later date (default: now)', { type: 'string', format: 'date-time' }),
        ],
        responses: {
          200: ok('the matrix and Sankey links', ref('TraitMigration')),
          ...errors,
          404: error('not a computed trait'),
        },
      }),
    },
    '/api/analytics/runs': {
      get: op('Analytics runs, newest first', {
        parameters: [
          query('kind', 'only runs of this kind', { type: 'string' }),
          query('limit', 'how many (default 50, at most 1000)', { type: 'integer', minimum: 1, maximum: 1000 }),
        ],
        responses: { 200: ok('the runs', { type: 'array', items: ref('AnalyticsRun') }), ...errors },
      }),
    },
    '/api/analytics/runs/{id}': {
      get: op('One analytics run', {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: ok('the run', ref('AnalyticsRun')), ...errors, 404: error('no such run') },
      }),
    },
  };
}
