import { randomBytes } from 'node:crypto';
import { createAdaptorServer } from '@hono/node-server';
import type { Engine } from '../engines/engine.js';
import { UserError } from '../errors.js';
import { type LiveOptions, LiveService } from '../live/service.js';
import { createApp } from './app.js';
import { removeServerFile, writeServerFile } from './local-server.js';

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  /** The live services, when the server keeps segments live. */
  readonly live?: LiveService;
  close(): Promise<void>;
}

/** Anything with a fetch handler: a Hono app. */
export interface FetchApp {
  fetch(request: Request): Response | Promise<Response>;
}

/** The URL a local client should use: wildcard addresses are reachable on loopback. */
function clientUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

/** Puts an app on a socket; port 0 picks a free one. Tests use this with their own `createApp` options. */
export async function listen(app: FetchApp, o: { port: number; host?: string }): Promise<RunningServer> {
  const host = o.host ?? '127.0.0.1';
  const server = createAdaptorServer({ fetch: (request) => app.fetch(request), hostname: host });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(
          new UserError(
            'port_in_use',
            `port ${o.port} on ${host} is already in use; pick another with --port`,
            'port',
            409,
          ),
        );
      } else reject(error);
    });
    server.listen(o.port, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : o.port;
  return {
    url: clientUrl(host, port),
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Idle keep-alive connections would otherwise hold the close open until they time out.
        if ('closeIdleConnections' in server) server.closeIdleConnections();
      }),
  };
}

/**
 * Serves the API. With a database file, it also creates a random local admin token and announces itself in
 * `<db>.server.json` so the CLI uses the server instead of opening the locked file; `close()` removes the file.
 * Signal handling is the caller's: call `close()` on SIGINT/SIGTERM.
 */
export async function startServer(o: {
  engine: Engine;
  port: number;
  host?: string;
  db?: string;
  version?: string;
  /** Real-time segments, sweeps and webhook delivery; `false` serves the API only. */
  live?: LiveOptions | false;
}): Promise<RunningServer> {
  const db = o.db !== undefined && o.db !== '' && o.db !== ':memory:' ? o.db : null;
  const token = db ? randomBytes(32).toString('base64url') : null;
  const live =
    o.live === false ? null : new LiveService(o.engine, { ...o.live, ...(o.version ? { version: o.version } : {}) });
  const app = createApp({
    engine: o.engine,
    ...(token ? { localToken: token } : {}),
    ...(o.version ? { version: o.version } : {}),
    ...(live ? { live } : {}),
  });
  const served = await listen(app, { port: o.port, ...(o.host ? { host: o.host } : {}) });
  live?.start();
  // Stop taking requests first, then let the live services finish what was accepted.
  const running: RunningServer = {
    ...served,
    ...(live ? { live } : {}),
    close: async () => {
      await served.close();
      await live?.stop();
    },
  };
  if (!db || !token) return running;
  const owner = { pid: process.pid, token };
  try {
    await writeServerFile(db, { ...owner, url: running.url });
  } catch (error) {
    await running.close();
    throw error;
  }
  return {
    ...running,
    // The file goes first: a CLI that still finds it must also find the server answering.
    close: async () => {
      await removeServerFile(db, owner);
      await running.close();
    },
  };
}
