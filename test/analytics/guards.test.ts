import { beforeAll, describe, expect, it } from 'vitest';
import {
  DETECTABLE_SIZE,
  parseGuardOptions,
  segmentWarnings,
  sizeWarnings,
  workspaceWarnings,
} from '../../src/analytics/guards.js';
import type { CellValue, Engine } from '../../src/engines/engine.js';
import { sql, trusted } from '../../src/engines/sql.js';
import type { Rule } from '../../src/segments/definition.js';
import { segmentMembers, segmentRefreshes, segments, staticMembers, type Table } from '../../src/store/tables.js';
import { loadFixture, onEachEngine, resetData } from './harness.js';

/**
 * Guards on both engines. Segment rows, stored membership and refresh records are written directly (the segment store
 * and refresh write with DuckDB statements), which is also how a test pins "last refreshed 30 hours ago".
 */

const WS = 'g';
const NOW = new Date('2024-06-01T12:00:00Z');
const HOUR = 3_600_000;
const HOSTILE = `H "it's"'; DROP TABLE segments; --`;

const users = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `u${String(from + i).padStart(3, '0')}`);

async function append(engine: Engine, table: Table, rows: CellValue[][]): Promise<void> {
  if (rows.length === 0) return;
  const staging = await engine.stage(table, rows);
  await engine.run(sql`INSERT INTO ${trusted(table.name)} SELECT * FROM ${staging}`);
}

interface SegmentSpec {
  id: string;
  name: string;
  rule?: Rule;
  /** A static segment's list. */
  list?: string[];
  /** The stored membership of its last refresh. */
  stored?: string[];
  refreshedHoursAgo?: number;
  updated: string;
}

const trait = (value: string): Rule => ({ type: 'trait', trait: 'plan', op: '=', value });

const SPECS: SegmentSpec[] = [
  {
    id: 'seg_a',
    name: 'Big A',
    list: users(1, 200),
    stored: users(1, 200),
    refreshedHoursAgo: 1,
    updated: '2024-01-01',
  },
  {
    id: 'seg_b',
    name: 'Big B',
    list: users(1, 190),
    stored: users(1, 190),
    refreshedHoursAgo: 1,
    updated: '2024-01-02',
  },
  {
    id: 'seg_c',
    name: 'C stale',
    rule: trait('x'),
    stored: users(201, 300),
    refreshedHoursAgo: 30,
    updated: '2024-01-03',
  },
  {
    id: 'seg_d',
    name: 'D subset',
    list: users(201, 250),
    stored: users(201, 250),
    refreshedHoursAgo: 2,
    updated: '2024-01-04',
  },
  { id: 'seg_e', name: 'E never', rule: trait('y'), updated: '2024-01-05' },
  {
    id: 'seg_f',
    name: 'F tiny',
    list: users(301, 310),
    stored: users(301, 310),
    refreshedHoursAgo: 1,
    updated: '2024-01-06',
  },
  { id: 'seg_g', name: 'G empty', list: [], stored: [], refreshedHoursAgo: 1, updated: '2024-01-07' },
  {
    id: 'seg_h',
    name: HOSTILE,
    list: users(251, 260),
    stored: users(251, 260),
    refreshedHoursAgo: 1,
    updated: '2024-01-08',
  },
];

async function writeSegment(engine: Engine, spec: SegmentSpec): Promise<void> {
  const updated = new Date(`${spec.updated}T00:00:00Z`);
  const kind = spec.rule ? 'dynamic' : 'static';
  await append(engine, segments, [[WS, spec.id, spec.name, null, kind, spec.rule ?? null, 1, updated, updated]]);
  await append(
    engine,
    staticMembers,
    (spec.list ?? []).map((u) => [WS, spec.id, u]),
  );
  if (spec.refreshedHoursAgo === undefined) return;
  const at = new Date(NOW.getTime() - spec.refreshedHoursAgo * HOUR);
  await append(
    engine,
    segmentMembers,
    (spec.stored ?? []).map((u) => [WS, spec.id, u, at]),
  );
  const size = spec.stored?.length ?? 0;
  await append(engine, segmentRefreshes, [[WS, spec.id, at, size, size, 0, 1, at]]);
}

