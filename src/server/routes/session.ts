import { Hono } from 'hono';
import { authenticate, keyFromHeader } from '../auth.js';
import type { AppEnv, ServerDeps } from '../context.js';

/**
 * `GET /api/session`: whether the bearer key may use `/api`, answered 200 either way. The dashboard's sign-in form
 * checks a key with it; a 401 would tell the same, but browsers log every failed request as an error.
 */
export function sessionRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => {
    const key = keyFromHeader(c.req.header('authorization'), ['bearer']);
    const caller = key ? await authenticate(deps, key) : null;
    if (!caller) return c.json({ signedIn: false, reason: key ? 'unknown or revoked key' : 'no key' });
    if (caller.scope !== 'admin') {
      return c.json({ signedIn: false, reason: `a ${caller.scope} key: the dashboard needs an admin key` });
    }
    return c.json({ signedIn: true, workspace: caller.workspace, scope: caller.scope });
  });
  return app;
}
