import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Hono } from 'hono';
// The package's main module loads the whole browser bundle into Node; this file only says where the assets are.
import getAbsoluteFSPath from 'swagger-ui-dist/absolute-path.js';
import type { AppEnv } from './context.js';
import { notFound } from './errors.js';
import { openApiDocument } from './openapi.js';

/**
 * `GET /api/openapi.json` and the Swagger UI page at `GET /api/docs`, with its assets served from the installed
 * `swagger-ui-dist` package: the docs work offline and load nothing from a CDN (the page's CSP forbids it).
 * URLs in the page are relative, so the docs also work behind a proxy that mounts Strata under a prefix.
 */

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

// Our own start-up script, kept out of the page so the CSP needs no inline scripts. No validator: it is remote.
const INIT_JS = `window.ui = SwaggerUIBundle({
  url: 'openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
});
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Strata API</title>
  <link rel="stylesheet" href="docs/assets/swagger-ui.css">
  <link rel="icon" type="image/png" href="docs/assets/favicon-32x32.png" sizes="32x32">
  <link rel="icon" type="image/png" href="docs/assets/favicon-16x16.png" sizes="16x16">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="docs/assets/swagger-ui-bundle.js"></script>
  <script src="docs/assets/init.js"></script>
</body>
</html>
`;

// What Swagger UI 5 needs: its own files, data: images (inline SVG icons) and inline styles; no eval, no remote hosts.
const CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'";

const cache = new Map<string, Uint8Array<ArrayBuffer>>();

async function asset(name: string): Promise<Uint8Array<ArrayBuffer>> {
  let bytes = cache.get(name);
  if (!bytes) {
    bytes = new Uint8Array(await readFile(join(getAbsoluteFSPath(), name)));
    cache.set(name, bytes);
  }
  return bytes;
}

/** Mounted at `/api`; every route here is public. */
export function docsRoutes(version: string): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  let document: Record<string, unknown> | undefined;
  app.get('/openapi.json', (c) => {
    document ??= openApiDocument(version);
    return c.json(document);
  });
  app.get('/docs', (c) => {
    c.header('Content-Security-Policy', CSP);
    return c.html(PAGE);
  });
  app.get('/docs/assets/init.js', (c) => c.body(INIT_JS, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }));
  app.get('/docs/assets/:file', async (c) => {
    // Only the listed files: the name never becomes a path unless it is one of them.
    const name = c.req.param('file');
    const type = ASSETS[name];
    if (!type) return notFound(c);
    const bytes = await asset(name);
    return c.body(bytes, 200, { 'Content-Type': type, 'Cache-Control': 'public, max-age=86400' });
  });
  return app;
}
