import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine } from '../../src/engines/open.js';
import { createApp } from '../../src/server/app.js';
import { removeServerFile, writeServerFile } from '../../src/server/local-server.js';
import { listen } from '../../src/server/serve.js';
import { strata } from '../cli/capture.js';
import { WS } from '../helpers.js';
import { type EventRow, loadFixture } from './harness.js';

/** The real CLI in-process on a DuckDB file: locally, then through a server holding the file. */

const cli = strata;

const HOSTILE = 'o\'brien, "the"; DROP';
const AS_OF = '2024-04-01T00:00:00Z';

/**
 * 60 customers c00…c59 with one order each, c00 the oldest: recency i.e. c_i ordered on day i of Jan–Feb; plus
 * HOSTILE with two orders. More than the 50 rows a table shows.
 */
function events(): EventRow[] {
  const out: EventRow[] = [];
  for (let i = 0; i < 60; i++) {
    const at = new Date(Date.parse('2024-01-01T10:00:00Z') + i * 86_400_000).toISOString();
    out.push({ user: `c${String(i).padStart(2, '0')}`, name: 'Order Completed', at, revenue: 10 + i });
  }
  out.push({ user: HOSTILE, name: 'Order Completed', at: '2024-03-01T10:00:00Z', revenue: 500 });
  out.push({ user: HOSTILE, name: 'Order Completed', at: '2024-03-30T10:00:00Z', revenue: 500 });
  return out;
}

let dir: string;
let db: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'strata-analytics-cli-'));
  db = join(dir, 'shop.duckdb');
  const engine = await openEngine({ db });
  const fixture = events();
  await loadFixture(engine, WS, {
    profiles: [...new Set(fixture.map((e) => e.user as string))].map((id) => ({ id })),
    events: fixture,
  });
  await engine.close();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('strata rfm and friends, on the file', () => {
  it('prints the first 50 customers as a table and says how many more', async () => {
    const result = await cli('rfm', '--db', db, '--as-of', AS_OF);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    // header, rule, 50 rows, the note: 61 customers − 50 shown = 11 more.
    expect(lines).toHaveLength(53);
    expect(lines[0]).toMatch(/^user_id\s+recency_days\s+frequency\s+monetary\s+r\s+f\s+m\s+segment\s*$/);
    expect(lines[2]).toMatch(/^c00\s+/);
    expect(lines[52]).toBe('… and 11 more (--format csv or jsonl for all)');
  });

  it('exports every customer as CSV and JSON Lines', async () => {
    const csv = await cli('rfm', '--db', db, '--as-of', AS_OF, '--format', 'csv');
    const lines = csv.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(62);
    expect(lines[0]).toBe('user_id,recency_days,frequency,monetary,r,f,m,segment');
    // n = 61. c00 ordered Jan 1 10:00: 91 days before Apr 1 (31 + 29 + 31 = 91, minus 14 h → 90). The oldest: rank 1
    // in recency, frequency 1 (60 customers tied at rank 1 → F1), the smallest monetary → all scores 1.
    expect(lines[1]).toBe('c00,90,1,10,1,1,1,Hibernating');
    // HOSTILE: 2 days since Mar 30 10:00 → 1 day; rank 61 of 61 in all three → floor(5·60/61) + 1 = 5.
    // Quoted: it has a comma and quotes.
    expect(lines[61]).toBe('"o\'brien, ""the""; DROP",1,2,1000,5,5,5,Champions');
    const jsonl = await cli('rfm', '--db', db, '--as-of', AS_OF, '--format', 'jsonl');
    const rows = jsonl.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(rows).toHaveLength(61);
    expect(rows[60]).toEqual({
      user_id: HOSTILE,
      recency_days: 1,
      frequency: 2,
      monetary: 1000,
      r: 5,
      f: 5,
      m: 5,
      segment: 'Champions',
    });
  });

  it('prints the summary: group shares, then the grid from R5 down', async () => {
    const result = await cli('rfm', '--db', db, '--as-of', AS_OF, '--summary');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('61 customers as of 2024-04-01T00:00:00.000Z');
    expect(result.stdout).toMatch(/Champions\s+1\s+1\.6%/);
    const grid = result.stdout.trimEnd().split('\n').slice(-6);
    expect(grid[0]).toMatch(/^\s+F1\s+F2\s+F3\s+F4\s+F5$/);
    expect(grid.slice(1).map((l) => l.slice(0, 2))).toEqual(['R5', 'R4', 'R3', 'R2', 'R1']);
    // Every customer has one order but HOSTILE (R5/F5): F1 column holds 60.
    const json = await cli('rfm', '--db', db, '--as-of', AS_OF, '--summary', '--json');
    const summary = JSON.parse(json.stdout);
    expect(summary.grid.map((row: number[]) => row[0]).reduce((a: number, b: number) => a + b, 0)).toBe(60);
    expect(summary.grid[4][4]).toBe(1);
  });

  it('prints lifecycle, journey and value tiers, as text and JSON', async () => {
    const lifecycle = await cli('lifecycle', '--db', db, '--as-of', AS_OF);
    expect(lifecycle.code).toBe(0);
    expect(lifecycle.stdout).toContain('61 users as of 2024-04-01T00:00:00.000Z');
    expect(lifecycle.stdout).toMatch(/thresholds \(defaults: only 1 gap between purchase days/);
    const journey = JSON.parse((await cli('journey', '--db', db, '--as-of', AS_OF, '--json')).stdout);
    // Everyone ordered: 60 at decision, HOSTILE (2 orders) at retention.
    expect(journey.funnel.map((s: { users: number }) => s.users)).toEqual([0, 0, 60, 1]);
    const tiers = await cli('value-tiers', '--db', db, '--as-of', AS_OF);
    expect(tiers.code).toBe(0);
    expect(tiers.stdout).toMatch(/of customers make 80% of revenue/);
  });

  it('rejects a bad --as-of and --format with exit 2', async () => {
    const bad = await cli('rfm', '--db', db, '--as-of', 'soon');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('as-of must be an ISO-8601 time');
    expect((await cli('rfm', '--db', db, '--format', 'xml')).code).toBe(2);
  });
});

describe('while a server holds the file', () => {
  it('goes through the API and prints the same', async () => {
    const local = await cli('rfm', '--db', db, '--as-of', AS_OF, '--format', 'csv');
    const localJson = await cli('rfm', '--db', db, '--json');
    const localSummary = await cli('lifecycle', '--db', db, '--json');
    const engine = await openEngine({ db });
    const token = 'local-test-token';
    const app = createApp({ engine, localToken: token, version: 'test' });
    const server = await listen(app, { port: 0 });
    await writeServerFile(db, { url: server.url, token, pid: process.pid });
    try {
      const remote = await cli('rfm', '--db', db, '--as-of', AS_OF, '--format', 'csv');
      expect(remote.code).toBe(0);
      expect(remote.stdout).toBe(local.stdout);
      expect(JSON.parse((await cli('rfm', '--db', db, '--json')).stdout)).toEqual(JSON.parse(localJson.stdout));
      expect(JSON.parse((await cli('lifecycle', '--db', db, '--json')).stdout)).toEqual(
        JSON.parse(localSummary.stdout),
      );
      const summary = await cli('rfm', '--db', db, '--summary');
      expect(summary.stdout).toContain('61 customers as of 2024-03-31T00:00:00.000Z');
    } finally {
      await removeServerFile(db);
      await server.close();
      await engine.close();
    }
  });
});
