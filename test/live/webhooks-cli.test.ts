import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openChdbEngine } from '../../src/engines/chdb/connection.js';
import type { Engine } from '../../src/engines/engine.js';
import { openEngine } from '../../src/engines/open.js';
import { startServer } from '../../src/server/serve.js';
import { strata } from '../cli/capture.js';
import { ChangeFeed, change, proSegment, type Receiver, startReceiver, T, waitFor } from './webhooks-harness.js';

/**
 * A store the CLI opens by its flags: a DuckDB file, or a chDB data directory (`--engine chdb --data DIR`). Either
 * way the store has one writing process, so while a server holds it, it announces itself beside it
 * (`<path>.server.json`) and the CLI goes through that server.
 */
interface CliStore {
  readonly name: string;
  /** The file or directory, under `dir`. */
  readonly path: (dir: string) => string;
  readonly flags: (path: string) => string[];
  readonly open: (path: string) => Promise<Engine>;
}

const CLI_STORES: readonly CliStore[] = [
  {
    name: 'duckdb',
    path: (dir) => join(dir, 'hooks.duckdb'),
    flags: (path) => ['--db', path],
    open: (path) => openEngine({ db: path, threads: 1 }),
  },
  {
    name: 'chdb',
    path: (dir) => join(dir, 'hooks-chdb'),
    flags: (path) => ['--engine', 'chdb', '--data', path],
    open: (path) => openChdbEngine({ path }),
  },
];

for (const store of CLI_STORES) {
  describe(`on ${store.name}`, () => {
    let dir: string;
    let db: string;
    let receiver: Receiver;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'strata-cli-webhooks-'));
      db = store.path(dir);
      receiver = await startReceiver();
      const engine = await store.open(db);
      await proSegment(engine, 'default');
      await change(engine, new ChangeFeed(), 'default', 'Pro', { ann: 'pro', bob: 'pro' }, T(2));
      await engine.close();
    }, 60_000);
    afterAll(async () => {
      await receiver.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const run = (...args: string[]) => strata(...args, ...store.flags(db));
    const json = async (...args: string[]) => {
      const result = await run(...args, '--json');
      expect(result.code, `${args.join(' ')}: ${result.stderr}${result.stdout}`).toBe(0);
      return JSON.parse(result.stdout);
    };

    describe('strata webhooks', () => {
      it('manages webhooks on the database file', async () => {
        const created = await run('webhooks', 'create', '--url', receiver.url, '--segments', 'Pro', '--batch', '5');
        expect(created.code).toBe(0);
        expect(created.stdout).toMatch(
          /^created webhook (wh_[0-9a-f]+) → http:\/\/127\.0\.0\.1:\d+\/hook \(2 changes to send\)\nsecret: whsec_/,
        );
        expect(created.stderr).toContain('not shown again');
        const id = /wh_[0-9a-f]+/.exec(created.stdout)?.[0] ?? '';

        const list = await run('webhooks', 'list');
        expect(list.stdout).toMatch(new RegExp(`${id}\\s+active\\s+syncing\\s+2\\s+0\\s+http`));
        expect(list.stdout).not.toContain('whsec_');
        const shown = await run('webhooks', 'show', id);
        expect(shown.stdout).toContain('batch size      5');
        expect(shown.stdout).toContain('cursor          0 (initial sync until 2)');
        expect((await json('webhooks', 'show', id)).status).toMatchObject({ pending: 2, syncing: true });

        expect((await run('webhooks', 'pause', id)).stdout).toBe(`paused ${id}\n`);
        expect((await json('webhooks', 'show', id)).state).toBe('paused');
        expect((await run('webhooks', 'resume', id)).stdout).toBe(`resumed ${id}\n`);
        expect((await run('webhooks', 'replay', id, '--from', '2')).stdout).toBe(
          `${id} sends again from seq 2 (1 changes)\n`,
        );
        expect(await json('webhooks', 'attempts', id)).toEqual([]);
        expect((await run('webhooks', 'delete', id)).stdout).toBe(`deleted ${id}\n`);
        expect(await json('webhooks', 'list')).toEqual([]);
      });

      it('explains mistakes with a path and an exit code', async () => {
        const unknown = await run('webhooks', 'create', '--url', receiver.url, '--segments', 'Pro, Nope');
        expect(unknown.code).toBe(4);
        expect(unknown.stderr).toContain('no segment "Nope" in workspace default (at segments[1])');
        const ftp = await run('webhooks', 'create', '--url', 'ftp://x', '--segments', 'Pro');
        expect(ftp.code).toBe(2);
        expect(ftp.stderr).toContain('(at url)');
        const secret = await run('webhooks', 'create', '--url', receiver.url, '--segments', 'Pro', '--secret', 'short');
        expect(secret.code).toBe(2);
        expect(secret.stderr).toContain('(at secret)');
        expect((await run('webhooks', 'create', '--url', receiver.url, '--segments', 'Pro', '--batch', '0')).code).toBe(
          2,
        );
        expect((await run('webhooks', 'replay', 'wh_x', '--from', 'x')).code).toBe(2);
        expect((await run('webhooks', 'show', 'wh_nope')).code).toBe(4);
        const asJson = await run('webhooks', 'show', 'wh_nope', '--json');
        expect(JSON.parse(asJson.stdout)).toMatchObject({ error: { code: 'unknown_webhook', path: 'id' } });
      });

      it('goes through the server that holds the file, where the dispatcher delivers', async () => {
        const engine = await store.open(db);
        // The server's live service runs the dispatcher.
        const server = await startServer({
          engine,
          port: 0,
          db,
          live: { sweepIntervalMs: 0, webhooks: { pollMs: 10, backoffBaseMs: 5, backoffMaxMs: 20 } },
        });
        try {
          const created = await json(
            'webhooks',
            'create',
            '--url',
            receiver.url,
            '--segments',
            'Pro',
            '--secret',
            'x'.repeat(16),
          );
          expect(created).toMatchObject({ secret: 'x'.repeat(16), batch_size: 1, status: { pending: 2 } });
          const id: string = created.id;
          await waitFor(() => receiver.received.filter((r) => r.headers['x-strata-webhook-id'] === id).length === 2);
          await waitFor(async () => (await json('webhooks', 'show', id)).status.cursor_seq === 2, 'the cursor');

          expect((await json('webhooks', 'list')).map((w: { id: string }) => w.id)).toEqual([id]);
          expect((await json('webhooks', 'pause', id)).state).toBe('paused');
          expect((await json('webhooks', 'replay', id, '--from', '1')).status).toMatchObject({
            cursor_seq: 0,
            pending: 2,
          });
          expect((await json('webhooks', 'resume', id)).state).toBe('active');
          await waitFor(async () => (await json('webhooks', 'attempts', id)).length === 4, 'the replay');
          const table = await run('webhooks', 'attempts', id, '--limit', '1');
          expect(table.stdout).toMatch(/at\s+seqs\s+events\s+result\s+ms\n[- ]+\n\S+Z\s+2-2\s+1\s+ok 200/);
          expect(await json('webhooks', 'delete', id)).toEqual({ deleted: id });
          expect((await run('webhooks', 'show', id)).code).toBe(4);
        } finally {
          await server.close();
          await engine.close();
        }
      });
    });
  });
}
