import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { segmentInsight } from '../../src/analytics/insight/index.js';
import { rfmReport } from '../../src/analytics/rfm/report.js';
import { listRuns, startRun } from '../../src/analytics/runs.js';
import { readSettings, writeSettings } from '../../src/analytics/settings.js';
import { userTraitHistory } from '../../src/analytics/traits/history.js';
import { refreshComputedTraits } from '../../src/analytics/traits/refresh.js';
import { TraitSchedule } from '../../src/analytics/traits/schedule.js';
import type { Engine, Row } from '../../src/engines/engine.js';
import { openEngine } from '../../src/engines/open.js';
import { sql, str } from '../../src/engines/sql.js';
import { saveModelScores, type UserScores } from '../../src/models/scores.js';
import { listMembers } from '../../src/segments/query.js';
import { createSegment, getSegment } from '../../src/segments/store.js';
import { getProfile } from '../../src/store/profiles.js';
import { strata } from '../cli/capture.js';
import { memoryEngine } from '../helpers.js';
import { bearer, call, startHarness } from '../server/harness.js';
import { ANALYTICS_ENGINES, type EventRow, loadFixture, onEachEngine } from './harness.js';

/**
 * Computed traits, settings and runs are written on both engines (DuckDB in memory and chDB); the schedule, HTTP and
 * CLI tests run on DuckDB, the engine those entry points open. The history a run leaves is read on both engines in
 * trait-history.test.ts, and the last block checks that both engines write the same traits, times and history.
 */

const WS = 'default';
const AS_OF = new Date('2024-07-01T00:00:00Z');
const LATER = new Date('2024-12-01T00:00:00Z');

/**
 * Ten customers: c01…c10 with i orders of 10 × i each, 20 days apart, the last one 11 − i days before AS_OF (the most
 * frequent are the most recent), plus a browser without orders.
 */
function shop(): { profiles: { id: string; traits?: Record<string, unknown> }[]; events: EventRow[] } {
  const events: EventRow[] = [];
  const profiles: { id: string; traits?: Record<string, unknown> }[] = [];
  for (let i = 1; i <= 10; i++) {
    const id = `c${String(i).padStart(2, '0')}`;
    profiles.push({ id, traits: { plan: i % 2 === 0 ? 'pro' : 'free' } });
    for (let k = 0; k < i; k++) {
      const at = new Date(AS_OF.getTime() - (11 - i + 20 * k) * 86_400_000 + 3_600_000);
      events.push({ user: id, name: 'Order Completed', at: at.toISOString(), revenue: 10 * i });
    }
  }
  profiles.push({ id: 'browser', traits: { plan: 'free' } });
  events.push({ user: 'browser', name: 'Page Viewed', at: '2024-06-20T10:00:00Z' });
  return { profiles, events };
}

const renamedChampions = [
  { name: 'Hibernating', r: [1, 2], f: [1, 2] },
  { name: 'At Risk', r: [1, 2], f: [3, 4] },
  { name: "Can't Lose Them", r: [1, 2], f: [5, 5] },
  { name: 'About To Sleep', r: [3, 3], f: [1, 2] },
  { name: 'Need Attention', r: [3, 3], f: [3, 3] },
  { name: 'Loyal Customers', r: [3, 4], f: [4, 5] },
  { name: 'Promising', r: [4, 4], f: [1, 1] },
  { name: 'New Customers', r: [5, 5], f: [1, 1] },
  { name: 'Potential Loyalists', r: [4, 5], f: [2, 3] },
  { name: 'Best', r: [5, 5], f: [4, 5] },
];

async function traitsOf(engine: Engine, user: string): Promise<Record<string, unknown>> {
  return (await getProfile(engine, WS, user))?.traits ?? {};
}

