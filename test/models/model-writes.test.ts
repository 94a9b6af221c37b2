import { beforeAll, describe, expect, it } from 'vitest';
import { listRuns } from '../../src/analytics/runs.js';
import { userTraitHistory } from '../../src/analytics/traits/history.js';
import type { Engine, Row } from '../../src/engines/engine.js';
import { sql, str } from '../../src/engines/sql.js';
import { predictChurn } from '../../src/models/churn/predict.js';
import { clusterUsers } from '../../src/models/cluster/personas.js';
import { predictClv } from '../../src/models/clv/predict.js';
import { readModelScores, type UserScores } from '../../src/models/scores.js';
import { type EventRow, loadFixture, onEachEngine, type ProfileRow } from '../analytics/harness.js';

/**
 * What the three model fits write, on both engines (DuckDB in memory and chDB): `model_scores`, the computed traits in
 * the profiles with their history, and the run records, a refused fit included. The data is small and generated
 * (whole-dollar orders, so every sum is exact); the last block checks both engines wrote the same.
 */

const WS = 'models';
const DAY_MS = 86_400_000;
const START = Date.parse('2024-01-01T00:00:00Z');
const AS_OF = '2025-01-01T00:00:00.000Z';
const LATER = Date.parse('2025-02-01T00:00:00Z');
/** A clock that moves a second per reading: runs then have distinct start times, so "newest first" is defined. */
let ticks = 0;
const clock = { now: () => new Date(LATER + 1000 * ticks++) };

/** A small deterministic generator (a linear congruential one): the same users on every engine and every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/**
 * 150 users over 2024: each is active from a start day until a stop day (a third still active at the end), viewing
 * pages every few days and ordering every few weeks (whole dollars); one in ten never orders.
 */
function shop(): { profiles: ProfileRow[]; events: EventRow[] } {
  const next = random(8);
  const profiles: ProfileRow[] = [];
  const events: EventRow[] = [];
  for (let u = 0; u < 150; u++) {
    const id = `u${String(u).padStart(3, '0')}`;
    profiles.push({ id, traits: { plan: u % 3 === 0 ? 'pro' : 'free' } });
    const start = Math.floor(next() * 150);
    const stop = next() < 0.35 ? 366 : start + 30 + Math.floor(next() * 250);
    const viewEvery = 2 + Math.floor(next() * 6);
    const buyer = u % 10 !== 0;
    const orderEvery = 10 + Math.floor(next() * 40);
    const basket = 10 + Math.floor(next() * 90);
    for (let day = start; day < Math.min(stop, 366); day++) {
      const at = new Date(START + day * DAY_MS + 3_600_000 * (1 + (u % 20))).toISOString();
      if ((day - start) % viewEvery === 0) events.push({ user: id, name: 'Page Viewed', at });
      if (buyer && (day - start) % orderEvery === 0) {
        events.push({ user: id, name: 'Order Completed', at, revenue: basket + Math.floor(next() * 20) });
      }
    }
  }
  return { profiles, events };
}

/** Every output an engine gave, kept for the cross-engine comparison at the end. */
const outputs = new Map<string, unknown>();

async function profileTraits(engine: Engine): Promise<Map<string, Record<string, unknown>>> {
  const rows = await engine.query(sql`SELECT user_id, traits FROM profiles WHERE workspace = ${str(WS)}`);
  return new Map(rows.map((row) => [String(row['user_id']), row['traits'] as Record<string, unknown>]));
}

async function allScores(engine: Engine, kind: 'clv' | 'churn' | 'cluster') {
  return readModelScores(engine, WS, kind, { limit: 1000, offset: 0 });
}

/** The model's traits in each scored profile are its scores; a profile it does not score has none of them. */
async function expectTraitsAreScores(
  engine: Engine,
  items: readonly UserScores[],
  traits: readonly string[],
): Promise<void> {
  const profiles = await profileTraits(engine);
  const scored = new Map(items.map((item) => [item.userId, item.scores]));
  for (const [userId, profile] of profiles) {
    const scores = scored.get(userId);
    for (const trait of traits) expect([userId, trait, profile[trait]]).toEqual([userId, trait, scores?.[trait]]);
  }
}

async function changesOfRun(engine: Engine, runId: string): Promise<Row[]> {
  return engine.query(
    sql`SELECT trait, count(*) AS n FROM trait_changes WHERE workspace = ${str(WS)} AND run_id = ${str(runId)}
        GROUP BY trait ORDER BY trait`,
  );
}

