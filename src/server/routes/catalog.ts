import { Hono } from 'hono';
import { type CatalogSample, catalogSegments, sampleCatalog } from '../../segments/catalog.js';
import type { AppEnv, ServerDeps } from '../context.js';
import { httpError } from '../errors.js';

/** How long a workspace's sample is reused: the builder asks on every page load, and the data drifts slowly. */
export const CATALOG_TTL_MS = 60_000;

const refreshParam = (value: string | undefined): boolean => {
  if (value === undefined || value === '' || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true') return true;
  throw httpError(400, 'invalid_request', 'refresh is 1 (sample again now) or 0');
};

/**
 * `GET /api/catalog`: event names, properties, traits and segments for the segment builder. The sample is kept in
 * memory per workspace for `CATALOG_TTL_MS` (`?refresh=1` takes a new one); segments are listed on every request, so
 * one saved a moment ago can be referred to at once. Concurrent requests share one sampling.
 */
export function catalogRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const cache = new Map<string, { readonly at: number; readonly sample: Promise<CatalogSample> }>();

  const sample = (workspace: string, refresh: boolean): Promise<CatalogSample> => {
    const cached = cache.get(workspace);
    if (!refresh && cached && Date.now() - cached.at < CATALOG_TTL_MS) return cached.sample;
    const taken = sampleCatalog(deps.engine, workspace, { asOf: deps.now() });
    const entry = { at: Date.now(), sample: taken };
    cache.set(workspace, entry);
    // A failed sampling is not kept: the next request tries again.
    taken.catch(() => {
      if (cache.get(workspace) === entry) cache.delete(workspace);
    });
    return taken;
  };

  app.get('/', async (c) => {
    const refresh = refreshParam(c.req.query('refresh'));
    const workspace = c.get('caller').workspace;
    const taken = await sample(workspace, refresh);
    return c.json({ ...taken, segments: await catalogSegments(deps.engine, workspace) });
  });
  return app;
}