onEachEngine((opened) => {
  describe('computed traits', () => {
    let engine: Engine;
    beforeAll(async () => {
      engine = opened();
      await loadFixture(engine, WS, shop());
    });

    it('writes RFM, lifecycle, journey and value tier into the profiles, equal to the reports', async () => {
      const { run, segments } = await refreshComputedTraits(engine, WS, { asOf: AS_OF, now: () => AS_OF });
      expect(run.status).toBe('succeeded');
      expect(run.asOf).toEqual(AS_OF);
      expect(segments).toEqual([]);
      const report = await rfmReport(engine, WS, { asOf: AS_OF, limit: 100 });
      expect(report.rows).toHaveLength(10);
      for (const row of report.rows) {
        const traits = await traitsOf(engine, row.user_id);
        expect(traits).toMatchObject({ rfm_segment: row.segment, r_score: row.r, f_score: row.f, m_score: row.m });
        expect(traits['value_tier']).toMatch(/^[ABC]$/);
      }
      // c10: 10 orders of 100, the latest 1 day ago: the most recent, frequent and valuable. A Champion in tier A.
      expect(await traitsOf(engine, 'c10')).toMatchObject({
        plan: 'pro',
        rfm_segment: 'Champions',
        r_score: 5,
        f_score: 5,
        m_score: 5,
        value_tier: 'A',
        journey_stage: 'retention',
      });
      // The browser has no order: no RFM or value tier, but a lifecycle and a journey stage.
      const browser = await traitsOf(engine, 'browser');
      expect(browser['rfm_segment']).toBeUndefined();
      expect(browser['value_tier']).toBeUndefined();
      expect(browser['journey_stage']).toBe('awareness');
      expect(typeof browser['lifecycle_stage']).toBe('string');
      // Every value written has its history row; the run's figures say how many changed.
      expect(run.stats).toMatchObject({ changes: { rfm_segment: 10 }, changedUsers: 11 });
      const history = await userTraitHistory(engine, WS, 'c10', 'rfm_segment');
      expect(history).toEqual([{ trait: 'rfm_segment', value: 'Champions', at: AS_OF, runId: run.id }]);
    });

    it('writes nothing when nothing changed, and only what changed later', async () => {
      const again = await refreshComputedTraits(engine, WS, { asOf: AS_OF, now: () => AS_OF });
      expect(again.run.stats?.['changedUsers']).toBe(0);
      // Five months on, recency changes lifecycle stages; RFM ranks (relative) stay, so RFM writes nothing.
      const later = await refreshComputedTraits(engine, WS, { asOf: LATER, now: () => LATER });
      const changes = (later.run.stats?.['changes'] ?? {}) as Record<string, number>;
      expect(changes['rfm_segment']).toBe(0);
      expect(changes['lifecycle_stage']).toBeGreaterThan(0);
      const [row] = await engine.query(
        sql`SELECT count(*) AS n FROM trait_changes WHERE workspace = ${str(WS)} AND run_id = ${str(later.run.id)}`,
      );
      expect(Number(row?.['n'])).toBe(Object.values(changes).reduce((a, b) => a + b, 0));
      const runs = await listRuns(engine, WS, { kind: 'traits' });
      expect(runs).toHaveLength(3);
      expect(runs[0]?.id).toBe(later.run.id);
    });

    it('refreshes the segments that read a computed trait, and only those', async () => {
      const champions = await createSegment(engine, WS, {
        name: 'Champions',
        rule: { type: 'trait', trait: 'rfm_segment', op: '=', value: 'Champions' },
      });
      await createSegment(engine, WS, { name: 'Pro', rule: { type: 'trait', trait: 'plan', op: '=', value: 'pro' } });
      await writeSettings(engine, WS, { rfm: { groups: renamedChampions } }, AS_OF);
      const result = await refreshComputedTraits(engine, WS, { asOf: LATER, now: () => LATER });
      // Champions renamed "Best": the segment reading rfm_segment is refreshed and is now empty; "Pro" is untouched.
      expect(result.segments.map((s) => s.name)).toEqual(['Champions']);
      expect((await listMembers(engine, WS, champions.id, { limit: 10, offset: 0 })).userIds).toEqual([]);
      expect((await traitsOf(engine, 'c10'))['rfm_segment']).toBe('Best');
      await writeSettings(engine, WS, {}, AS_OF);
      await refreshComputedTraits(engine, WS, { asOf: LATER, now: () => LATER });
      expect((await getSegment(engine, WS, 'Champions')).id).toBe(champions.id);
      // What the rule reads does not "distinguish" the segment in its insight: the whole RFM family is left out.
      const insight = await segmentInsight(engine, WS, 'Champions', { asOf: LATER });
      expect(insight.headline.size).toBeGreaterThan(0);
      expect(insight.distinguishing.excluded).toEqual({
        traits: ['f_score', 'm_score', 'r_score', 'rfm_segment'],
        events: [],
      });
      const keys = [...insight.distinguishing.traits, ...insight.distinguishing.numericTraits].map((item) => item.key);
      expect(keys.filter((key) => insight.distinguishing.excluded.traits.includes(key))).toEqual([]);
    });
  });

  describe('analytics settings', () => {
    const SETTINGS_WS = 'settings';

    it('fills defaults and rejects bad documents with the path of the field', async () => {
      const engine = opened();
      const settings = await readSettings(engine, SETTINGS_WS);
      expect(settings.orders.orderEvents).toEqual(['Order Completed']);
      expect(settings.traits).toEqual({ asOf: 'now', families: ['rfm', 'lifecycle', 'journey', 'value'] });
      await expect(
        writeSettings(engine, SETTINGS_WS, { orders: { monetary: 'gross', extra: 1 } }, AS_OF),
      ).rejects.toMatchObject({
        code: 'unknown_field',
        path: 'settings.orders',
      });
      await expect(
        writeSettings(engine, SETTINGS_WS, { traits: { families: ['rfm', 'astrology'] } }, AS_OF),
      ).rejects.toMatchObject({ path: 'settings.traits.families[1]' });
      await writeSettings(engine, SETTINGS_WS, { orders: { monetary: 'gross' } }, AS_OF);
      expect((await readSettings(engine, SETTINGS_WS)).orders).toEqual({
        orderEvents: ['Order Completed'],
        refundEvents: ['Order Refunded'],
        monetary: 'gross',
      });
      // Written again: the latest document replaces the first.
      await writeSettings(engine, SETTINGS_WS, { orders: { monetary: 'net' } }, LATER);
      expect((await readSettings(engine, SETTINGS_WS)).orders.monetary).toBe('net');
      const [row] = await engine.query(
        sql`SELECT count(*) AS n, max(updated_at) AS at FROM analytics_settings WHERE workspace = ${str(SETTINGS_WS)}`,
      );
      expect(row).toEqual({ n: 1, at: LATER });
    });
  });
});

