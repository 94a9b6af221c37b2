import type { Engine } from '../../src/engines/engine.js';
import { createApiKey, type Scope } from '../../src/keys/api-keys.js';
import { createApp } from '../../src/server/app.js';
import { listen, type RunningServer } from '../../src/server/serve.js';
import { memoryEngine, NOW, WS } from '../helpers.js';

/** A real server on a random loopback port over a fresh in-memory store, with one key of each scope. */
export interface Harness {
  readonly engine: Engine;
  readonly server: RunningServer;
  readonly url: string;
  readonly admin: string;
  readonly write: string;
  close(): Promise<void>;
}

export async function startHarness(o: { localToken?: string; engine?: Engine } = {}): Promise<Harness> {
  const engine = o.engine ?? (await memoryEngine());
  const app = createApp({
    engine,
    now: () => NOW,
    version: 'test',
    ...(o.localToken ? { localToken: o.localToken } : {}),
  });
  const server = await listen(app, { port: 0 });
  const key = async (scope: Scope) => (await createApiKey(engine, { workspace: WS, scope, name: scope })).key;
  return {
    engine,
    server,
    url: server.url,
    admin: await key('admin'),
    write: await key('write'),
    close: async () => {
      await server.close();
      await engine.close();
    },
  };
}

export const basic = (key: string): string => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
export const bearer = (key: string): string => `Bearer ${key}`;

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON, or the text when the body is not JSON, or null when empty. */
  readonly body: unknown;
}

/** A real HTTP request; the body is sent as JSON unless it is already a string. */
export async function call(
  url: string,
  method: string,
  path: string,
  o: { auth?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...(o.auth ? { Authorization: o.auth } : {}) };
  if (o.body !== undefined) headers['Content-Type'] = 'application/json';
  Object.assign(headers, o.headers);
  const response = await fetch(new URL(path, url), {
    method,
    headers,
    ...(o.body === undefined ? {} : { body: typeof o.body === 'string' ? o.body : JSON.stringify(o.body) }),
  });
  const text = await response.text();
  let body: unknown = null;
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: response.status, headers: response.headers, body };
}
