import { Hono } from 'hono';
import { parseIntParam, wholeNumber } from '../../live/history/membership-at.js';
import { getActivity, MAX_ACTIVITY_DAYS } from '../../store/activity.js';
import { getStats } from '../../store/stats.js';
import type { AppEnv, ServerDeps } from '../context.js';

/** `GET /api/stats`: what the caller's workspace holds; `GET /api/stats/activity`: events per day. */
export function statsRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => c.json(await getStats(deps.engine, c.get('caller').workspace)));
  app.get('/activity', async (c) => {
    const days = wholeNumber(parseIntParam(c.req.query('days'), 'days'), 'days', 30, 1, MAX_ACTIVITY_DAYS);
    return c.json(await getActivity(deps.engine, c.get('caller').workspace, { days, now: deps.now() }));
  });
  return app;
}