onEachEngine((engine, name) => {
  beforeAll(async () => {
    await loadFixture(engine(), WS, shop());
  }, 60_000);

  it('predictClv writes scores, traits and their history; the same fit again writes nothing new', async () => {
    const first = await predictClv(engine(), WS, { asOf: AS_OF }, clock);
    expect(first.run.status).toBe('succeeded');
    const customers = (first.run.stats?.['data'] as { customers: number } | undefined)?.customers;
    expect(customers).toBe(135);
    const scores = await allScores(engine(), 'clv');
    expect(scores.total).toBe(135);
    expect(scores.runId).toBe(first.run.id);
    expect(first.written).toMatchObject({
      changedUsers: 135,
      changes: { p_alive: 135, expected_purchases: 135, clv: 135 },
    });
    await expectTraitsAreScores(engine(), scores.items, ['p_alive', 'expected_purchases', 'clv']);
    expect(await changesOfRun(engine(), first.run.id)).toEqual([
      { trait: 'clv', n: 135 },
      { trait: 'expected_purchases', n: 135 },
      { trait: 'p_alive', n: 135 },
    ]);
    const user = scores.items[0] as UserScores;
    expect(await userTraitHistory(engine(), WS, user.userId, 'clv')).toEqual([
      { trait: 'clv', value: user.scores['clv'], at: new Date(AS_OF), runId: first.run.id },
    ]);

    const again = await predictClv(engine(), WS, { asOf: AS_OF }, clock);
    expect(again.written).toMatchObject({ changedUsers: 0, changes: { p_alive: 0, expected_purchases: 0, clv: 0 } });
    // The kind's rows are replaced: one per customer, all of the latest run.
    const replaced = await allScores(engine(), 'clv');
    expect(replaced.total).toBe(135);
    expect(replaced.runId).toBe(again.run.id);
    expect(await changesOfRun(engine(), again.run.id)).toEqual([]);
    outputs.set(`${name} clv`, replaced.items);
  }, 60_000);

  it('predictChurn writes churn_risk for every scored user', async () => {
    const result = await predictChurn(engine(), WS, { asOf: AS_OF }, clock);
    expect(result.run.status).toBe('succeeded');
    const scores = await allScores(engine(), 'churn');
    expect(scores.total).toBe(result.run.stats?.['scored']);
    expect(result.written.changes).toEqual({ churn_risk: scores.total });
    await expectTraitsAreScores(engine(), scores.items, ['churn_risk']);
    for (const item of scores.items) {
      expect(item.scores['churn_risk']).toBeGreaterThanOrEqual(0);
      expect(item.scores['churn_risk']).toBeLessThanOrEqual(1);
    }
    outputs.set(`${name} churn`, scores.items);
  }, 60_000);

  it('clusterUsers writes each user’s cluster name as a text trait', async () => {
    const result = await clusterUsers(engine(), WS, { asOf: AS_OF, k: 3 }, clock);
    expect(result.run.status).toBe('succeeded');
    const scores = await allScores(engine(), 'cluster');
    expect(scores.total).toBe(150);
    expect(result.written.changes).toEqual({ cluster: 150 });
    await expectTraitsAreScores(engine(), scores.items, ['cluster']);
    const names = new Set(scores.items.map((item) => item.scores['cluster']));
    expect(names.size).toBe(3);
    for (const clusterName of names) expect(typeof clusterName).toBe('string');
    outputs.set(`${name} cluster`, scores.items);
  }, 60_000);

  it('records a refused fit as a failed run and keeps the previous scores', async () => {
    const before = await allScores(engine(), 'clv');
    await expect(predictClv(engine(), WS, { asOf: '2024-01-02T00:00:00.000Z' }, clock)).rejects.toMatchObject({
      code: 'insufficient_data',
    });
    const [failed] = await listRuns(engine(), WS, { kind: 'clv', limit: 1 });
    expect(failed?.status).toBe('failed');
    expect(failed?.error).toMatch(/BG\/NBD needs at least/);
    expect(await allScores(engine(), 'clv')).toEqual(before);
    const runs = await listRuns(engine(), WS, { kinds: ['clv', 'churn', 'cluster'] });
    expect(runs.map((run) => [run.kind, run.status])).toEqual([
      ['clv', 'failed'],
      ['cluster', 'succeeded'],
      ['churn', 'succeeded'],
      ['clv', 'succeeded'],
      ['clv', 'succeeded'],
    ]);
    outputs.set(`${name} traits`, Object.fromEntries(await profileTraits(engine())));
  }, 60_000);
});

describe('both engines', () => {
  it('wrote the same scores and traits', () => {
    expect([...outputs.keys()].sort()).toEqual(
      ['chdb', 'duckdb'].flatMap((e) => ['churn', 'cluster', 'clv', 'traits'].map((o) => `${e} ${o}`)),
    );
    for (const output of ['clv', 'churn', 'cluster', 'traits']) {
      expect(outputs.get(`chdb ${output}`)).toEqual(outputs.get(`duckdb ${output}`));
    }
  });
});
