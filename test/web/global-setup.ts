import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';

/** Where the end-to-end tests find the dashboard: a real `strata demo` server, or null when there is no browser. */
export interface DashboardTarget {
  /** The server's base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly adminKey: string;
  readonly chromium: string;
  /** The store the demo server runs on: the `web` project uses DuckDB, `web-chdb` ClickHouse in-process. */
  readonly engine: 'duckdb' | 'chdb';
}

declare module 'vitest' {
  export interface ProvidedContext {
    dashboard: DashboardTarget | null;
  }
}

const ROOT = resolve(import.meta.dirname, '../..');
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const DEMO_USERS = '1000';

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Resolves with the sign-in link once the demo prints it; rejects if the process ends or 3 minutes pass. */
function dashboardLink(child: ChildProcess, log: string[]): Promise<string> {
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`strata demo did not start:\n${log.join('')}`)), 180_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      log.push(chunk.toString());
      const found = /Dashboard:\s+(\S+)/.exec(log.join(''));
      if (found?.[1]) {
        clearTimeout(timer);
        done(found[1]);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`strata demo exited with ${code}:\n${log.join('')}`));
    });
  });
}

/**
 * Builds the dashboard into a temporary folder and starts the real CLI (`strata demo`, which generates the demo data,
 * prepares its starter segments and models, then serves API and dashboard) on a free loopback port, on DuckDB for the
 * `web` project and on chDB for `web-chdb`, which runs the same test files. Without Chromium
 * the browser tests are skipped with a notice, except in CI, where `.ci/run` installs it and its absence is an error.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!existsSync(CHROMIUM)) {
    if (process.env['CI']) throw new Error(`${CHROMIUM} is missing: .ci/run installs it with apt-get install chromium`);
    console.warn(
      `notice: ${CHROMIUM} not found, so the dashboard's browser tests are skipped (apt-get install chromium)`,
    );
    project.provide('dashboard', null);
    return async () => undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'strata-web-'));
  const webDir = join(dir, 'web');
  await build({ configFile: join(ROOT, 'web/vite.config.ts'), logLevel: 'warn', build: { outDir: webDir } });
  const port = await freePort();
  const log: string[] = [];
  const engine = project.name === 'web-chdb' ? 'chdb' : 'duckdb';
  const store =
    engine === 'chdb' ? ['--engine', 'chdb', '--data', join(dir, 'chdb')] : ['--db', join(dir, 'demo.duckdb')];
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/run.ts', ...store, 'demo', '--users', DEMO_USERS, '--port', String(port)],
    { cwd: ROOT, env: { ...process.env, STRATA_WEB_DIR: webDir }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child.once('exit', (...args) => done(args)));
      child.kill('SIGTERM');
      // A second signal stops the server at once (see `serveUntilStopped`); the tests are over by now.
      const again = setTimeout(() => child.kill('SIGTERM'), 10_000);
      // The server's own watchdog kills it 35 s into a stop that hangs; this is the last resort if even that fails,
      // said out loud so a hang is seen rather than waited out until CI's time limit.
      const last = setTimeout(() => {
        console.warn('strata demo did not stop within 60 s of SIGTERM: killing it (SIGKILL)');
        child.kill('SIGKILL');
      }, 60_000);
      const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
      clearTimeout(again);
      clearTimeout(last);
      if (signal === 'SIGKILL' || code === 137)
        console.warn(`strata demo was killed while stopping (exit ${code ?? signal}): its stop hung`);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const link = new URL(await dashboardLink(child, log));
    const adminKey = new URLSearchParams(link.hash.slice(1)).get('key') ?? '';
    project.provide('dashboard', { url: link.origin, adminKey, chromium: CHROMIUM, engine });
  } catch (error) {
    await stop();
    throw error;
  }
  return stop;
}
