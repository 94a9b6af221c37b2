import { Hono } from 'hono';
import { getStats } from '../../store/stats.js';
import type { AppEnv, ServerDeps } from '../context.js';

/** `GET /api/stats`: what the caller's workspace holds. */
export function statsRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => c.json(await getStats(deps.engine, c.get('caller').workspace)));
  return app;
}
