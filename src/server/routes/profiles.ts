import { Hono } from 'hono';
import { getProfile, listEvents } from '../../store/profiles.js';
import type { AppEnv, ServerDeps } from '../context.js';
import { httpError } from '../errors.js';

/** How many events a profile reply carries; the full history is an export, not a page. */
export const PROFILE_EVENTS = 50;

/** `GET /api/profiles/:userId`: one profile and its latest events, 404 when the user is unknown. */
export function profileRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/:userId', async (c) => {
    const { workspace } = c.get('caller');
    const userId = c.req.param('userId');
    const profile = await getProfile(deps.engine, workspace, userId);
    if (!profile) throw httpError(404, 'not_found', `no profile with userId ${JSON.stringify(userId)}`);
    return c.json({
      profile,
      events: await listEvents(deps.engine, workspace, userId, PROFILE_EVENTS, { newestFirst: true }),
    });
  });
  return app;
}
