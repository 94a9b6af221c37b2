import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qualityReport } from '../../src/analytics/quality/report.js';
import type { QualityReport } from '../../src/analytics/quality/types.js';
import { openEngine } from '../../src/engines/open.js';
import { createApp } from '../../src/server/app.js';
import { removeServerFile, writeServerFile } from '../../src/server/local-server.js';
import { listen, type RunningServer } from '../../src/server/serve.js';
import { strata } from '../cli/capture.js';
import { type Fixture, loadFixture, onEachEngine, resetData } from './harness.js';

const WS = 'shop';
const NOW = new Date('2024-06-01T12:00:00Z');
const TOKEN = 'local-test-token';
const HOSTILE_EVENT = "Robert'); DROP TABLE events;-- 🙂";
const HOSTILE_KEY = 'it\'s "q" ü';

/** Four events; the figures in the tests are read off this list. */
const FIXTURE: Fixture = {
  profiles: [
    { id: 'ann', traits: { plan: 'pro' } },
    { id: 'bob', traits: {} },
  ],
  events: [
    {
      id: 'a1',
      user: 'ann',
      name: 'Order Completed',
      at: '2024-05-01T00:00:00Z',
      revenue: 10,
      properties: { order_id: 'o1' },
    },
    { id: 'a2', user: 'ann', name: HOSTILE_EVENT, at: '2024-05-02T00:00:00Z', properties: { [HOSTILE_KEY]: 'x' } },
    { id: 'a3', user: 'bob', name: HOSTILE_EVENT, at: '2024-05-03T00:00:00Z', properties: { [HOSTILE_KEY]: 3 } },
    // A user without a profile: 1 of 4 events.
    { id: 'a4', user: 'ghost', name: 'Page Viewed', at: '2024-05-04T00:00:00Z' },
  ],
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'strata-quality-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The lines of the checks table, by check code. */
const rows = (stdout: string) =>
  Object.fromEntries(
    stdout
      .split('\n')
      .map((line) => line.split(/\s{2,}/))
      .filter((cells) => cells.length >= 6 && cells[1] !== 'check' && /^[a-z_]+$/.test(cells[1] ?? ''))
      .map((cells) => [cells[1], cells.slice(0, 5)]),
  );

describe('strata quality on a DuckDB file', () => {
  let db: string;
  beforeAll(async () => {
    db = join(dir, 'local.duckdb');
    const engine = await openEngine({ db });
    await loadFixture(engine, WS, FIXTURE);
    await engine.close();
  });

  it('prints a table of checks with marks, counts and shares, then the examples; exit 0 despite errors', async () => {
    const result = await strata('quality', '--db', db, '--workspace', WS);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const table = rows(result.stdout);
    // ghost's event: 1 of 4 = 25% ≥ 5% → error.
    expect(table['events_for_unknown_users']).toEqual(['✗', 'events_for_unknown_users', '1', '4', '25.0%']);
    // bob of 2 profiles: 50% ≥ 20% → warning.
    expect(table['users_without_traits']).toEqual(['!', 'users_without_traits', '1', '2', '50.0%']);
    expect(table['rejected_messages']).toEqual(['✓', 'rejected_messages', '0', '0', '0.0%']);
    expect(Object.keys(table)).toHaveLength(15);
    expect(result.stdout).toContain('result      1 error, 2 warnings, 0 notes, 12 ok');
    // The examples: the hostile event and key, printed as they are, with each type's count and example.
    expect(result.stdout).toContain('! property_type_changes: Event properties that change type');
    expect(result.stdout).toMatch(
      /Robert'\); DROP TABLE events;-- 🙂\s+it's "q" ü\s+2\s+number×1 \(a3\), string×1 \(a2\)/,
    );
  });

  it('prints the report as JSON with --json', async () => {
    const result = await strata('quality', '--db', db, '--workspace', WS, '--json', '--samples', '0');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as QualityReport;
    // Error: unknown users. Warnings: bob's profile, the hostile key (plan is only ever a string: no trait change).
    expect(report.summary).toEqual({ worst: 'error', ok: 12, info: 0, warning: 2, error: 1 });
    expect(report.checks.every((check) => check.samples.length === 0)).toBe(true);
  });

  it('refuses a bad option with exit 2 and names it', async () => {
    const result = await strata('quality', '--db', db, '--ancient-before', 'last tuesday');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('ancientBefore must be an ISO-8601 time');
    expect(result.stdout).toBe('');
  });
});

onEachEngine((engine) => {
  let server: RunningServer;
  let db: string;
  beforeAll(async () => {
    await resetData(engine());
    await loadFixture(engine(), WS, FIXTURE);
    const app = createApp({ engine: engine(), now: () => NOW, localToken: TOKEN, version: 'test' });
    server = await listen(app, { port: 0 });
    // A server "holding" this file: the CLI must go through it instead of opening the file.
    db = join(dir, `held-${Math.random().toString(36).slice(2)}.duckdb`);
    await writeServerFile(db, { url: server.url, token: TOKEN, pid: process.pid });
  });
  afterAll(async () => {
    await removeServerFile(db);
    await server?.close();
  });

  it('goes through the server that holds the file, with the same options', async () => {
    const result = await strata('quality', '--db', db, '--workspace', WS, '--json', '--ancient-before', '2024-05-03');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as QualityReport;
    const expected = await qualityReport(engine(), WS, { now: NOW, ancientBefore: new Date('2024-05-03T00:00:00Z') });
    expect(report).toEqual(JSON.parse(JSON.stringify(expected)));
    // a1 and a2 are before May 3.
    expect(report.checks.find((check) => check.code === 'ancient_timestamps')?.count).toBe(2);
  });

  it('refuses a bad option before asking the server: exit 2, the option named', async () => {
    const names = Array.from({ length: 21 }, (_, i) => `e${i}`).join(',');
    const result = await strata('quality', '--db', db, '--workspace', WS, '--order-events', names);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('(at orderEvents)');
  });
});
