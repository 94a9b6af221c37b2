import { Hono } from 'hono';
import { z } from 'zod';
import { getRun, listRuns, RUNS_LIMIT } from '../../analytics/runs.js';
import { readSettings, writeSettings } from '../../analytics/settings.js';
import { CATEGORICAL_TRAITS } from '../../analytics/traits/definitions.js';
import { traitDistribution, traitMigration, userTraitHistory } from '../../analytics/traits/history.js';
import { refreshComputedTraits } from '../../analytics/traits/refresh.js';
import { UserError } from '../../errors.js';
import { parseIntParam, parseTimeParam } from '../../live/history/membership-at.js';
import { ADMIN_LIMIT, readJson, validate } from '../body.js';
import type { AppEnv, ServerDeps } from '../context.js';

export const traitsRefreshBody = z.strictObject({
  asOf: z.iso.datetime({ offset: true }).optional().describe('compute as of this time (default: the settings)'),
});

const required = <T>(value: T | undefined, name: string, example: string): T => {
  if (value === undefined) throw new UserError('missing_parameter', `give ${name}=${example}`, name, 400);
  return value;
};

/**
 * `/api/analytics`: computed traits (run on demand, runs, distribution, migration, a user's history) and the
 * workspace's analytics settings. The reports (RFM, lifecycle, …) are in `analytics.ts`.
 */
export function traitRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const ws = (c: { get(key: 'caller'): { workspace: string } }) => c.get('caller').workspace;

  app.get('/settings', async (c) => c.json(await readSettings(deps.engine, ws(c))));

  app.put('/settings', async (c) =>
    c.json(await writeSettings(deps.engine, ws(c), await readJson(c, ADMIN_LIMIT), deps.now())),
  );

  app.post('/traits/refresh', async (c) => {
    const input = validate(traitsRefreshBody, await readJson(c, ADMIN_LIMIT));
    const result = await refreshComputedTraits(deps.engine, ws(c), {
      trigger: 'api',
      now: deps.now,
      ...(input.asOf ? { asOf: new Date(input.asOf) } : {}),
    });
    if (result.segments.some((s) => s.entered + s.exited > 0)) deps.feed.publish(ws(c));
    return c.json(result);
  });

  app.get('/traits', async (c) => {
    const at = parseTimeParam(c.req.query('at'), 'at') ?? deps.now();
    const traits = [];
    for (const trait of CATEGORICAL_TRAITS) traits.push(await traitDistribution(deps.engine, ws(c), trait, at));
    return c.json({ at, traits });
  });

  app.get('/traits/history', async (c) => {
    const user = required(c.req.query('user') || undefined, 'user', '<user id>');
    const trait = c.req.query('trait') || undefined;
    return c.json(await userTraitHistory(deps.engine, ws(c), user, trait));
  });

  app.get('/traits/:trait', async (c) => {
    const at = parseTimeParam(c.req.query('at'), 'at') ?? deps.now();
    return c.json(await traitDistribution(deps.engine, ws(c), c.req.param('trait'), at));
  });

  app.get('/traits/:trait/migration', async (c) => {
    const from = required(parseTimeParam(c.req.query('from'), 'from'), 'from', '<ISO time>');
    const to = parseTimeParam(c.req.query('to'), 'to') ?? deps.now();
    return c.json(await traitMigration(deps.engine, ws(c), { trait: c.req.param('trait'), from, to }));
  });

  app.get('/runs', async (c) => {
    const limit = parseIntParam(c.req.query('limit'), 'limit');
    if (limit !== undefined && (limit < 1 || limit > RUNS_LIMIT))
      throw new UserError('invalid_parameter', `limit is 1–${RUNS_LIMIT}`, 'limit', 400);
    const kind = c.req.query('kind') || undefined;
    return c.json(
      await listRuns(deps.engine, ws(c), {
        ...(kind ? { kind } : {}),
        ...(limit === undefined ? {} : { limit }),
      }),
    );
  });

  app.get('/runs/:id', async (c) => c.json(await getRun(deps.engine, ws(c), c.req.param('id'))));

  return app;
}
