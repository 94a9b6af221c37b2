import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import type { AppEnv } from './context.js';

/**
 * The web dashboard (`web/`, built by `npm run build` into `dist/web`) at `/`. Files under `assets/` carry a content
 * hash in their names and are cached for a year; every other path that is not a file is a route of the single-page
 * app and gets `index.html`, so deep links and reloads work. The API stays under `/api` and `/v1`.
 */

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

// The app loads nothing from elsewhere and runs no inline script; ECharts and React set inline styles.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/**
 * `dist/web` of this package, whether running from `src/` (tsx) or `dist/src/` (built); `STRATA_WEB_DIR` points
 * elsewhere (a build of your own, or a test's).
 */
export function defaultWebDir(): string {
  const configured = process.env['STRATA_WEB_DIR'];
  if (configured) return configured;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i += 1) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'dist', 'web');
    dir = dirname(dir);
  }
  return join(dir, 'dist', 'web');
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Strata</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>The dashboard is not built</h1>
<p>Run <code>npm run build</code> in the Strata folder, then reload. The API is at <a href="/api/docs">/api/docs</a>.</p>
</body></html>
`;

export function webRoutes(webDir: string): Hono<AppEnv> {
  const root = resolve(webDir);
  const app = new Hono<AppEnv>();
  app.get('*', async (c, next) => {
    const path = decodeURIComponent(c.req.path);
    if (path.startsWith('/api/') || path.startsWith('/v1/') || path === '/api' || path === '/v1') return next();
    const file = resolve(root, `.${path}`);
    const inside = file === root || file.startsWith(root + sep);
    const isAsset = inside && extname(file) !== '' && path !== '/';
    if (isAsset) {
      const body = await readFile(file).catch(() => null);
      if (body === null) return next();
      c.header('content-type', TYPES[extname(file)] ?? 'application/octet-stream');
      c.header('x-content-type-options', 'nosniff');
      c.header('cache-control', path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      return c.body(body);
    }
    const index = await readFile(join(root, 'index.html'), 'utf8').catch(() => null);
    c.header('content-security-policy', CSP);
    c.header('x-content-type-options', 'nosniff');
    c.header('referrer-policy', 'no-referrer');
    c.header('cache-control', 'no-cache');
    return c.html(index ?? NOT_BUILT, index === null ? 503 : 200);
  });
  return app;
}
