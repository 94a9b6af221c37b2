import { Hono } from 'hono';
import { qualityOptionsFromText } from '../../analytics/quality/options.js';
import { qualityReport } from '../../analytics/quality/report.js';
import type { AppEnv, ServerDeps } from '../context.js';

/**
 * `GET /api/quality`: the data quality report of the caller's workspace. Query: `ancientBefore` (ISO time),
 * `futureToleranceHours`, `sampleLimit` (0–100), `orderEvents` / `refundEvents` (repeated or comma-separated); a bad
 * value is a 400 whose `path` names the parameter. The clock is the server's (`deps.now`).
 */
export function qualityRoutes(deps: Pick<ServerDeps, 'engine' | 'now'>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => {
    const options = qualityOptionsFromText({
      ancientBefore: c.req.query('ancientBefore'),
      futureToleranceHours: c.req.query('futureToleranceHours'),
      sampleLimit: c.req.query('sampleLimit'),
      orderEvents: c.req.queries('orderEvents'),
      refundEvents: c.req.queries('refundEvents'),
    });
    return c.json(await qualityReport(deps.engine, c.get('caller').workspace, { ...options, now: deps.now() }));
  });
  return app;
}
