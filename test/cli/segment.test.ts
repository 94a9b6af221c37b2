import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine } from '../../src/engines/open.js';
import { ingestMessages } from '../../src/ingest/pipeline.js';
import { strata } from './capture.js';

let dir: string;
let db: string;
const AS_OF = '2024-06-01T00:00:00Z';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'strata-cli-segment-'));
  db = join(dir, 'seg.duckdb');
  const engine = await openEngine({ db });
  await ingestMessages(
    engine,
    [
      { type: 'identify', userId: 'ann', traits: { plan: 'pro' } },
      { type: 'identify', userId: 'bob', traits: { plan: 'free' } },
      {
        type: 'track',
        userId: 'ann',
        event: 'Order Completed',
        properties: { revenue: 30 },
        timestamp: '2024-05-30T00:00:00Z',
      },
      {
        type: 'track',
        userId: 'bob',
        event: 'Order Completed',
        properties: { revenue: 5 },
        timestamp: '2024-05-01T00:00:00Z',
      },
    ],
    { workspace: 'default', now: new Date(AS_OF), source: 'test' },
  );
  await engine.close();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const run = (...args: string[]) => strata(...args, '--db', db);

describe('strata segment', () => {
  it('previews, creates, refreshes, lists, exports, explains and shows SQL', async () => {
    const count = await run(
      'segment',
      'count',
      '--rule',
      'did "Order Completed" in last 7d',
      '--as-of',
      AS_OF,
      '--json',
    );
    expect(count.code).toBe(0);
    expect(JSON.parse(count.stdout)).toMatchObject({ count: 1 });

    const created = await run('segment', 'create', '--name', 'Recent', '--rule', 'did "Order Completed" in last 7d');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('created dynamic segment "Recent"');

    const refreshed = await run('segment', 'refresh', '--all', '--as-of', AS_OF, '--json');
    expect(JSON.parse(refreshed.stdout)).toEqual([expect.objectContaining({ name: 'Recent', size: 1, entered: 1 })]);

    const list = await run('segment', 'list', '--json');
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({ name: 'Recent', size: 1, text: 'did "Order Completed" in last 7d' }),
    ]);

    const jsonl = await run('segment', 'members', 'Recent', '--format', 'jsonl');
    expect(jsonl.stdout).toBe('{"user_id":"ann"}\n');
    const csv = await run('segment', 'members', 'Recent', '--format', 'csv');
    expect(csv.stdout).toBe('user_id\nann\n');

    const explain = await run('segment', 'explain', 'Recent', '--user', 'bob', '--as-of', AS_OF);
    expect(explain.stdout).toContain('bob is NOT in "Recent"');
    expect(explain.stdout).toMatch(/✗ count of "Order Completed" >= 1\s+\(value: 0\)/);
    expect((await run('segment', 'create', '--name', 'Pro', '--rule', 'plan = "pro"')).code).toBe(0);
    const byTrait = await run('segment', 'explain', 'Pro', '--user', 'bob');
    expect(byTrait.stdout).toMatch(/✗ trait\.plan = "pro"\s+\(value: "free"\)/);
    expect((await run('segment', 'delete', 'Pro')).code).toBe(0);

    const compiled = await run('segment', 'sql', 'Recent', '--json');
    const { sql, params } = JSON.parse(compiled.stdout);
    expect(sql).toContain('FROM profiles');
    expect(params).toContain('Order Completed');
  });

  it('creates from a JSON file and keeps versions on update', async () => {
    const file = join(dir, 'def.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'Big',
        rule: { type: 'aggregate', fn: 'sum', event: 'Order Completed', property: 'revenue', op: '>', value: 10 },
      }),
    );
    expect((await run('segment', 'create', '--file', file)).code).toBe(0);
    expect((await run('segment', 'update', 'Big', '--rule', 'sum of revenue in "Order Completed" > 20')).code).toBe(0);
    const history = await run('segment', 'history', 'Big', '--json');
    expect(JSON.parse(history.stdout).map((v: { version: number }) => v.version)).toEqual([1, 2]);
  });

  it('creates a static segment from a list of ids', async () => {
    const ids = join(dir, 'ids.csv');
    writeFileSync(ids, 'user_id\nbob\nzed\n');
    expect((await run('segment', 'create', '--static', ids, '--name', 'Staff')).code).toBe(0);
    await run('segment', 'refresh', 'Staff');
    expect((await run('segment', 'members', 'Staff', '--format', 'csv')).stdout).toBe('user_id\nbob\n');
  });

  it('explains bad input with a path and exit code 2, and unknown segments with 4', async () => {
    const bad = await run('segment', 'count', '--rule', 'plan = ');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/at text:1:\d+/);
    const invalid = await run('segment', 'create', '--name', 'X', '--rule', 'did "A" in last 0d');
    expect(invalid.code).toBe(2);
    expect((await run('segment', 'show', 'Nope')).code).toBe(4);
  });
});
