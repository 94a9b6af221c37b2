import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo, type Persona, personaOf, personas } from '../../src/demo/index.js';
import type { Engine } from '../../src/engines/engine.js';
import { sql, str } from '../../src/engines/sql.js';
import { predictChurn } from '../../src/models/churn/predict.js';
import { auc } from '../../src/models/classify/metrics.js';
import { adjustedRandIndex } from '../../src/models/cluster/adjusted-rand.js';
import { clusterUsers } from '../../src/models/cluster/personas.js';
import { predictClv } from '../../src/models/clv/predict.js';
import { readModelScores } from '../../src/models/scores.js';
import { memoryEngine } from '../helpers.js';

/**
 * The models against the demo's planted personas (docs/demo.md): behavioural churn must find the drifting
 * churners, clustering must recover the crisp personas, and each suggested segment must be a valid rule that the
 * segment engine evaluates to (nearly) the cluster.
 */
const WS = 'demo';
const END = new Date('2025-03-01T00:00:00Z');
const DEMO = { users: 1000, seed: 7, end: END };
let engine: Engine;

const personaOfUser = (userId: string): Persona => personaOf(DEMO, Number(userId.slice(1)));

beforeAll(async () => {
  engine = await memoryEngine();
  await loadDemo(engine, { ...DEMO, workspace: WS });
}, 180_000);
afterAll(async () => {
  await engine.close();
});

describe('behavioural churn on the demo', () => {
  let stats: Record<string, unknown>;
  let risk: Map<string, number>;
  beforeAll(async () => {
    const result = await predictChurn(engine, WS, { asOf: END.toISOString() });
    stats = result.run.stats ?? {};
    const { items } = await readModelScores(engine, WS, 'churn', { limit: 1000, offset: 0 });
    risk = new Map(items.map((item) => [item.userId, Number(item.scores['churn_risk'])]));
  }, 60_000);

  it('trains on one cutoff and reports a held-out AUC on the next', () => {
    const data = stats['data'] as Record<string, unknown>;
    expect(data['trainingCutoff']).toBe('2024-11-01T00:00:00.000Z');
    expect(data['evaluationCutoff']).toBe('2024-12-31T00:00:00.000Z');
    const quality = stats['quality'] as { heldOutAuc: number; calibration: { count: number }[] };
    expect(quality.heldOutAuc).toBeGreaterThan(0.7);
    const users = data['evaluationUsers'] as number;
    expect(quality.calibration.reduce((s, bin) => s + bin.count, 0)).toBe(users);
  });

  it('finds the planted drifting churners', () => {
    const ids = [...risk.keys()];
    const scores = ids.map((id) => risk.get(id) as number);
    const churner = ids.map((id) => (personaOfUser(id) === 'drifting_churner' ? 1 : 0));
    expect(churner.reduce<number>((s, v) => s + v, 0)).toBe(100);
    expect(auc(scores, churner)).toBeGreaterThan(0.95);
    const mean = (persona: Persona) => {
      const values = ids.filter((id) => personaOfUser(id) === persona).map((id) => risk.get(id) as number);
      return values.reduce((s, v) => s + v, 0) / values.length;
    };
    expect(mean('drifting_churner')).toBeGreaterThan(0.7);
    expect(mean('loyal_big_spender')).toBeLessThan(0.05);
  });

  it('explains the score by its drivers and writes churn_risk as a trait', async () => {
    const model = stats['model'] as { drivers: { feature: string; coefficient: number }[] };
    expect(model.drivers.length).toBeGreaterThan(5);
    const [row] = await engine.query(
      sql`SELECT count(*) AS n FROM profiles WHERE workspace = ${str(WS)}
          AND ${engine.dialect.jsonNumber(sql`traits`, ['churn_risk'])} IS NOT NULL`,
    );
    expect(Number(row?.['n'])).toBe(risk.size);
  });
});

