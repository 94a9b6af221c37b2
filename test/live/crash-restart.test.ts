import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openChdbEngine } from '../../src/engines/chdb/connection.js';
import type { Engine } from '../../src/engines/engine.js';
import { openEngine } from '../../src/engines/open.js';
import { sql } from '../../src/engines/sql.js';
import { createApiKey } from '../../src/keys/api-keys.js';
import { createWebhook } from '../../src/live/webhooks/store.js';
import { createSegment } from '../../src/segments/store.js';
import { findLocalServer } from '../../src/server/local-server.js';
import { basic, call } from '../server/harness.js';

/**
 * The judged scenario: a real `strata serve` process evaluates segments as events arrive and delivers the changes
 * to a webhook; it is killed with SIGKILL in the middle of delivering, restarted, and must then deliver everything
 * it owed, in order per user (duplicates allowed, losses not).
 */

const SECRET = 'crash-test-secret-0123';
const USERS = 12;

/**
 * The store the server process holds: a DuckDB file, or a chDB data directory. Either admits one process at a time
 * (chDB: one data directory per process), so the test opens it only while no server runs, and finds the server
 * through the file it announces itself in beside the store (`<path>.server.json`).
 */
interface ServedStore {
  readonly name: string;
  /** The file or directory, under the test's temporary directory. */
  readonly path: (dir: string) => string;
  readonly flags: (path: string) => string[];
  readonly open: (path: string) => Promise<Engine>;
}

const SERVED: readonly ServedStore[] = [
  {
    name: 'duckdb',
    path: (dir) => join(dir, 'live.duckdb'),
    flags: (path) => ['--db', path],
    open: (path) => openEngine({ db: path }),
  },
  {
    name: 'chdb',
    path: (dir) => join(dir, 'live-chdb'),
    flags: (path) => ['--engine', 'chdb', '--data', path],
    open: (path) => openChdbEngine({ path }),
  },
];

interface Delivery {
  readonly seq: number;
  readonly userId: string;
  readonly type: string;
  readonly segment: string;
}

let dir: string;
let receiver: Server;
let receiverUrl: string;
const deliveries: Delivery[] = [];
let badSignatures = 0;

function serve(store: ServedStore, db: string): ChildProcess {
  return spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/run.ts', 'serve', ...store.flags(db), '--port', '0', '--sweep-interval', '3600'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
}