describe('scheduled runs', () => {
  it('runs at start when no recent run exists, and not again within the interval', async () => {
    const engine = await memoryEngine();
    try {
      await loadFixture(engine, WS, shop());
      let now = AS_OF;
      const schedule = new TraitSchedule(engine, { intervalMs: 3_600_000, now: () => now });
      schedule.start();
      await schedule.idle();
      await schedule.stop();
      expect((await listRuns(engine, WS)).map((r) => [r.trigger, r.status])).toEqual([['schedule', 'succeeded']]);
      now = new Date(AS_OF.getTime() + 60_000);
      const again = new TraitSchedule(engine, { intervalMs: 3_600_000, now: () => now });
      again.start();
      await again.idle();
      await again.stop();
      expect(await listRuns(engine, WS)).toHaveLength(1);
    } finally {
      await engine.close();
    }
  });
});

describe('computed traits over HTTP and the CLI', () => {
  it('runs on demand, lists runs and answers distribution and migration', async () => {
    const h = await startHarness();
    try {
      await loadFixture(h.engine, WS, shop());
      const auth = bearer(h.admin);
      const bad = await call(h.url, 'POST', '/api/analytics/traits/refresh', { auth, body: { asOf: 'soon' } });
      expect(bad.status).toBe(400);
      const first = await call(h.url, 'POST', '/api/analytics/traits/refresh', {
        auth,
        body: { asOf: AS_OF.toISOString() },
      });
      expect(first.status).toBe(200);
      const runs = await call(h.url, 'GET', '/api/analytics/runs?limit=5', { auth });
      expect((runs.body as { status: string }[]).map((r) => r.status)).toEqual(['succeeded']);
      // The harness clock (NOW) is before AS_OF: history is read at the run's own time.
      const shown = await call(h.url, 'GET', `/api/analytics/traits/value_tier?at=${AS_OF.toISOString()}`, { auth });
      const tiers = shown.body as { total: number; values: { value: string; users: number }[] };
      expect(tiers.total).toBe(10);
      expect(tiers.values.reduce((sum, v) => sum + v.users, 0)).toBe(10);
      const migration = await call(
        h.url,
        'GET',
        `/api/analytics/traits/rfm_segment/migration?from=2024-01-01T00:00:00Z&to=${AS_OF.toISOString()}`,
        { auth },
      );
      expect(migration.status).toBe(200);
      expect((migration.body as { total: number }).total).toBe(10);
      const unknown = await call(h.url, 'GET', '/api/analytics/traits/plan', { auth });
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ error: { code: 'unknown_trait' } });
      const settings = await call(h.url, 'PUT', '/api/analytics/settings', {
        auth,
        body: { valueTiers: { a: 0.9, b: 0.8 } },
      });
      expect(settings.status).toBe(422);
    } finally {
      await h.close();
    }
  });

  it('runs from the command line on a database file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-traits-'));
    try {
      const db = join(dir, 'store.duckdb');
      const engine = await openEngine({ db });
      await loadFixture(engine, WS, shop());
      await engine.close();
      const run = await strata('--db', db, 'traits', 'refresh', '--as-of', AS_OF.toISOString());
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/rfm_segment\s+10/);
      const shown = await strata('--db', db, 'traits', 'show', 'lifecycle_stage');
      expect(shown.code).toBe(0);
      expect(shown.stdout).toMatch(/11 users with a value/);
      const file = join(dir, 'settings.json');
      writeFileSync(file, JSON.stringify({ lifecycle: { activeDays: 10, newDays: 20 } }));
      const refused = await strata('--db', db, 'settings', '--set', file);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/activeDays/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** What a workspace's computed traits left behind: profiles' traits and times, and the history (run ids by order). */
