import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engines/engine.js';
import { openEngine } from '../../src/engines/open.js';
import { escapeSegmentListItem } from '../../src/live/history/migration.js';
import { findLocalServer } from '../../src/server/local-server.js';
import { type RunningServer, startServer } from '../../src/server/serve.js';
import { ACTIVE, BUYERS, buildHistory, DAY, HOSTILE_USER, LAPSING, T1, T2, T4 } from '../live/history-fixture.js';
import { strata } from './capture.js';

let dir: string;
let db: string;
const H = HOSTILE_USER;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'strata-cli-history-'));
  db = join(dir, 'history.duckdb');
  const engine = await openEngine({ db });
  await buildHistory(engine, 'default');
  await engine.close();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const run = (...args: string[]) => strata(...args, '--db', db);
const json = async (...args: string[]) => {
  const result = await run(...args, '--json');
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
};
const FAMILY = [BUYERS, ACTIVE, LAPSING].map(escapeSegmentListItem).join(',');

/** The commands whose output the local and the server paths must agree on. */
const COMMANDS: string[][] = [
  ['segment', 'changes', ACTIVE, '--limit', '5', '--json'],
  ['segment', 'changes', ACTIVE, '--user', H, '--since', '2024-01-15', '--json'],
  ['segment', 'members', ACTIVE, '--at', '2024-01-15T00:00:00Z', '--format', 'csv'],
  ['segment', 'members', LAPSING, '--at', '2024-02-10', '--format', 'jsonl'],
  ['segment', 'tenure', ACTIVE, '--as-of', '2024-02-20', '--json'],
  ['segment', 'tenure', ACTIVE, '--as-of', '2024-02-20'],
  ['segment', 'changes', ACTIVE, '--newest', '--limit', '3', '--json'],
  ['segment', 'sizes', ACTIVE, '--from', '2024-01-09', '--to', '2024-02-16', '--json'],
  ['segment', 'sizes', ACTIVE, '--from', '2024-01-09', '--to', '2024-01-11'],
  ['segment', 'migration', '--segments', FAMILY, '--from', '2024-01-20', '--to', '2024-02-15', '--json'],
  ['segment', 'migration', '--segments', `${BUYERS},${ACTIVE}`, '--from', '2024-01-20', '--to', '2024-02-15'],
];

