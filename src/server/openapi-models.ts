import { z } from 'zod';
import { MODEL_KINDS } from '../analytics/traits/definitions.js';
import { DEFAULT_BINS, MAX_BINS, MIN_BINS, numericOutputs } from '../models/distribution.js';
import { churnOptionsSchema, clusterOptionsSchema, clvOptionsSchema } from '../models/options.js';
import { type JsonSchema, ref, schemasFromZod } from './openapi-components.js';
import {
  adminErrors,
  adminOperation,
  errorResponse as error,
  type Operation,
  jsonResponse as ok,
  queryParam as query,
} from './openapi-operations.js';
import { SCORES_LIMIT } from './routes/models.js';

/**
 * The `/api/models` operations (routes/models.ts). Request bodies are the Zod schemas the model runs validate with;
 * a run's answer is an `AnalyticsRun` whose `stats` hold the fitted model, its data window and quality figures.
 */

const fitResult = z.object({
  run: z.looseObject({}).describe('the run (an AnalyticsRun): stats hold the model, data window and quality figures'),
  segments: z
    .array(z.object({ segmentId: z.string(), name: z.string(), size: z.int(), entered: z.int(), exited: z.int() }))
    .describe('segments refreshed because they read a trait the model changed'),
});
const scores = z.object({
  total: z.int().describe('users the model scored (with the user filter: 0 or 1)'),
  runId: z.string().nullable().describe('the run that produced the scores'),
  items: z.array(
    z.object({
      userId: z.string(),
      scores: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
    }),
  ),
});
const quantile = (p: string) => z.number().nullable().describe(`the ${p} quantile (type 7, interpolated)`);
const distribution = z.object({
  kind: z.enum(MODEL_KINDS),
  output: z.string().describe('the output drawn (clv: p_alive, expected_purchases or clv; churn: churn_risk)'),
  runId: z.string().nullable().describe('the run that wrote the scores; null when the model was never fitted'),
  users: z.int().describe('users with a value of the output (0 when never fitted)'),
  min: z.number().nullable(),
  max: z.number().nullable(),
  mean: z.number().nullable(),
  quantiles: z.object({
    p10: quantile('10 %'),
    p25: quantile('25 %'),
    p50: quantile('50 %'),
    p75: quantile('75 %'),
    p90: quantile('90 %'),
    p99: quantile('99 %'),
  }),
  bins: z
    .array(
      z.object({
        from: z.number(),
        to: z.number(),
        count: z.int().describe('users with from ≤ value < to; in the last bin, every value ≥ from (above p99 too)'),
      }),
    )
    .describe(
      'equal-width bins over [min, p99]; the last bin also holds every value above p99, up to max. One bin when ' +
        'min = p99 = max; none when never fitted',
    ),
});

export function modelSchemas(): Record<string, JsonSchema> {
  return schemasFromZod({
    ClvOptions: clvOptionsSchema,
    ChurnOptions: churnOptionsSchema,
    ClusterOptions: clusterOptionsSchema,
    ModelFitResult: fitResult,
    ModelScores: scores,
    ModelDistribution: distribution,
  });
}

const errors = { 400: error('a parameter or option is not valid (its name is the error path)'), ...adminErrors };
const op = adminOperation('models');
const kindParam = { name: 'kind', in: 'path', required: true, schema: { type: 'string', enum: [...MODEL_KINDS] } };
const fitOperation = (summary: string, options: string) =>
  op(summary, {
    requestBody: { required: true, content: { 'application/json': { schema: ref(options) } } },
    responses: {
      200: ok('the succeeded run and the segments refreshed', ref('ModelFitResult')),
      ...errors,
      422: error('the data cannot support the model (code insufficient_data); the run is recorded as failed'),
    },
  });

export function modelPaths(): Record<string, Record<string, Operation>> {
  return {
    '/api/models': {
      get: op('The current version of each model: its latest succeeded run, or null', {
        parameters: [query('kinds', `only these models, comma-separated (${MODEL_KINDS.join(', ')}; default: all)`)],
        responses: {
          200: ok('one run per model kind', {
            type: 'object',
            properties: Object.fromEntries(
              MODEL_KINDS.map((kind) => [kind, { oneOf: [ref('AnalyticsRun'), { type: 'null' }] }]),
            ),
          }),
          ...errors,
        },
      }),
    },
    '/api/models/clv': {
      post: fitOperation('Fit BG/NBD + Gamma-Gamma and write p_alive, expected_purchases and clv', 'ClvOptions'),
    },
    '/api/models/churn': {
      post: fitOperation('Fit the churn model (behavioural or supervised) and write churn_risk', 'ChurnOptions'),
    },
    '/api/models/cluster': {
      post: fitOperation('Cluster users into personas (k-means) and write the cluster trait', 'ClusterOptions'),
    },
    '/api/models/runs': {
      get: op('Model runs (every version of every model), newest first', {
        parameters: [
          query('kind', 'only this model', { type: 'string', enum: [...MODEL_KINDS] }),
          query('limit', 'how many (default 50, at most 1000)', { type: 'integer', minimum: 1, maximum: 1000 }),
        ],
        responses: {
          200: ok('the runs', { type: 'array', items: ref('AnalyticsRun') }),
          ...errors,
          404: error('no such model'),
        },
      }),
    },
    '/api/models/runs/{id}': {
      get: op('One model run: parameters, data window, fitted model and quality figures', {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: ok('the run', ref('AnalyticsRun')), ...errors, 404: error('no such model run') },
      }),
    },
    '/api/models/{kind}/scores': {
      get: op("The model's current per-user scores, by user id", {
        parameters: [
          kindParam,
          query('user', 'only this user', { type: 'string' }),
          query('limit', `how many (default 100, at most ${SCORES_LIMIT})`, {
            type: 'integer',
            minimum: 1,
            maximum: SCORES_LIMIT,
          }),
          query('offset', 'skip this many', { type: 'integer', minimum: 0 }),
        ],
        responses: { 200: ok('a page of scores', ref('ModelScores')), ...errors, 404: error('no such model') },
      }),
    },
    '/api/models/{kind}/distribution': {
      get: op("A histogram and quantiles of one numeric output of the model's current scores, computed in SQL", {
        parameters: [
          kindParam,
          query('output', 'the output (optional when the model has one numeric output: churn_risk)', {
            type: 'string',
            enum: MODEL_KINDS.flatMap(numericOutputs),
          }),
          query('bins', `how many bins (default ${DEFAULT_BINS})`, {
            type: 'integer',
            minimum: MIN_BINS,
            maximum: MAX_BINS,
          }),
        ],
        responses: {
          200: ok(
            'the distribution; a model never fitted answers runId null, users 0, no bins',
            ref('ModelDistribution'),
          ),
          ...errors,
          404: error('no such model'),
        },
      }),
    },
  };
}
