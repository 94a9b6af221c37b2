import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../src/demo/index.js';
import { WS } from '../helpers.js';
import { bearer, call, type Harness, type Reply, startHarness } from '../server/harness.js';

/**
 * What the dashboard's Personas and Predictions pages read, through a real server: the 2-D projection stored in a
 * cluster run, and `GET /api/models/{kind}/distribution`, checked against every score the API answers.
 */

const END = new Date('2025-03-01T00:00:00Z');
let harness: Harness;
let api: (method: string, path: string, body?: unknown) => Promise<Reply>;

interface Distribution {
  kind: string;
  output: string;
  runId: string | null;
  users: number;
  min: number;
  max: number;
  mean: number;
  quantiles: Record<string, number>;
  bins: { from: number; to: number; count: number }[];
}

beforeAll(async () => {
  harness = await startHarness();
  api = (method, path, body) =>
    call(harness.url, method, path, { auth: bearer(harness.admin), ...(body === undefined ? {} : { body }) });
  await loadDemo(harness.engine, { users: 400, seed: 3, end: END, workspace: WS });
}, 180_000);
afterAll(async () => {
  await harness.close();
});

async function allScores(kind: string): Promise<{ userId: string; scores: Record<string, number | string | null> }[]> {
  const items = [];
  for (let offset = 0; ; offset += 1000) {
    const page = (await api('GET', `/api/models/${kind}/scores?limit=1000&offset=${offset}`)).body as {
      items: { userId: string; scores: Record<string, number | string | null> }[];
    };
    items.push(...page.items);
    if (page.items.length < 1000) return items;
  }
}

describe('GET /api/models/{kind}/distribution', () => {
  it('answers 200 with no bins before the model is fitted, so the dashboard logs no failed request', async () => {
    const reply = await api('GET', '/api/models/churn/distribution');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ kind: 'churn', output: 'churn_risk', runId: null, users: 0, bins: [] });
  });

  it('bins churn_risk as the scores are after a fit', async () => {
    const fit = await api('POST', '/api/models/churn', { asOf: END.toISOString() });
    expect(fit.status).toBe(200);
    const runId = (fit.body as { run: { id: string } }).run.id;
    const reply = await api('GET', '/api/models/churn/distribution?output=churn_risk&bins=8');
    expect(reply.status).toBe(200);
    const got = reply.body as Distribution;
    const values = (await allScores('churn')).map((item) => item.scores['churn_risk'] as number);
    expect(got).toMatchObject({ kind: 'churn', runId, users: values.length });
    expect(got.min).toBe(Math.min(...values));
    expect(got.max).toBe(Math.max(...values));
    expect(got.bins).toHaveLength(8);
    expect(got.bins[7]?.to).toBeCloseTo(got.quantiles['p99'] as number, 12);
    got.bins.forEach((bin, i) => {
      const last = i === got.bins.length - 1;
      const inside = values.filter((v) => v >= bin.from && (last || v < bin.to)).length;
      expect(bin.count, `bin ${i}`).toBe(inside);
    });
    const sorted = [...values].sort((a, b) => a - b);
    const median =
      (sorted[Math.floor((sorted.length - 1) / 2)] as number) + (sorted[Math.ceil((sorted.length - 1) / 2)] as number);
    expect(got.quantiles['p50']).toBeCloseTo(median / 2, 12);
  });

  it('refuses an unknown output and bins out of range with the parameter as the path, and an unknown model', async () => {
    for (const [path, field] of [
      ['/api/models/churn/distribution?output=clv', 'output'],
      [`/api/models/clv/distribution?output=${encodeURIComponent("clv'; DROP TABLE model_scores; --")}`, 'output'],
      ['/api/models/clv/distribution', 'output'],
      ['/api/models/cluster/distribution', 'output'],
      ['/api/models/churn/distribution?bins=4', 'bins'],
      ['/api/models/churn/distribution?bins=101', 'bins'],
      ['/api/models/churn/distribution?bins=many', 'bins'],
    ] as const) {
      const reply = await api('GET', path);
      expect(reply.status, path).toBe(400);
      expect((reply.body as { error: { path: string } }).error.path, path).toBe(field);
    }
    const unknown = await api('GET', '/api/models/ltv/distribution');
    expect(unknown.status).toBe(404);
    expect((await call(harness.url, 'GET', '/api/models/churn/distribution')).status).toBe(401);
    const write = await call(harness.url, 'GET', '/api/models/churn/distribution', { auth: bearer(harness.write) });
    expect(write.status).toBe(403);
  });
});

describe('the projection of a cluster run', () => {
  it('is stored with the run: axes, projected centres and a sample of users in their clusters', async () => {
    const fit = await api('POST', '/api/models/cluster', { k: 4, asOf: END.toISOString() });
    expect(fit.status).toBe(200);
    const id = (fit.body as { run: { id: string } }).run.id;
    const run = (await api('GET', `/api/models/runs/${id}`)).body as {
      stats: {
        features: { name: string }[];
        clusters: { name: string; size: number }[];
        projection: {
          method: string;
          axes: { explained: number; loadings: { feature: string; weight: number }[] }[];
          centres: { index: number; cluster: string; x: number; y: number }[];
          points: { userId: string; cluster: string; x: number; y: number }[];
          sample: { size: number; of: number; seed: number };
        };
      };
    };
    const { projection, clusters, features } = run.stats;
    expect(projection.method).toBe('pca');
    expect(projection.axes).toHaveLength(2);
    const explained = projection.axes.map((axis) => axis.explained);
    expect(explained[0]).toBeGreaterThanOrEqual(explained[1] as number);
    expect((explained[0] as number) + (explained[1] as number)).toBeLessThanOrEqual(1);
    for (const axis of projection.axes) {
      expect(axis.loadings.map((l) => l.feature).sort()).toEqual(features.map((f) => f.name).sort());
    }
    expect(projection.centres.map((c) => c.cluster)).toEqual(clusters.map((c) => c.name));
    const users = clusters.reduce((s, c) => s + c.size, 0);
    expect(projection.sample).toEqual({ size: Math.min(users, 2000), of: users, seed: 42 });
    expect(projection.points).toHaveLength(projection.sample.size);
    // Each point carries the cluster the user was put in.
    const cluster = new Map((await allScores('cluster')).map((item) => [item.userId, item.scores['cluster']]));
    for (const point of projection.points) expect(point.cluster, point.userId).toBe(cluster.get(point.userId));
  });
});
