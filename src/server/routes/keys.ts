import { Hono } from 'hono';
import { createApiKey, listApiKeys, revokeApiKey } from '../../keys/api-keys.js';
import { ADMIN_LIMIT, readJson, validate } from '../body.js';
import type { AppEnv, ServerDeps } from '../context.js';
import { httpError } from '../errors.js';
import { createKeyBody } from '../schemas.js';

/** `/api/keys`: create (the secret is in the 201 reply only), list and revoke the caller's workspace's keys. */
export function keyRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/', async (c) => {
    const body = validate(createKeyBody, await readJson(c, ADMIN_LIMIT));
    const { workspace } = c.get('caller');
    const created = await createApiKey(deps.engine, {
      workspace,
      scope: body.scope,
      now: deps.now(),
      ...(body.name === undefined ? {} : { name: body.name }),
    });
    return c.json(created, 201);
  });
  app.get('/', async (c) => c.json({ keys: await listApiKeys(deps.engine, c.get('caller').workspace) }));
  app.delete('/:id', async (c) => {
    const id = c.req.param('id');
    if (!(await revokeApiKey(deps.engine, c.get('caller').workspace, id, deps.now()))) {
      throw httpError(404, 'not_found', `this workspace has no API key with id ${JSON.stringify(id)}`);
    }
    deps.keys.clear();
    return c.body(null, 204);
  });
  return app;
}