async function written(engine: Engine, workspace: string, runs: readonly string[]): Promise<unknown> {
  const w = str(workspace);
  const profiles = await engine.query(
    sql`SELECT user_id, traits, trait_times, updated_at FROM profiles WHERE workspace = ${w} ORDER BY user_id`,
  );
  const history = await engine.query(
    sql`SELECT trait, user_id, value_json, "at" AS changed_at, run_id FROM trait_changes WHERE workspace = ${w}
        ORDER BY changed_at, trait, user_id`,
  );
  // Run ids are random: rows are ordered by the run's position instead, in JS on both engines.
  const key = (row: Row) =>
    [
      (row['changed_at'] as Date).toISOString(),
      row['trait'],
      row['user_id'],
      String(row['run_id']).padStart(3, '0'),
    ].join('\u0000');
  const ordered = history
    .map((row) => ({ ...row, run_id: runs.indexOf(String(row['run_id'])) }))
    .sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
  return { profiles, history: ordered };
}

describe('the same traits, times and history on both engines', () => {
  const SAME = 'same';
  const bestVip = renamedChampions.map((g) => (g.name === 'Best' ? { ...g, name: 'Best / VIP "1"' } : g));

  /**
   * Four trait runs (a custom group name with `/` and quotes, a repeat that must write nothing, five months later,
   * and orders redefined so every RFM trait is removed but one) and three model writes (numbers with and without a
   * fraction, text, a repeat, a user dropped). c10 starts with an identify-set `r_score` of 5, the value it computes.
   */
  async function scenario(engine: Engine): Promise<{ dump: unknown; changes: unknown[] }> {
    const fixture = shop();
    const profiles = fixture.profiles.map((p) => (p.id === 'c10' ? { ...p, traits: { ...p.traits, r_score: 5 } } : p));
    await loadFixture(engine, SAME, { profiles, events: fixture.events });
    const runs: string[] = [];
    const changes: unknown[] = [];
    const traits = async (asOf: Date) => {
      const { run } = await refreshComputedTraits(engine, SAME, { asOf, now: () => asOf });
      runs.push(run.id);
      changes.push({ changedUsers: run.stats?.['changedUsers'], changes: run.stats?.['changes'] });
    };
    await writeSettings(engine, SAME, { rfm: { groups: bestVip } }, AS_OF);
    await traits(AS_OF);
    await traits(AS_OF);
    await traits(LATER);
    await writeSettings(engine, SAME, { rfm: { groups: bestVip }, orders: { orderEvents: ['Page Viewed'] } }, LATER);
    await traits(LATER);
    const scores = async (rows: readonly UserScores[], at: Date) => {
      const run = await startRun(engine, SAME, { kind: 'clv', trigger: 'manual', params: {}, startedAt: at });
      runs.push(run.id);
      const result = await saveModelScores(engine, SAME, 'clv', rows, { run, asOf: at, at });
      changes.push({ changedUsers: result.changedUsers, changes: result.changes });
    };
    const clv = (userId: string, value: number): UserScores => ({
      userId,
      scores: { p_alive: 0.1 + 0.2, expected_purchases: 2, clv: value },
    });
    await scores([clv('c01', 12.5), clv('c02', 0), clv('browser', 1e-7)], AS_OF);
    await scores([clv('c01', 12.5), clv('c02', 0), clv('browser', 1e-7)], LATER);
    await scores([clv('c01', 13)], new Date(LATER.getTime() + 86_400_000));
    return { dump: await written(engine, SAME, runs), changes };
  }

  it('writes identical profiles and history on DuckDB and chDB', async () => {
    const results: { name: string; result: Awaited<ReturnType<typeof scenario>> }[] = [];
    for (const target of ANALYTICS_ENGINES) {
      // One engine at a time: chDB holds one data directory per process.
      const engine = await target.create();
      try {
        results.push({ name: target.name, result: await scenario(engine) });
      } finally {
        await engine.close();
      }
    }
    const [first, second] = results;
    expect(first?.result.changes).toEqual([
      // c10's identify-set r_score 5 is its computed value: not a change.
      { changedUsers: 11, changes: expect.objectContaining({ rfm_segment: 10, r_score: 9, value_tier: 10 }) },
      { changedUsers: 0, changes: expect.objectContaining({ rfm_segment: 0, r_score: 0, lifecycle_stage: 0 }) },
      expect.objectContaining({ changes: expect.objectContaining({ rfm_segment: 0 }) }),
      // Orders are page views now: the ten buyers lose RFM and tier, the browser (one view) gains them.
      expect.objectContaining({ changes: expect.objectContaining({ rfm_segment: 11, value_tier: 11 }) }),
      { changedUsers: 3, changes: { p_alive: 3, expected_purchases: 3, clv: 3 } },
      { changedUsers: 0, changes: { p_alive: 0, expected_purchases: 0, clv: 0 } },
      // c01's clv changes; c02 and the browser are no longer scored, so they lose all three.
      { changedUsers: 3, changes: { p_alive: 2, expected_purchases: 2, clv: 3 } },
    ]);
    expect(second?.result.changes).toEqual(first?.result.changes);
    expect(second?.result.dump).toEqual(first?.result.dump);
  }, 60_000);
});