onEachEngine((engine) => {
  beforeAll(async () => {
    const e = engine();
    await resetData(e);
    for (const table of ['segments', 'static_members', 'segment_members', 'segment_refreshes'])
      await e.run(sql`TRUNCATE TABLE ${trusted(table)}`);
    await loadFixture(e, WS, {
      profiles: users(1, 310).map((id, i) => ({ id, traits: i >= 200 && i < 300 ? { plan: 'x' } : {} })),
    });
    for (const spec of SPECS) await writeSegment(e, spec);
  });

  const brief = (warnings: readonly { code: string; severity: string; segmentId?: string; other?: string }[]) =>
    warnings.map((w) => [w.segmentId, w.code, w.severity, w.other ?? null]);

  describe('workspaceWarnings', () => {
    it('checks every saved segment from stored state, every pair in one query', async () => {
      const got = await workspaceWarnings(engine(), WS, { now: NOW });
      // Stored sizes: A 200, B 190, C 100, D 50, F 10, G 0, H 10; E was never refreshed.
      // Pairs: A∩B = 190, Jaccard 190/200 = 0.95 ≥ 0.9 → duplicate. C∩D = 50: D is 50/50 = 100% inside C (Jaccard
      // 0.5). C∩H = 10: H is 100% inside C. Every other pair is disjoint.
      // Refresh: C refreshed 30 h ago and nothing keeps it live; E never refreshed. Static segments need no refresh.
      expect(got.segments).toBe(8);
      expect(got.comparedForOverlap).toBe(6); // the segments with stored members
      expect(brief(got.warnings)).toEqual([
        ['seg_a', 'near_duplicate', 'warning', 'seg_b'],
        ['seg_c', 'not_refreshed', 'warning', null],
        ['seg_d', 'too_small_to_act', 'warning', null],
        ['seg_e', 'not_refreshed', 'warning', null],
        ['seg_f', 'too_small_to_act', 'warning', null],
        ['seg_g', 'empty', 'warning', null],
        ['seg_h', 'too_small_to_act', 'warning', null],
        ['seg_d', 'near_duplicate', 'info', 'seg_c'],
        ['seg_f', 'too_small_for_significance', 'info', null],
        ['seg_h', 'near_duplicate', 'info', 'seg_c'],
        ['seg_h', 'too_small_for_significance', 'info', null],
      ]);
      const messages = got.warnings.map((w) => w.message);
      expect(messages[0]).toBe('"Big A" and "Big B" share 95% of their combined members (Jaccard 0.950): keep one');
      expect(messages[1]).toMatch(/^"C stale" was last refreshed 30 hours ago and is not kept live/);
      expect(messages).toContain(`100% of "${HOSTILE}" is also in "C stale": it is nearly a subset of it`);
    });

    it('does not call a live segment stale, and takes custom thresholds', async () => {
      const live = await workspaceWarnings(engine(), WS, { now: NOW, mode: 'live' });
      expect(brief(live.warnings).filter((w) => w[1] === 'not_refreshed')).toEqual([
        ['seg_e', 'not_refreshed', 'warning', null],
      ]);
      const loose = await workspaceWarnings(engine(), WS, {
        now: NOW,
        guards: { staleHours: 48, minActionable: 10, minSignificance: 0, duplicateJaccard: 0.96, containment: 1 },
      });
      // Jaccard 0.95 < 0.96 but B is 190/190 = 100% inside A; D and H are 100% inside C; 10 members are enough now,
      // and C's 30-hour-old refresh is within 48 h.
      expect(brief(loose.warnings)).toEqual([
        ['seg_e', 'not_refreshed', 'warning', null],
        ['seg_g', 'empty', 'warning', null],
        ['seg_b', 'near_duplicate', 'info', 'seg_a'],
        ['seg_d', 'near_duplicate', 'info', 'seg_c'],
        ['seg_h', 'near_duplicate', 'info', 'seg_c'],
      ]);
    });
  });

  describe('segmentWarnings', () => {
    it('compiles the segment at asOf and compares it with the others as stored', async () => {
      // C compiles to the 100 profiles with plan "x": big enough; D and H are inside it, but those warnings are about
      // them, not C; its refresh is 30 h old.
      expect(brief(await segmentWarnings(engine(), WS, 'C stale', { now: NOW }))).toEqual([
        ['seg_c', 'not_refreshed', 'warning', null],
      ]);
      // D (50) is inside C: 50/50.
      expect(brief(await segmentWarnings(engine(), WS, 'seg_d', { now: NOW }))).toEqual([
        ['seg_d', 'too_small_to_act', 'warning', null],
        ['seg_d', 'near_duplicate', 'info', 'seg_c'],
      ]);
      // B against A: Jaccard 190/200, reported about B.
      expect(brief(await segmentWarnings(engine(), WS, 'Big B', { now: NOW }))).toEqual([
        ['seg_b', 'near_duplicate', 'warning', 'seg_a'],
      ]);
      expect(brief(await segmentWarnings(engine(), WS, HOSTILE, { now: NOW }))).toEqual([
        ['seg_h', 'too_small_to_act', 'warning', null],
        ['seg_h', 'near_duplicate', 'info', 'seg_c'],
        ['seg_h', 'too_small_for_significance', 'info', null],
      ]);
      expect(brief(await segmentWarnings(engine(), WS, 'E never', { now: NOW }))).toEqual([
        ['seg_e', 'empty', 'warning', null],
        ['seg_e', 'not_refreshed', 'warning', null],
      ]);
    });

    it('warns when insight found nothing in a segment too small to show it', async () => {
      const got = await segmentWarnings(engine(), WS, 'C stale', {
        now: NOW,
        mode: 'live',
        significance: { tested: 5, significant: 0 },
      });
      // 100 members < 196: the detectable difference is 140/√100 = 14 points.
      expect(got).toEqual([
        {
          code: 'too_small_for_significance',
          severity: 'info',
          message:
            'nothing reached q < 0.05 among 5 tested traits and events; with 100 members only differences above ~14 percentage points could be detected',
          segmentId: 'seg_c',
        },
      ]);
      await expect(segmentWarnings(engine(), WS, 'missing', { now: NOW })).rejects.toMatchObject({ status: 404 });
    });
  });
});

describe('sizeWarnings', () => {
  const guards = parseGuardOptions();
  it('applies the documented thresholds at their boundaries', () => {
    expect(sizeWarnings(0, guards).map((w) => w.code)).toEqual(['empty']);
    expect(sizeWarnings(29, guards).map((w) => w.code)).toEqual(['too_small_to_act', 'too_small_for_significance']);
    expect(sizeWarnings(30, guards).map((w) => w.code)).toEqual(['too_small_to_act']);
    expect(sizeWarnings(100, guards)).toEqual([]);
    const none = { tested: 3, significant: 0 };
    expect(sizeWarnings(DETECTABLE_SIZE - 1, guards, none).map((w) => w.code)).toEqual(['too_small_for_significance']);
    expect(sizeWarnings(DETECTABLE_SIZE, guards, none)).toEqual([]);
    expect(sizeWarnings(150, guards, { tested: 3, significant: 1 })).toEqual([]);
    expect(sizeWarnings(150, guards, { tested: 0, significant: 0 })).toEqual([]);
  });

  it('rejects bad thresholds', () => {
    expect(() => parseGuardOptions({ duplicateJaccard: 2 })).toThrow(/<=1/);
  });
});
