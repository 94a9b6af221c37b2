import { Hono } from 'hono';
import { listRuns, RUNS_LIMIT } from '../../analytics/runs.js';
import { MODEL_KINDS, type ModelKind } from '../../analytics/traits/definitions.js';
import { UserError } from '../../errors.js';
import { parseIntParam } from '../../live/history/membership-at.js';
import { modelDistribution } from '../../models/distribution.js';
import { FIT_MODEL, getModelRun, parseModelKind } from '../../models/models.js';
import type { ScoresWritten } from '../../models/scores.js';
import { readModelScores } from '../../models/scores.js';
import { ADMIN_LIMIT, readJson } from '../body.js';
import type { AppEnv, ServerDeps } from '../context.js';

export const SCORES_LIMIT = 1000;

const range = (value: number | undefined, name: string, min: number, max: number) => {
  if (value !== undefined && (value < min || value > max))
    throw new UserError('invalid_parameter', `${name} is ${min}–${max}`, name, 400);
  return value;
};

/** `kinds=churn,clv`: only these models (a page that draws the cluster map need not read the others); all by default. */
function modelKinds(text: string | undefined): readonly ModelKind[] {
  if (text === undefined || text.trim() === '') return MODEL_KINDS;
  return [...new Set(text.split(',').map((kind) => kind.trim()))].map((kind) => {
    if (!(MODEL_KINDS as readonly string[]).includes(kind))
      throw new UserError('invalid_parameter', `no model "${kind}"; models: ${MODEL_KINDS.join(', ')}`, 'kinds', 400);
    return kind as ModelKind;
  });
}

/**
 * `/api/models`: fit a model (CLV, churn, clustering) and write its traits; the models' runs (each a version of the
 * model with its parameters, data window and quality figures) and their current per-user scores.
 */
export function modelRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const ws = (c: { get(key: 'caller'): { workspace: string } }) => c.get('caller').workspace;
  const context = { trigger: 'api' as const, now: deps.now };
  const publish = (workspace: string, written: ScoresWritten) => {
    if (written.segments.some((s) => s.entered + s.exited > 0)) deps.feed.publish(workspace);
  };

  app.get('/', async (c) => {
    const latest: Record<string, unknown> = {};
    for (const kind of modelKinds(c.req.query('kinds'))) {
      const [run] = await listRuns(deps.engine, ws(c), { kind, status: 'succeeded', limit: 1 });
      latest[kind] = run ?? null;
    }
    return c.json(latest);
  });

  app.get('/runs', async (c) => {
    const limit = range(parseIntParam(c.req.query('limit'), 'limit'), 'limit', 1, RUNS_LIMIT);
    const kind = c.req.query('kind') || undefined;
    return c.json(
      await listRuns(deps.engine, ws(c), {
        kinds: kind === undefined ? MODEL_KINDS : [parseModelKind(kind)],
        ...(limit === undefined ? {} : { limit }),
      }),
    );
  });

  app.get('/runs/:id', async (c) => {
    return c.json(await getModelRun(deps.engine, ws(c), c.req.param('id')));
  });

  for (const kind of MODEL_KINDS) {
    app.post(`/${kind}`, async (c) => {
      const result = await FIT_MODEL[kind](deps.engine, ws(c), await readJson(c, ADMIN_LIMIT), context);
      publish(ws(c), result.written);
      return c.json({ run: result.run, segments: result.written.segments });
    });
  }

  app.get('/:kind/scores', async (c) => {
    const kind = parseModelKind(c.req.param('kind'));
    const limit = range(parseIntParam(c.req.query('limit'), 'limit'), 'limit', 1, SCORES_LIMIT) ?? 100;
    const offset = range(parseIntParam(c.req.query('offset'), 'offset'), 'offset', 0, Number.MAX_SAFE_INTEGER) ?? 0;
    const user = c.req.query('user') || undefined;
    return c.json(
      await readModelScores(deps.engine, ws(c), kind, { limit, offset, ...(user === undefined ? {} : { user }) }),
    );
  });

  // A model never fitted answers an empty histogram, not a 404: the dashboard asks before anything is fitted.
  app.get('/:kind/distribution', async (c) => {
    const kind = parseModelKind(c.req.param('kind'));
    const bins = parseIntParam(c.req.query('bins'), 'bins');
    return c.json(
      await modelDistribution(deps.engine, ws(c), kind, {
        output: c.req.query('output') ?? '',
        ...(bins === undefined ? {} : { bins }),
      }),
    );
  });

  return app;
}