describe('personas on the demo', () => {
  let stats: Record<string, unknown>;
  let clusterOf: Map<string, number>;
  beforeAll(async () => {
    const result = await clusterUsers(engine, WS, { asOf: END.toISOString(), k: personas.length });
    stats = result.run.stats ?? {};
    const { items } = await readModelScores(engine, WS, 'cluster', { limit: 1000, offset: 0 });
    clusterOf = new Map(items.map((item) => [item.userId, Number(item.scores['cluster_index'])]));
  }, 60_000);

  const clusters = () =>
    stats['clusters'] as {
      index: number;
      name: string;
      size: number;
      segment: { text: string; agreement: { precision: number; recall: number; accuracy: number } } | null;
    }[];

  it('recovers the planted personas (adjusted Rand index) and isolates the crisp ones', () => {
    const ids = [...clusterOf.keys()];
    const ari = adjustedRandIndex(
      ids.map((id) => clusterOf.get(id) as number),
      ids.map((id) => personas.indexOf(personaOfUser(id))),
    );
    expect(ari).toBeGreaterThan(0.35);
    // Every loyal big spender lands in one cluster that is mostly theirs; window shoppers (never an order) in
    // clusters without buyers.
    const share = (persona: Persona) => {
      const counts = new Map<number, number>();
      for (const id of ids) {
        if (personaOfUser(id) !== persona) continue;
        const c = clusterOf.get(id) as number;
        counts.set(c, (counts.get(c) ?? 0) + 1);
      }
      const [top, n] = [...counts].sort((a, b) => b[1] - a[1])[0] as [number, number];
      return { top, n };
    };
    const loyal = share('loyal_big_spender');
    expect(loyal.n).toBe(50);
    const loyalCluster = ids.filter((id) => clusterOf.get(id) === loyal.top);
    expect(
      loyalCluster.filter((id) => personaOfUser(id) === 'loyal_big_spender').length / loyalCluster.length,
    ).toBeGreaterThan(0.75);
    expect(share('drifting_churner').n).toBeGreaterThanOrEqual(75);
  });

  it('names every cluster uniquely and profiles it', () => {
    const names = clusters().map((c) => c.name);
    expect(new Set(names).size).toBe(personas.length);
    expect(clusters().reduce((s, c) => s + c.size, 0)).toBe(clusterOf.size);
  });

  it('suggests a segment rule per cluster that the segment engine evaluates close to the cluster', () => {
    const suggested = clusters().filter((c) => c.segment !== null);
    expect(suggested.length).toBeGreaterThanOrEqual(personas.length - 1);
    for (const c of suggested) expect(c.segment?.agreement.accuracy).toBeGreaterThan(0.9);
    const mean = suggested.reduce((s, c) => s + (c.segment?.agreement.accuracy ?? 0), 0) / suggested.length;
    expect(mean).toBeGreaterThan(0.95);
  });

  it('chooses k by the sampled silhouette when asked, and reports the table', async () => {
    // No as-of: the demo's data ends before today, so the model is fitted as of the end of the data.
    const auto = await clusterUsers(engine, WS, { kMax: 5 });
    expect(auto.run.asOf?.toISOString()).toBe(END.toISOString());
    const choice = auto.run.stats?.['kChoice'] as { table: { k: number; silhouette: number }[] };
    expect(choice.table.map((row) => row.k)).toEqual([2, 3, 4, 5]);
    const best = Math.max(...choice.table.map((row) => row.silhouette));
    expect(choice.table.find((row) => row.k === auto.run.stats?.['k'])?.silhouette).toBe(best);
  }, 60_000);
});

describe('CLV on the demo', () => {
  it('fits and scores every buyer', async () => {
    const result = await predictClv(engine, WS, {});
    const data = result.run.stats?.['data'] as { customers: number; repeatBuyers: number };
    const { total } = await readModelScores(engine, WS, 'clv', { limit: 1, offset: 0 });
    expect(total).toBe(data.customers);
    expect(data.repeatBuyers).toBeGreaterThan(300);
  }, 60_000);
});