describe('strata segment history commands', () => {
  it('lists changes a page at a time, and filters them', async () => {
    const all = await json('segment', 'changes', ACTIVE);
    expect(all.changes).toHaveLength(12);
    expect(all.next_after).toBeNull();
    const page = await run('segment', 'changes', ACTIVE, '--limit', '2');
    expect(page.code).toBe(0);
    const lines = page.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^seq\s+at\s+change\s+user$/);
    expect(lines[2]).toMatch(/^\s*\d+\s+2024-01-10T00:00:00\.000Z\s+entered\s+ann$/);
    expect(lines).toHaveLength(4);
    expect(page.stderr).toMatch(new RegExp(`2 changes; more with --after ${all.changes[1].seq}`));
    const next = await json('segment', 'changes', ACTIVE, '--after', String(all.changes[1].seq), '--limit', '1');
    expect(next.changes).toEqual([all.changes[2]]);
    const hostile = await json('segment', 'changes', ACTIVE, '--user', H);
    expect(hostile.changes.map((c: { change: string }) => c.change)).toEqual(['entered', 'exited', 'entered']);
    // A user id with a newline is quoted in the text table rather than breaking it.
    const text = await run('segment', 'changes', ACTIVE, '--user', H);
    expect(text.stdout).toContain(JSON.stringify(H));
    expect(text.stdout.trim().split('\n')).toHaveLength(5);
    const window = await json('segment', 'changes', ACTIVE, '--since', T2.toISOString(), '--until', '2024-02-05');
    expect(window.changes).toHaveLength(3);
    // Newest first, paging back with --before.
    const newest = await run('segment', 'changes', ACTIVE, '--newest', '--limit', '2');
    expect(newest.code).toBe(0);
    expect(newest.stderr).toContain(`2 changes; older ones with --newest --before ${all.changes[10].seq}`);
    const older = await json('segment', 'changes', ACTIVE, '--before', String(all.changes[10].seq), '--limit', '2');
    expect(older.changes).toEqual([all.changes[9], all.changes[8]]);
    expect(older.next_before).toBe(all.changes[8].seq);
    const both = await run('segment', 'changes', ACTIVE, '--newest', '--after', '3');
    expect(both.code).not.toBe(0);
    expect(both.stderr).toContain('after pages oldest first');
  });

  it('lists members at a past time in every format', async () => {
    const csv = await run('segment', 'members', ACTIVE, '--at', '2024-01-15T00:00:00Z', '--format', 'csv');
    expect(csv.stdout).toBe(`user_id\nann\nbob\n"${H.replaceAll('"', '""')}"\n`);
    const table = await run('segment', 'members', ACTIVE, '--at', '2024-02-01');
    expect(table.stdout).toBe('ann\ncy\n');
    expect(table.stderr).toContain('2 of 2 members at 2024-02-01T00:00:00.000Z');
    expect((await run('segment', 'members', ACTIVE, '--format', 'csv')).stdout).toBe(
      `user_id\nann\n"${H.replaceAll('"', '""')}"\n`,
    );
  });

  it('reports tenure with a summary', async () => {
    const result = await json('segment', 'tenure', ACTIVE, '--as-of', '2024-02-20');
    expect(result.users.map((u: { user_id: string; total_ms: number }) => [u.user_id, u.total_ms / DAY])).toEqual([
      ['ann', 31],
      ['bob', 20],
      ['cy', 16],
      [H, 15],
    ]);
    expect(result.summary).toEqual({
      users: 4,
      members_now: 2,
      re_entry_rate: 0.75,
      mean_ms: 20.5 * DAY,
      median_ms: 18 * DAY,
    });
    const text = await run('segment', 'tenure', ACTIVE, '--as-of', '2024-02-20', '--limit', '1');
    expect(text.stdout).toContain(
      '4 users ever in "Active", 2 now; 75.0% came back; time in segment: mean 20d 12h 0m, median 18d 0h 0m',
    );
    expect(text.stdout).toMatch(/\nann\s+2\s+yes\s+31d 0h 0m\s+2024-01-10T00:00:00\.000Z\s+2024-02-15T00:00:00\.000Z/);
    expect(text.stderr).toContain('1 of 4 users');
    const one = await json('segment', 'tenure', LAPSING, '--as-of', '2024-02-20', '--user', H);
    expect(one.users).toEqual([expect.objectContaining({ user_id: H, total_ms: 26 * DAY })]);
  });

  it('prints daily sizes', async () => {
    const history = await json('segment', 'sizes', ACTIVE, '--from', '2024-01-09', '--to', '2024-01-21');
    expect(history.days.map((d: { size: number }) => d.size)).toEqual([0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 2]);
    expect(history.refreshes).toEqual([
      { at: T1.toISOString(), size: 3, entered: 3, exited: 0 },
      { at: T2.toISOString(), size: 2, entered: 1, exited: 2 },
    ]);
    const text = await run('segment', 'sizes', ACTIVE, '--from', '2024-01-09', '--to', '2024-01-10');
    expect(text.stdout.trim().split('\n').slice(2)).toEqual([
      '2024-01-09     0        0       0  log',
      '2024-01-10     3        3       0  log',
    ]);
    expect(text.stderr).toContain('1 refreshes in the range');
  });

  it('prints the migration matrix with totals', async () => {
    // At T2: Buyers {ann, H}, Active {ann, cy}; at T4: Buyers {bob}, Active {ann, H}.
    const text = await run(
      'segment',
      'migration',
      '--segments',
      `${BUYERS}, ${ACTIVE}`,
      '--from',
      '2024-01-20',
      '--to',
      '2024-02-15',
    );
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(
      [
        'from 2024-01-20T00:00:00.000Z (rows) to 2024-02-15T00:00:00.000Z (columns)',
        'from \\ to  Buyers  Active  (none)  total',
        '---------  ------  ------  ------  -----',
        'Buyers          0       2       0      2',
        'Active          0       0       1      1',
        '(none)          1       0       0      1',
        'total           1       2       1      4',
        'in several of these segments (counted in the first): 1 at from, 0 at to',
        '',
      ].join('\n'),
    );
    const family = await json(
      'segment',
      'migration',
      '--segments',
      FAMILY,
      '--from',
      T2.toISOString(),
      '--to',
      T4.toISOString(),
    );
    expect(family).toMatchObject({
      groups: [BUYERS, ACTIVE, LAPSING, '(none)'],
      matrix: [
        [0, 2, 0, 0],
        [0, 0, 0, 1],
        [1, 0, 0, 0],
        [0, 0, 0, 0],
      ],
      overlaps: { from: 2, to: 1 },
    });
  });

  it('explains bad input with exit 2 and unknown segments with exit 4', async () => {
    const since = await run('segment', 'changes', ACTIVE, '--since', 'last tuesday');
    expect(since.code).toBe(2);
    expect(since.stderr).toContain('since must be an ISO-8601 time');
    expect(since.stderr).toContain('(at since)');
    const range = await run('segment', 'sizes', ACTIVE, '--from', '2024-02-01', '--to', '2024-01-01');
    expect(range.code).toBe(2);
    expect(range.stderr).toContain('to must not be before from');
    const long = await run('segment', 'sizes', ACTIVE, '--from', '1990-01-01', '--to', '2024-01-01', '--json');
    expect(long.code).toBe(2);
    expect(JSON.parse(long.stdout)).toMatchObject({ error: { code: 'range_too_long', path: 'from' } });
    expect((await run('segment', 'changes', ACTIVE, '--limit', '0')).code).toBe(2);
    expect((await run('segment', 'changes', ACTIVE, '--after', '-3')).code).toBe(2);
    expect((await run('segment', 'members', ACTIVE, '--at', '2024-13-01')).code).toBe(2);
    expect((await run('segment', 'migration', '--segments', ACTIVE)).code).toBe(2);
    expect((await run('segment', 'migration', '--segments', ' , ', '--from', '2024-01-01')).code).toBe(2);
    const unknown = await run('segment', 'migration', '--segments', `${ACTIVE},Nope`, '--from', '2024-01-01');
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain('no segment "Nope"');
    expect((await run('segment', 'tenure', "x'; DROP TABLE segments; --")).code).toBe(4);
  });

  describe('through a running server', () => {
    let engine: Engine;
    let server: RunningServer;
    let local: { code: number; stdout: string }[];

    beforeAll(async () => {
      local = [];
      for (const args of COMMANDS) local.push(await run(...args));
      engine = await openEngine({ db });
      server = await startServer({ engine, port: 0, db, live: false });
    });
    afterAll(async () => {
      await server.close();
      await engine.close();
    });

    it('prints what the local commands print', async () => {
      expect(await findLocalServer(db)).not.toBeNull();
      for (const [i, args] of COMMANDS.entries()) {
        const remote = await run(...args);
        expect(remote.code, args.join(' ')).toBe(0);
        expect(local[i]?.code, args.join(' ')).toBe(0);
        expect(remote.stdout, args.join(' ')).toBe(local[i]?.stdout);
      }
      const unknown = await run('segment', 'sizes', 'Nope');
      expect(unknown.code).toBe(4);
      expect(unknown.stderr).toContain('answered 404');
      const bad = await run('segment', 'changes', ACTIVE, '--until', '2024-01-01', '--since', '2024-02-01');
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('(at until)');
    });
  });
});
