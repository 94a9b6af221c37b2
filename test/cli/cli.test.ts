import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLocalServer } from '../../src/server/local-server.js';
import { strata } from './capture.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'strata-cli-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const eventsCsv = () => {
  const file = join(dir, `events-${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(
    file,
    'user_id,event,timestamp,plan\nu1,Signed Up,2024-05-01T10:00:00Z,pro\nu2,Signed Up,2024-05-02T10:00:00Z,free\n,Signed Up,2024-05-02T10:00:00Z,free\n',
  );
  return file;
};

describe('strata CLI', () => {
  it('answers --help for every command with exit 0', async () => {
    for (const args of [['--help'], ['import', '--help'], ['keys', 'create', '--help'], ['demo', '--help']]) {
      const result = await strata(...args);
      expect(result.code).toBe(0);
    }
  });

  it('rejects bad usage with exit 2 and says why', async () => {
    const result = await strata('keys', 'create', '--scope', 'root', '--db', join(dir, 'x.duckdb'));
    expect(result.code).toBe(2);
    const unknown = await strata('frobnicate');
    expect(unknown.code).toBe(2);
  });

  it('imports a CSV, then reports stats as a table and as JSON', async () => {
    const db = join(dir, 'stats.duckdb');
    const imported = await strata('import', eventsCsv(), '--db', db, '--json');
    expect(imported.code).toBe(0);
    const summary = JSON.parse(imported.stdout);
    expect(summary).toMatchObject({ rowsRead: 3, stored: 2, reconciled: true });
    expect(summary.skipped[0]).toMatchObject({ code: 'missing_user', count: 1, lines: [4] });

    const stats = await strata('stats', '--db', db, '--json');
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout)).toMatchObject({
      profiles: 2,
      events: 2,
      eventsByName: [{ name: 'Signed Up', count: 2 }],
    });
    const text = await strata('stats', '--db', db);
    expect(text.stdout).toMatch(/events\s+2/);
  });

  it('says a missing file is missing (exit 4)', async () => {
    const result = await strata('import', join(dir, 'nope.csv'), '--db', join(dir, 'nope.duckdb'));
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('no such file');
  });

  it('creates, lists and revokes keys, never printing secrets in the list', async () => {
    const db = join(dir, 'keys.duckdb');
    const created = await strata('keys', 'create', '--scope', 'write', '--name', 'web', '--db', db, '--json');
    expect(created.code).toBe(0);
    const key = JSON.parse(created.stdout);
    expect(key).toMatchObject({ scope: 'write', name: 'web' });
    const listed = await strata('keys', 'list', '--db', db, '--json');
    expect(listed.stdout).not.toContain(key.key);
    expect(JSON.parse(listed.stdout)).toHaveLength(1);
    expect((await strata('keys', 'revoke', key.id, '--db', db)).code).toBe(0);
    expect((await strata('keys', 'revoke', 'no-such-key', '--db', db)).code).toBe(4);
  });

  describe('while a server holds the database', () => {
    let server: ChildProcess;
    const db = () => join(dir, 'served.duckdb');

    beforeAll(async () => {
      server = spawn(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', 'serve', '--db', db(), '--port', '0'], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      for (let i = 0; i < 200 && !(await findLocalServer(db())); i++) await new Promise((r) => setTimeout(r, 100));
    });
    afterAll(async () => {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
    });

    it('goes through the server for commands the API offers', async () => {
      expect(await findLocalServer(db())).not.toBeNull();
      const stats = await strata('stats', '--db', db(), '--json');
      expect(stats.code).toBe(0);
      expect(JSON.parse(stats.stdout)).toMatchObject({ events: 0 });
      const created = await strata('keys', 'create', '--scope', 'admin', '--db', db(), '--json');
      expect(created.code).toBe(0);
    });

    it('fails with exit 3 and a clear message for commands it cannot route', async () => {
      const result = await strata('import', eventsCsv(), '--db', db());
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(/held by the Strata server at http/);
    });
  });
});
