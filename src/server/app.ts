import { Hono } from 'hono';
import type { Engine } from '../engines/engine.js';
import { ChangeFeed } from '../live/feed.js';
import { IngestQueue } from '../live/ingest-queue.js';
import type { LiveService } from '../live/service.js';
import { adminOnly } from './auth.js';
import type { AppEnv, ServerDeps } from './context.js';
import { docsRoutes } from './docs-page.js';
import { notFound, onError } from './errors.js';
import { KeyCache } from './key-cache.js';
import { analyticsRoutes } from './routes/analytics.js';
import { catalogRoutes } from './routes/catalog.js';
import { ingestRoutes } from './routes/ingest.js';
import { insightRoutes } from './routes/insight.js';
import { keyRoutes } from './routes/keys.js';
import { modelRoutes } from './routes/models.js';
import { profileRoutes } from './routes/profiles.js';
import { qualityRoutes } from './routes/quality.js';
import { segmentRoutes } from './routes/segments.js';
import { sessionRoutes } from './routes/session.js';
import { statsRoutes } from './routes/stats.js';
import { traitRoutes } from './routes/traits.js';
import { webhookRoutes } from './routes/webhooks.js';
import { defaultWebDir, webRoutes } from './web.js';

export interface AppOptions {
  readonly engine: Engine;
  /** The clock for receive times; tests pin it. */
  readonly now?: () => Date;
  /** An extra admin credential acting on workspace `default`, for the local CLI (see `serve.ts`). */
  readonly localToken?: string;
  readonly version?: string;
  /** Real-time segments, sweeps and webhooks (`src/live/`); without it, ingestion only stores. */
  readonly live?: LiveService;
  /** The built dashboard to serve at `/` (default: this package's `dist/web`); null serves the API alone. */
  readonly webDir?: string | null;
}

/**
 * The HTTP API as a Hono app that does not listen: `serve.ts` puts it on a socket, tests put it on a random loopback
 * port. `/v1` is Segment-compatible ingestion (write or admin keys), `/api` is management (admin keys only).
 * @example const app = createApp({ engine }); serve({ fetch: app.fetch, port: 3000 });
 */
export function createApp(options: AppOptions): Hono<AppEnv> {
  const deps: ServerDeps = {
    engine: options.engine,
    now: options.now ?? (() => new Date()),
    localToken: options.localToken ?? null,
    version: options.version ?? 'dev',
    feed: options.live?.feed ?? new ChangeFeed(),
    queue: options.live?.queue ?? new IngestQueue(options.engine, { ...(options.now ? { now: options.now } : {}) }),
    live: options.live ?? null,
    keys: new KeyCache(),
  };
  const app = new Hono<AppEnv>();
  app.onError(onError);
  app.notFound(notFound);
  app.route('/v1', ingestRoutes(deps));
  app.use('/api/*', adminOnly(deps));
  app.get('/api/health', (c) => c.json({ status: 'ok', version: deps.version }));
  app.route('/api', docsRoutes(deps.version));
  app.route('/api/session', sessionRoutes(deps));
  app.route('/api/stats', statsRoutes(deps));
  app.get('/api/live', (c) =>
    c.json(
      deps.live
        ? { enabled: true, sweepIntervalMs: deps.live.sweepIntervalMs, ...deps.live.stats }
        : {
            enabled: false,
            sweepIntervalMs: null,
            writes: 0,
            evaluations: 0,
            changes: 0,
            sweeps: 0,
            lastSweepAt: null,
            lastError: null,
          },
    ),
  );
  app.route('/api/profiles', profileRoutes(deps));
  app.route('/api/keys', keyRoutes(deps));
  // Before the segment routes, so `/compare` and `/overlap` are not read as segment ids.
  app.route('/api/segments', insightRoutes(deps));
  app.route('/api/segments', segmentRoutes(deps));
  app.route('/api/catalog', catalogRoutes(deps));
  app.route('/api/webhooks', webhookRoutes(deps));
  app.route('/api/quality', qualityRoutes(deps));
  app.route('/api/analytics', traitRoutes(deps));
  app.route('/api/analytics', analyticsRoutes(deps));
  app.route('/api/models', modelRoutes(deps));
  const webDir = options.webDir === undefined ? defaultWebDir() : options.webDir;
  if (webDir !== null) app.route('/', webRoutes(webDir));
  return app;
}
