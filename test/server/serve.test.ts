import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engines/engine.js';
import { openEngine } from '../../src/engines/open.js';
import { UserError } from '../../src/errors.js';
import { findLocalServer, serverFilePath } from '../../src/server/local-server.js';
import { startServer } from '../../src/server/serve.js';
import { bearer, call } from './harness.js';

let dir: string;
let db: string;
let engine: Engine;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'strata-serve-'));
  db = join(dir, 'strata.duckdb');
  engine = await openEngine({ db, threads: 1 });
});
afterEach(async () => {
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

/** A loopback URL where nothing listens: a port that was just free. */
async function closedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 9}`;
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  if (child.pid === undefined) throw new Error('no pid');
  return child.pid;
}

describe('startServer and findLocalServer', () => {
  it('announces the server in <db>.server.json (0600), whose token acts as admin of default, until close', async () => {
    const server = await startServer({ engine, port: 0, db, version: '1.2.3' });
    try {
      const file = serverFilePath(db);
      expect(file).toBe(`${db}.server.json`);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const saved = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      expect(saved).toEqual({ pid: process.pid, url: server.url, token: expect.any(String) });
      expect(server.url).toBe(`http://127.0.0.1:${server.port}`);

      const found = await findLocalServer(db);
      expect(found).toEqual(saved);
      const stats = await call(server.url, 'GET', '/api/stats', { auth: bearer(found?.token ?? '') });
      expect(stats.status).toBe(200);
      expect(stats.body).toMatchObject({ workspace: 'default' });
      expect((await call(server.url, 'GET', '/api/health')).body).toEqual({ status: 'ok', version: '1.2.3' });
    } finally {
      await server.close();
    }
    expect(existsSync(serverFilePath(db))).toBe(false);
    expect(await findLocalServer(db)).toBeNull();
  });

  it('writes no file and has no local token without a database file', async () => {
    const server = await startServer({ engine, port: 0 });
    try {
      expect(existsSync(serverFilePath(db))).toBe(false);
      expect((await call(server.url, 'GET', '/api/stats', { auth: bearer('') })).status).toBe(401);
    } finally {
      await server.close();
    }
  });

  it('removes a file left by a dead process or that is unreadable', async () => {
    const file = serverFilePath(db);
    const url = await closedUrl();
    for (const content of [JSON.stringify({ pid: await deadPid(), url, token: 't' }), '{not json', '{"pid":"x"}']) {
      await writeFile(file, content);
      expect(await findLocalServer(db), content).toBeNull();
      expect(existsSync(file), content).toBe(false);
    }
    expect(await findLocalServer(join(dir, 'missing.duckdb'))).toBeNull();
  });

  it('keeps the file of a live process that does not answer (it may be busy), without using it', async () => {
    const file = serverFilePath(db);
    // Alive (this very process) but nothing listens there.
    await writeFile(file, JSON.stringify({ pid: process.pid, url: await closedUrl(), token: 't' }));
    expect(await findLocalServer(db)).toBeNull();
    expect(existsSync(file)).toBe(true);
    await rm(file);
  });

  it('leaves a newer server’s file alone when an older one closes', async () => {
    const server = await startServer({ engine, port: 0, db });
    const replacement = { pid: process.pid, url: server.url, token: 'newer' };
    await writeFile(serverFilePath(db), JSON.stringify(replacement));
    await server.close();
    expect(JSON.parse(await readFile(serverFilePath(db), 'utf8'))).toEqual(replacement);
  });

  it('reports a port in use as a user error', async () => {
    const first = await startServer({ engine, port: 0 });
    try {
      await expect(startServer({ engine, port: first.port })).rejects.toBeInstanceOf(UserError);
    } finally {
      await first.close();
    }
  });
});
