import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engines/engine.js';
import { openEngine } from '../../src/engines/open.js';
import { refreshSegment } from '../../src/segments/refresh.js';
import { createSegment, createStaticSegment } from '../../src/segments/store.js';
import { type RunningServer, startServer } from '../../src/server/serve.js';
import { strata } from '../cli/capture.js';
import { type EventRow, loadFixture } from './harness.js';
import { SHOP_EVENTS } from './shop-events.js';

/**
 * `strata segment insight|compare|overlap|warnings` on a DuckDB file, directly and through a running server (the
 * two must print the same). The shop is the one of insight.test.ts, plus one subscription.
 */

const WS = 'default';
const AS_OF = '2024-06-01T00:00:00Z';
const HOSTILE = `Buy\\, "ers"'; DROP TABLE segments; --`;

const events: EventRow[] = [
  ...SHOP_EVENTS,
  { user: 'm1', name: 'Subscription Started', at: '2024-05-01T00:00:00Z', properties: { mrr: 49 } },
];

let dir: string;
let db: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'strata-cli-insight-'));
  db = join(dir, 'insight.duckdb');
  const engine = await openEngine({ db });
  await loadFixture(engine, WS, {
    profiles: ['m1', 'm2', 'm3', 'm4', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6'].map((id) => ({ id })),
    events,
  });
  await createStaticSegment(engine, WS, { name: 'Members', userIds: ['m1', 'm2', 'm3', 'm4'] });
  await createStaticSegment(engine, WS, { name: HOSTILE, userIds: ['m1', 'm2', 'n1', 'n2'] });
  await createSegment(engine, WS, { name: 'Viewers', rule: { type: 'event', event: 'Product Viewed' } });
  await refreshSegment(engine, WS, 'Members', { asOf: new Date(AS_OF) });
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

/** The commands whose output the local and the server paths must agree on. */
const COMMANDS: string[][] = [
  ['segment', 'insight', 'Members', '--as-of', AS_OF, '--json'],
  ['segment', 'insight', 'Members', '--as-of', AS_OF, '--weeks', '4'],
  [
    'segment',
    'insight',
    HOSTILE,
    '--as-of',
    AS_OF,
    '--from',
    'Product Viewed',
    '--to',
    'Order Completed',
    '--within-days',
    '30',
    '--top',
    '2',
    '--days',
    '60',
    '--json',
  ],
  ['segment', 'compare', 'Members', HOSTILE, '--as-of', AS_OF, '--json'],
  ['segment', 'compare', 'Members', HOSTILE, 'Viewers', '--as-of', AS_OF],
  ['segment', 'overlap', 'Members', HOSTILE, 'Viewers', '--as-of', AS_OF, '--json'],
  ['segment', 'overlap', 'Members', 'Viewers', '--as-of', AS_OF],
  ['segment', 'warnings', '--json'],
];

describe('strata segment insight commands', () => {
  it('prints the insight in readable sections', async () => {
    const text = await run('segment', 'insight', 'Members', '--as-of', AS_OF, '--weeks', '4');
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines.slice(0, 5)).toEqual([
      'Segment "Members" (static) at 2024-06-01T00:00:00.000Z',
      'size      4 of 10 users (40.0%)',
      'revenue   200.00 (41.7% of 480.00)',
      'orders    3 (0.75 per member), AOV 66.67',
      'buyers    2 (50.0% of members)',
    ]);
    expect(text.stdout).toContain(
      'Conversion Product Viewed → Order Completed\nmembers   1 of 4 (25.0%)\nothers    2 of 3 (66.7%)',
    );
    // Retention weeks 0–4, worked out in compare.test.ts: members 100%, 33.3% (m1 of m1, m2, m4), …
    const retention = lines.findIndex((line) => line.startsWith('Retention'));
    expect(lines[retention + 1]).toMatch(/^week\s+0\s+1\s+2\s+3\s+4$/);
    expect(lines[retention + 2]).toMatch(/^members\s+100\.0%\s+33\.3%\s+33\.3%\s+33\.3%\s+0\.0%$/);
    // m1 pays 49 since 05-01, the only subscription: all of the MRR, paying 30 days earlier (05-02) too.
    expect(text.stdout).toContain('MRR       49.00 (100.0% of 49.00)\npaying    1 of 4 members, ARPU 49.00');
    expect(text.stdout).toContain('churn     0.0% a month (0 of 1 paying 30 days earlier)');
    expect(text.stdout).toMatch(/LTV {7}- \(no paying member stopped paying in the last 30 days: .*unbounded\)/);
    expect(text.stdout).toContain(
      '! "Members" has 4 members, fewer than 100: too few to act on or to measure a campaign [too_small_to_act]',
    );
  });

  it('prints JSON with every section', async () => {
    const got = await json('segment', 'insight', 'Members', '--as-of', AS_OF);
    expect(got).toMatchObject({
      segment: { name: 'Members' },
      asOf: '2024-06-01T00:00:00.000Z',
      headline: { size: 4, revenue: 200, aov: 200 / 3 },
      saas: { mrr: 49, payingMembers: 1, arpu: 49, ltv: null },
    });
    expect(got.retention.members).toHaveLength(13);
  });

  it('compares segments side by side and prints the overlap', async () => {
    const text = await run('segment', 'compare', 'Members', HOSTILE, '--as-of', AS_OF);
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toBe('at 2024-06-01T00:00:00.000Z; conversion Product Viewed → Order Completed');
    expect(lines[1]).toMatch(new RegExp(`^metric\\s+Members\\s+${HOSTILE.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}$`));
    expect(lines.find((l) => l.startsWith('revenue '))).toMatch(/^revenue\s+200\.00\s+480\.00$/);
    expect(lines.find((l) => l.startsWith('conversion'))).toMatch(/^conversion\s+25\.0%\s+75\.0%$/);
    expect(lines.find((l) => l.startsWith('MRR'))).toMatch(/^MRR\s+49\.00\s+49\.00$/);
    expect(text.stdout).toMatch(/Members\s+Buy\\, "ers"'; DROP TABLE segments; --\s+2\s+33\.3%\s+50\.0%\s+50\.0%/);
  });

  it('prints the overlap of segments', async () => {
    const got = await json('segment', 'overlap', 'Members', 'Viewers', '--as-of', AS_OF);
    expect(got.pairs).toEqual([
      { a: got.segments[0].id, b: got.segments[1].id, both: 4, jaccard: 4 / 7, aInB: 1, bInA: 4 / 7 },
    ]);
    const text = await run('segment', 'overlap', 'Members', 'Viewers', '--as-of', AS_OF);
    expect(text.stdout).toMatch(/Members\s+Viewers\s+4\s+57\.1%\s+100\.0%\s+57\.1%/);
  });

  it('lists the warnings of every segment', async () => {
    const got = await json('segment', 'warnings');
    // Only Members was refreshed (4 members); Viewers never was; the static Buyers has no refresh, so no size.
    expect(got.warnings.map((w: { code: string; message: string }) => [w.code, w.message.slice(0, 21)])).toEqual([
      ['too_small_to_act', '"Members" has 4 membe'],
      ['not_refreshed', '"Viewers" was never r'],
      ['too_small_for_significance', '"Members" has 4 membe'],
    ]);
    const text = await run('segment', 'warnings');
    expect(text.stdout.split('\n')[1]).toBe(
      '! "Viewers" was never refreshed: its stored membership (exports, webhooks) is empty; run strata segment refresh [not_refreshed]',
    );
    expect(text.stderr).toContain('3 warnings; 3 segments, 0 compared for overlap');
  });

  it('explains bad input with exit 2 and unknown segments with exit 4', async () => {
    const half = await run('segment', 'insight', 'Members', '--from', 'Product Viewed');
    expect(half.code).toBe(2);
    expect(half.stderr).toContain('give both --from and --to');
    expect((await run('segment', 'insight', 'Members', '--as-of', 'someday')).code).toBe(2);
    expect((await run('segment', 'insight', 'Members', '--top', '0')).code).toBe(2);
    expect((await run('segment', 'compare', 'Members')).code).toBe(2);
    const unknown = await run('segment', 'insight', "x'; DROP TABLE segments; --");
    expect(unknown.code).toBe(4);
    expect((await run('segment', 'overlap', 'Members', 'Nope')).code).toBe(4);
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
      for (const [i, args] of COMMANDS.entries()) {
        const remote = await run(...args);
        expect(remote.code, `${args.join(' ')}: ${remote.stderr}`).toBe(0);
        expect(local[i]?.code, args.join(' ')).toBe(0);
        expect(remote.stdout, args.join(' ')).toBe(local[i]?.stdout);
      }
      const unknown = await run('segment', 'insight', 'Nope');
      expect(unknown.code).toBe(4);
      expect(unknown.stderr).toContain('answered 404');
    });
  });
});
