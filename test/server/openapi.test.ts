import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engines/engine.js';
import { createApp } from '../../src/server/app.js';
import { listen, type RunningServer } from '../../src/server/serve.js';
import { memoryEngine } from '../helpers.js';

let engine: Engine;
let server: RunningServer;
let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  engine = await memoryEngine();
  app = createApp({ engine, version: '9.9.9' });
  server = await listen(app, { port: 0 });
});
afterAll(async () => {
  await server.close();
  await engine.close();
});

type Doc = {
  openapi: string;
  info: { version: string };
  paths: Record<string, Record<string, { security: Record<string, string[]>[]; responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, { type: string; scheme: string }> };
};

async function document(): Promise<Doc> {
  const response = await fetch(new URL('/api/openapi.json', server.url));
  expect(response.status).toBe(200);
  return (await response.json()) as Doc;
}

function refs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refs(item, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string') out.push(inner);
      else refs(inner, out);
    }
  }
  return out;
}

describe('GET /api/openapi.json', () => {
  it('is an OpenAPI 3.1 document, served without a key', async () => {
    const doc = await document();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toBe('9.9.9');
    expect(doc.components.securitySchemes).toEqual({
      basicAuth: expect.objectContaining({ type: 'http', scheme: 'basic' }),
      bearerAuth: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    });
  });

  it('documents exactly the routes the app serves (docs assets and the dashboard aside), each with its security', async () => {
    const doc = await document();
    // `/*` is the dashboard (src/server/web.ts): files and the single-page app, not part of the API.
    const served = app.routes
      .filter((r) => r.method !== 'ALL' && !r.path.startsWith('/api/docs/assets/') && r.path !== '/*')
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    expect(documented.sort()).toEqual([...new Set(served)].sort());
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const schemes = op.security.flatMap((s) => Object.keys(s)).sort();
        const where = `${method} ${path}`;
        if (path.startsWith('/v1/')) {
          expect(schemes, where).toEqual(['basicAuth', 'bearerAuth']);
          expect(Object.keys(op.responses), where).toEqual(expect.arrayContaining(['200', '400', '401', '413', '415']));
        } else if (['/api/health', '/api/session', '/api/openapi.json', '/api/docs'].includes(path)) {
          expect(schemes, where).toEqual([]);
        } else {
          expect(schemes, where).toEqual(['bearerAuth']);
          expect(Object.keys(op.responses), where).toEqual(expect.arrayContaining(['401', '403']));
        }
      }
    }
  });

  it('generates schemas from the Zod schemas, and every $ref resolves', async () => {
    const doc = await document();
    const { schemas } = doc.components;
    for (const ref of refs(doc)) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(schemas[ref.split('/').at(-1) ?? ''], ref).toBeDefined();
    }
    expect(schemas['TrackMessage']).toMatchObject({
      required: ['type', 'event'],
      properties: { event: { type: 'string', minLength: 1, maxLength: 512 }, type: { const: 'track' } },
    });
    // On /v1/track the path implies the type, so the request body may omit it.
    expect(schemas['TrackRequest']).toMatchObject({
      required: ['event'],
      properties: { writeKey: { type: 'string' } },
    });
    expect(schemas['BatchRequest']).toMatchObject({
      required: ['batch'],
      properties: { batch: { maxItems: 10_000, items: { $ref: '#/components/schemas/Message' } } },
    });
    expect(schemas['CreateApiKeyRequest']).toMatchObject({
      properties: { scope: { enum: ['write', 'admin'] } },
      required: ['scope'],
      additionalProperties: false,
    });
    expect(JSON.stringify(schemas)).not.toContain('$schema');
  });
});

describe('GET /api/docs', () => {
  it('serves an HTML page whose assets are all served locally', async () => {
    const page = await fetch(new URL('/api/docs', server.url));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    expect(html).toContain('id="swagger-ui"');
    expect(html).not.toMatch(/(https?:)?\/\/[a-z]/i);
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(assets).toEqual(
      expect.arrayContaining(['docs/assets/swagger-ui.css', 'docs/assets/swagger-ui-bundle.js', 'docs/assets/init.js']),
    );
    for (const asset of assets) {
      const url = new URL(asset, page.url);
      expect(url.origin).toBe(server.url);
      const response = await fetch(url);
      expect(response.status, asset).toBe(200);
      expect((await response.arrayBuffer()).byteLength, asset).toBeGreaterThan(0);
    }
    // The start-up script loads the document by a relative URL that resolves to the served one.
    const init = await (await fetch(new URL('docs/assets/init.js', page.url))).text();
    const specUrl = /url: '([^']+)'/.exec(init)?.[1] ?? '';
    expect(new URL(specUrl, page.url).pathname).toBe('/api/openapi.json');
  });

  it('serves only the listed asset files', async () => {
    for (const path of [
      '/api/docs/assets/package.json',
      '/api/docs/assets/..%2F..%2Fpackage.json',
      '/api/docs/assets/index.html',
    ]) {
      expect((await fetch(new URL(path, server.url))).status, path).toBe(404);
    }
  });
});