async function until(condition: () => boolean | Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function serverUrl(db: string, pid: number | undefined): Promise<string> {
  let url = '';
  await until(async () => {
    const found = await findLocalServer(db);
    if (found && found.pid === pid) url = found.url;
    return url !== '';
  }, 'the server to announce itself');
  return url;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'strata-crash-'));
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const expected = `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`;
      if (req.headers['x-strata-signature'] !== expected) badSignatures++;
      const event = JSON.parse(raw.toString('utf8')) as {
        seq: number;
        user_id: string;
        type: string;
        segment: { name: string };
      };
      // A slow receiver, so the kill lands while deliveries are still owed.
      setTimeout(() => {
        deliveries.push({ seq: event.seq, userId: event.user_id, type: event.type, segment: event.segment.name });
        res.writeHead(200).end();
      }, 15);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const address = receiver.address();
  receiverUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hook`;
});

afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

for (const store of SERVED) {
  describe(`a server killed mid-delivery, on ${store.name}`, () => {
    it('delivers everything it owed after a restart, in order per user', { timeout: 90_000 }, async () => {
      // Each store starts from an empty log of deliveries.
      deliveries.length = 0;
      badSignatures = 0;
      const db = store.path(dir);
      const engine = await store.open(db);
      await createSegment(engine, 'default', { name: 'Buyers', rule: { type: 'event', event: 'Order Completed' } });
      await createSegment(engine, 'default', {
        name: 'Gold',
        rule: { type: 'trait', trait: 'tier', op: '=', value: 'gold' },
      });
      await createWebhook(engine, 'default', { url: receiverUrl, segments: ['Buyers', 'Gold'], secret: SECRET });
      const key = (await createApiKey(engine, { workspace: 'default', scope: 'write', name: 'crash' })).key;
      const admin = (await createApiKey(engine, { workspace: 'default', scope: 'admin', name: 'crash' })).key;
      await engine.close();

      const first = serve(store, db);
      const url = await serverUrl(db, first.pid);
      const at = (minute: number) => new Date(Date.now() - 3_600_000 + minute * 60_000).toISOString();
      // Each user: gold, an order, silver, gold again: enter, enter, exit, enter, all in one user's order.
      for (const [step, make] of [
        (u: string) => ({ type: 'identify', userId: u, traits: { tier: 'gold' }, timestamp: at(1) }),
        (u: string) => ({ type: 'track', userId: u, event: 'Order Completed', messageId: `o-${u}`, timestamp: at(2) }),
        (u: string) => ({ type: 'identify', userId: u, traits: { tier: 'silver' }, timestamp: at(3) }),
        (u: string) => ({ type: 'identify', userId: u, traits: { tier: 'gold' }, timestamp: at(4) }),
      ].entries()) {
        const batch = Array.from({ length: USERS }, (_, i) => make(`user-${i}`));
        const reply = await call(url, 'POST', '/v1/batch', { auth: basic(key), body: { batch } });
        expect(reply.status, `step ${step}`).toBe(200);
        // Let this step's evaluation see the step alone, so every transition is a change.
        await until(async () => {
          const counts = await Promise.all(
            ['Buyers', 'Gold'].map(async (name) => {
              const page = await call(url, 'GET', `/api/segments/${name}/changes`, { auth: `Bearer ${admin}` });
              return (page.body as { changes: unknown[] }).changes.length;
            }),
          );
          return counts[0]! + counts[1]! === USERS * (step + 1);
        }, `step ${step} to be evaluated`);
      }
      await until(() => deliveries.length >= 8, 'the first deliveries');
      first.kill('SIGKILL');
      await new Promise((resolve) => first.once('exit', resolve));
      const beforeRestart = deliveries.length;
      expect(new Set(deliveries.map((d) => d.seq)).size, 'killed with deliveries still owed').toBeLessThan(USERS * 4);

      const second = serve(store, db);
      await serverUrl(db, second.pid);
      const owed = async () => {
        const check = deliveries.length;
        return check > beforeRestart && new Set(deliveries.map((d) => d.seq)).size >= USERS * 4;
      };
      await until(owed, 'the owed deliveries');
      // Wait for quiet: nothing more arrives for a moment.
      let seen = -1;
      await until(() => {
        const quiet = deliveries.length === seen;
        seen = deliveries.length;
        return quiet;
      }, 'delivery to settle');
      second.kill('SIGTERM');
      await new Promise((resolve) => second.once('exit', resolve));

      const check = await store.open(db);
      const log = await check.query(sql`SELECT c.seq, c.user_id, c.change FROM segment_changes AS c ORDER BY c.seq`);
      await check.close();
      expect(badSignatures).toBe(0);
      // Nothing lost: every change in the log was delivered at least once.
      const delivered = new Set(deliveries.map((d) => d.seq));
      expect(log.filter((row) => !delivered.has(Number(row['seq'])))).toEqual([]);
      expect(log.length).toBeGreaterThanOrEqual(USERS * 4);
      // In order per user: each user's first deliveries of each change follow the log's order.
      for (let i = 0; i < USERS; i++) {
        const user = `user-${i}`;
        const firsts: number[] = [];
        for (const d of deliveries) if (d.userId === user && !firsts.includes(d.seq)) firsts.push(d.seq);
        expect(firsts, user).toEqual([...firsts].sort((a, b) => a - b));
        const types = log.filter((row) => row['user_id'] === user).map((row) => row['change']);
        expect(types, user).toEqual(['entered', 'entered', 'exited', 'entered']);
      }
    });
  });
}
