import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engines/engine.js';
import { importFile } from '../../src/ingest/import/index.js';
import { createApiKey } from '../../src/keys/api-keys.js';
import { createApp } from '../../src/server/app.js';
import { listen, type RunningServer } from '../../src/server/serve.js';
import { loadFixture } from '../analytics/harness.js';
import { memoryEngine, NOW, WS } from '../helpers.js';
import { bearer, call, type Reply } from '../server/harness.js';

/**
 * `/api/models` through a real server on loopback (DuckDB in memory): CDNOW (Fader & Hardie's 1/10 sample) for CLV
 * and clustering, IBM Telco (profiles only) for supervised churn, each in its own workspace, plus an empty one.
 */

const CDNOW_AS_OF = '1997-10-01T00:00:00Z';
const DAY_MS = 86_400_000;
/** A customer whose id is an injection attempt; orders only after the CLV cutoff, so the published fit stands. */
const HOSTILE = `o'brien"); DROP TABLE profiles; --`;

let engine: Engine;
let server: RunningServer;
const keys = { cdnow: '', telco: '', empty: '', write: '' };
type Api = (method: string, path: string, body?: unknown) => Promise<Reply>;
let cdnow: Api;
let telco: Api;
let empty: Api;

const as =
  (key: () => string): Api =>
  (method, path, body) =>
    call(server.url, method, path, { auth: bearer(key()), ...(body === undefined ? {} : { body }) });

beforeAll(async () => {
  engine = await memoryEngine();
  // A clock that moves a second per reading: runs then have distinct start times, so "newest first" is defined.
  let ticks = 0;
  const app = createApp({ engine, now: () => new Date(NOW.getTime() + 1000 * ticks++), version: 'test' });
  server = await listen(app, { port: 0 });
  const key = async (workspace: string, scope: 'admin' | 'write' = 'admin') =>
    (await createApiKey(engine, { workspace, scope, name: `${workspace}-${scope}` })).key;
  keys.cdnow = await key(WS);
  keys.write = await key(WS, 'write');
  keys.telco = await key('telco');
  keys.empty = await key('empty');
  cdnow = as(() => keys.cdnow);
  telco = as(() => keys.telco);
  empty = as(() => keys.empty);
  const imported = new Date('2000-01-01T00:00:00Z');
  await importFile(engine, { workspace: WS, file: 'test/fixtures/cdnow-sample.txt', now: imported, preset: 'cdnow' });
  await loadFixture(engine, WS, {
    profiles: [{ id: HOSTILE }],
    events: [{ user: HOSTILE, name: 'Order Completed', at: '1998-03-01T10:00:00Z', revenue: 42 }],
  });
  await importFile(engine, {
    workspace: 'telco',
    file: 'test/fixtures/telco-churn.csv.gz',
    kind: 'profiles',
    now: imported,
  });
}, 60_000);
afterAll(async () => {
  await server.close();
  await engine.close();
});

interface Run {
  id: string;
  kind: string;
  status: string;
  trigger: string;
  asOf: string | null;
  params: Record<string, unknown>;
  stats: Record<string, unknown> | null;
  error: string | null;
}
interface Scores {
  total: number;
  runId: string | null;
  items: { userId: string; scores: Record<string, number | string | null> }[];
}
type Stats = Record<string, Record<string, number>>;

/**
 * Each CDNOW customer's history as BG/NBD and Gamma-Gamma read it, computed here from the raw file: purchases on one
 * day are one transaction; x = repeat days, t_x and T in weeks from the first purchase to the last one and to the end
 * of the observation (the day before the cutoff); m = mean value of the repeat days.
 */
function cdnowHistories(asOf: string): Map<string, { x: number; tx: number; T: number; m: number }> {
  const cutoff = Date.parse(asOf) / DAY_MS;
  const days = new Map<string, Map<number, number>>();
  for (const line of readFileSync('test/fixtures/cdnow-sample.txt', 'utf8').split('\n')) {
    const [master, , date, , dollars] = line.trim().split(/\s+/);
    if (!master || !date || !dollars) continue;
    const day = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(4, 6)) - 1, Number(date.slice(6, 8))) / DAY_MS;
    if (day >= cutoff) continue;
    const user = String(Number(master));
    const byDay = days.get(user) ?? new Map<number, number>();
    byDay.set(day, (byDay.get(day) ?? 0) + Number(dollars));
    days.set(user, byDay);
  }
  const out = new Map<string, { x: number; tx: number; T: number; m: number }>();
  for (const [user, byDay] of days) {
    const sorted = [...byDay.keys()].sort((a, b) => a - b);
    const first = sorted[0] as number;
    const last = sorted[sorted.length - 1] as number;
    const x = sorted.length - 1;
    const repeatValue = sorted.slice(1).reduce((s, d) => s + (byDay.get(d) as number), 0);
    out.set(user, { x, tx: (last - first) / 7, T: (cutoff - 1 - first) / 7, m: x > 0 ? repeatValue / x : 0 });
  }
  return out;
}

/** Gauss's hypergeometric 2F1(a, b; c; z) by its series, for 0 ≤ z < 1. */
function hyp2f1(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < 5000 && Math.abs(term) > 1e-15 * Math.abs(sum); n++) {
    term *= ((a + n) * (b + n) * z) / ((c + n) * (n + 1));
    sum += term;
  }
  return sum;
}

/** Fader, Hardie & Lee (2005): P(alive | x, t_x, T) and E[Y(t) | x, t_x, T] (their equations 13 and 10). */
function bgnbd(p: { r: number; alpha: number; a: number; b: number }, h: { x: number; tx: number; T: number }) {
  const { r, alpha, a, b } = p;
  const { x, tx, T } = h;
  const odds = x > 0 ? (a / (b + x - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x) : 0;
  return {
    pAlive: 1 / (1 + odds),
    expected: (t: number) =>
      (((a + b + x - 1) / (a - 1)) *
        (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t)))) /
      (1 + odds),
  };
}

/** Fader & Hardie's Gamma-Gamma conditional expected spend: a weighted mean of the population mean and m_x. */
const expectedSpend = (g: { p: number; q: number; v: number }, x: number, m: number) =>
  ((g.q - 1) / (g.p * x + g.q - 1)) * ((g.p * g.v) / (g.q - 1)) + ((g.p * x) / (g.p * x + g.q - 1)) * m;

/** customerID → churned, read from the Telco file (no quoted fields: a plain split is a correct parse). */
function telcoChurn(): Map<string, boolean> {
  const lines = gunzipSync(readFileSync('test/fixtures/telco-churn.csv.gz')).toString('utf8').trim().split('\n');
  const header = (lines[0] as string).split(',');
  const id = header.indexOf('customerID');
  const churn = header.indexOf('Churn');
  return new Map(lines.slice(1).map((line) => [line.split(',')[id] as string, line.split(',')[churn] === 'Yes']));
}

/** The probability that a random positive scores above a random negative (ties count a half). */
function aucOf(positives: readonly number[], negatives: readonly number[]): number {
  const sorted = [...negatives].sort((a, b) => a - b);
  const below = (v: number, strict: boolean) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((sorted[mid] as number) < v || (!strict && sorted[mid] === v)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const wins = positives.reduce((s, v) => s + (below(v, true) + below(v, false)) / 2, 0);
  return wins / (positives.length * negatives.length);
}

async function allScores(api: Api, kind: string): Promise<Scores['items']> {
  const items: Scores['items'] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = (await api('GET', `/api/models/${kind}/scores?limit=1000&offset=${offset}`)).body as Scores;
    items.push(...page.items);
    if (page.items.length < 1000) return items;
  }
}

describe('authentication', () => {
  it('needs an admin key on every model route', async () => {
    const routes: [string, string][] = [
      ['GET', '/api/models'],
      ['POST', '/api/models/clv'],
      ['GET', '/api/models/runs'],
      ['GET', '/api/models/runs/run_x'],
      ['GET', '/api/models/clv/scores'],
    ];
    for (const [method, path] of routes) {
      const body = method === 'POST' ? {} : undefined;
      const none = await call(server.url, method, path, body === undefined ? {} : { body });
      expect(none.status, `${method} ${path}`).toBe(401);
      const write = await call(server.url, method, path, { auth: bearer(keys.write), ...(body ? { body } : {}) });
      expect(write.status, `${method} ${path}`).toBe(403);
    }
    // Nothing was fitted by the refused calls.
    expect((await cdnow('GET', '/api/models/runs')).body).toEqual([]);
  });
});

describe('before any fit', () => {
  it('answers null per model, no runs and no scores', async () => {
    expect((await empty('GET', '/api/models')).body).toEqual({ clv: null, churn: null, cluster: null });
    expect((await empty('GET', '/api/models/runs')).body).toEqual([]);
    expect((await empty('GET', '/api/models/clv/scores')).body).toEqual({ total: 0, runId: null, items: [] });
  });
});

describe('POST /api/models/clv on CDNOW', () => {
  let run: Run;
  let segmentId: string;
  let refreshed: { segmentId: string; size: number; entered: number; exited: number }[];

  it('fits BG/NBD and Gamma-Gamma with the published parameters', async () => {
    // A segment on a model trait, made before the fit: the fit must refresh it.
    const segment = await cdnow('POST', '/api/segments', { name: 'Likely alive', text: 'p_alive > 0.9' });
    expect(segment.status).toBe(201);
    segmentId = (segment.body as { id: string }).id;

    const reply = await cdnow('POST', '/api/models/clv', { asOf: CDNOW_AS_OF, unit: 'week' });
    expect(reply.status).toBe(200);
    run = (reply.body as { run: Run }).run;
    refreshed = (reply.body as { segments: typeof refreshed }).segments;
    expect(run).toMatchObject({ kind: 'clv', status: 'succeeded', trigger: 'api', error: null });
    expect(run.asOf).toBe('1997-10-01T00:00:00.000Z');
    // Defaults are filled in, so the stored run says exactly what was fitted.
    expect(run.params).toMatchObject({ asOf: '1997-10-01T00:00:00.000Z', unit: 'week', horizonDays: 365 });
    expect(run.params['discountRate']).toBe(0.1);
    const stats = run.stats as Stats;
    // Fader, Hardie & Lee (2005), "Counting your customers the easy way", CDNOW sample, weeks 1–39.
    expect(stats['bgnbd']?.['r']).toBeCloseTo(0.243, 3);
    expect(stats['bgnbd']?.['alpha']).toBeCloseTo(4.414, 3);
    expect(stats['bgnbd']?.['a']).toBeCloseTo(0.793, 3);
    expect(stats['bgnbd']?.['b']).toBeCloseTo(2.426, 3);
    expect(stats['bgnbd']?.['log_likelihood']).toBeCloseTo(-9582.4, 1);
    // Fader & Hardie (2013), "The Gamma-Gamma model of monetary value".
    expect(stats['gamma_gamma']?.['p']).toBeCloseTo(6.25, 2);
    expect(stats['gamma_gamma']?.['q']).toBeCloseTo(3.74, 2);
    expect(stats['gamma_gamma']?.['v']).toBeCloseTo(15.44, 2);
    // 2,357 customers, of whom 1,411 made no repeat purchase in the calibration period.
    expect(stats['data']).toMatchObject({ customers: 2357, repeatBuyers: 946, observationEnd: '1997-09-30' });
    expect(stats['changes']).toEqual({ p_alive: 2357, expected_purchases: 2357, clv: 2357 });
  });

  it('scores every customer as the closed forms give them from the fitted parameters', async () => {
    const stats = run.stats as Stats;
    const params = stats['bgnbd'] as { r: number; alpha: number; a: number; b: number };
    const spend = stats['gamma_gamma'] as { p: number; q: number; v: number };
    const histories = cdnowHistories(CDNOW_AS_OF);
    const items = await allScores(cdnow, 'clv');
    expect(items).toHaveLength(2357);
    let expectedTotal = 0;
    for (const { userId, scores } of items) {
      const h = histories.get(userId);
      if (!h) throw new Error(`customer ${userId} is not in the file`);
      const model = bgnbd(params, h);
      expect(Math.abs((scores['p_alive'] as number) - model.pAlive), userId).toBeLessThanOrEqual(1e-4);
      expect(Math.abs((scores['expected_purchases'] as number) - model.expected(365 / 7)), userId).toBeLessThan(1e-3);
      expect(Math.abs((scores['expected_spend'] as number) - expectedSpend(spend, h.x, h.m)), userId).toBeLessThan(
        0.006,
      );
      expect(scores['clv'] as number).toBeGreaterThanOrEqual(0);
      expectedTotal += scores['expected_purchases'] as number;
    }
    expect(expectedTotal).toBeCloseTo(stats['quality']?.['expectedPurchasesTotal'] as number, 0);
  });

  it('answers one customer by id, and writes the traits into the profile', async () => {
    // Customer 4: purchases on 1997-01-01, 01-18 and 08-02 before the cutoff (and one on 12-12 after it).
    const reply = await cdnow('GET', '/api/models/clv/scores?user=4');
    expect(reply.status).toBe(200);
    const one = reply.body as Scores;
    expect(one.total).toBe(1);
    expect(one.runId).toBe(run.id);
    expect(one.items[0]?.userId).toBe('4');
    // x = 2, t_x = 213/7, T = 272/7 weeks with the published parameters: 1 / (1 + 0.793/3.426 · (43.27/34.84)^2.243).
    expect(one.items[0]?.scores['p_alive']).toBeCloseTo(0.7266, 2);
    const profile = await cdnow('GET', '/api/profiles/4');
    expect(profile.status).toBe(200);
    const traits = (profile.body as { profile: { traits: Record<string, unknown> } }).profile.traits;
    expect(traits['p_alive']).toBe(one.items[0]?.scores['p_alive']);
    expect(traits['expected_purchases']).toBe(one.items[0]?.scores['expected_purchases']);
    expect(traits['clv']).toBe(one.items[0]?.scores['clv']);
  });

  it('refreshed the segment that reads p_alive', async () => {
    const items = await allScores(cdnow, 'clv');
    const alive = items.filter((item) => (item.scores['p_alive'] as number) > 0.9).length;
    // Every customer without a repeat purchase has P(alive) = 1 under BG/NBD.
    expect(alive).toBeGreaterThanOrEqual(2357 - 946);
    expect(refreshed).toEqual([expect.objectContaining({ segmentId, size: alive, entered: alive, exited: 0 })]);
    const list = (await cdnow('GET', '/api/segments')).body as { id: string; size: number }[];
    expect(list.find((s) => s.id === segmentId)?.size).toBe(alive);
  });

  it('shows the run as the latest CLV model and in the runs', async () => {
    const latest = (await cdnow('GET', '/api/models')).body as Record<string, Run | null>;
    expect(latest['clv']?.id).toBe(run.id);
    expect(latest['churn']).toBeNull();
    expect(latest['cluster']).toBeNull();
    const one = await cdnow('GET', `/api/models/runs/${run.id}`);
    expect(one.status).toBe(200);
    expect((one.body as Run).stats).toMatchObject({ bgnbd: { converged: true }, gamma_gamma: { converged: true } });
    // Workspaces do not see each other's models.
    expect((await empty('GET', `/api/models/runs/${run.id}`)).status).toBe(404);
    expect((await telco('GET', '/api/models')).body).toEqual({ clv: null, churn: null, cluster: null });
  });

  it('answers only the models asked for, and refuses an unknown one', async () => {
    const some = (await cdnow('GET', '/api/models?kinds=clv,%20churn,clv')).body as Record<string, Run | null>;
    expect(Object.keys(some)).toEqual(['clv', 'churn']);
    expect(some['clv']?.id).toBe(run.id);
    expect((await cdnow('GET', '/api/models?kinds=cluster')).body).toEqual({ cluster: null });
    const bad = await cdnow('GET', `/api/models?kinds=clv,${encodeURIComponent("x'; DROP TABLE runs; --")}`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'invalid_parameter', path: 'kinds' } });
  });
});

describe('POST /api/models/cluster on CDNOW', () => {
  it('groups every customer into k = 3 personas and writes the cluster trait', async () => {
    const reply = await cdnow('POST', '/api/models/cluster', { k: 3 });
    expect(reply.status).toBe(200);
    const run = (reply.body as { run: Run }).run;
    expect(run).toMatchObject({ kind: 'cluster', status: 'succeeded', params: { k: 3, seed: 42 } });
    const stats = run.stats as { k: number; data: { users: number }; clusters: { name: string; size: number }[] };
    expect(stats.k).toBe(3);
    expect(stats.clusters).toHaveLength(3);
    // The 2,357 CDNOW customers and HOSTILE, who ordered in 1998.
    expect(stats.data.users).toBe(2358);
    expect(stats.clusters.reduce((s, c) => s + c.size, 0)).toBe(2358);
    expect(new Set(stats.clusters.map((c) => c.name)).size).toBe(3);

    const items = await allScores(cdnow, 'cluster');
    expect(items).toHaveLength(2358);
    for (const cluster of stats.clusters) {
      expect(items.filter((item) => item.scores['cluster'] === cluster.name)).toHaveLength(cluster.size);
    }
    const latest = (await cdnow('GET', '/api/models')).body as Record<string, Run | null>;
    expect(latest['cluster']?.id).toBe(run.id);
  });

  it('answers a user id with quotes exactly, and one that matches nobody with nothing', async () => {
    const reply = await cdnow('GET', `/api/models/cluster/scores?user=${encodeURIComponent(HOSTILE)}`);
    expect(reply.status).toBe(200);
    const scores = reply.body as Scores;
    expect(scores.total).toBe(1);
    expect(scores.items[0]?.userId).toBe(HOSTILE);
    const profile = await cdnow('GET', `/api/profiles/${encodeURIComponent(HOSTILE)}`);
    expect((profile.body as { profile: { traits: Record<string, unknown> } }).profile.traits['cluster']).toBe(
      scores.items[0]?.scores['cluster'],
    );
    for (const user of ["4' OR '1'='1", '4"; DELETE FROM model_scores; --', '%']) {
      const none = await cdnow('GET', `/api/models/clv/scores?user=${encodeURIComponent(user)}`);
      expect(none.status, user).toBe(200);
      expect(none.body, user).toMatchObject({ total: 0, runId: null, items: [] });
    }
    expect(((await cdnow('GET', '/api/models/clv/scores?limit=1')).body as Scores).total).toBe(2357);
  });
});

describe('POST /api/models/churn', () => {
  it('fits the supervised model on Telco with the published cross-validated AUC', async () => {
    const reply = await telco('POST', '/api/models/churn', { label: 'Churn', positive: 'Yes' });
    expect(reply.status).toBe(200);
    const run = (reply.body as { run: Run }).run;
    expect(run).toMatchObject({ kind: 'churn', status: 'succeeded', params: { label: 'Churn', positive: 'Yes' } });
    const stats = run.stats as {
      mode: string;
      scored: number;
      data: { labelledUsers: number; churnRate: number; behaviour: boolean };
      quality: { crossValidatedAuc: number; calibration: { count: number }[] };
    };
    expect(stats.mode).toBe('supervised');
    // IBM Telco: 7,043 customers, 1,869 churned; logistic regression reaches a CV AUC of about 0.84–0.85.
    expect(stats.data).toMatchObject({ labelledUsers: 7043, behaviour: false });
    expect(stats.data.churnRate).toBeCloseTo(1869 / 7043, 6);
    expect(stats.quality.crossValidatedAuc).toBeCloseTo(0.845, 2);
    expect(stats.quality.calibration.reduce((s, bin) => s + bin.count, 0)).toBe(7043);
    expect(stats.scored).toBe(7043);

    const scores = (await telco('GET', '/api/models/churn/scores?user=7590-VHVEG')).body as Scores;
    const risk = scores.items[0]?.scores['churn_risk'] as number;
    expect(risk).toBeGreaterThan(0);
    expect(risk).toBeLessThan(1);
    const profile = (await telco('GET', '/api/profiles/7590-VHVEG')).body as {
      profile: { traits: Record<string, unknown> };
    };
    expect(profile.profile.traits['churn_risk']).toBe(risk);
    // In sample, the scores rank churners above stayers at least as well as out of fold.
    const items = await allScores(telco, 'churn');
    expect(items).toHaveLength(7043);
    const churned = telcoChurn();
    const risks = (label: boolean) =>
      items.filter((item) => churned.get(item.userId) === label).map((item) => item.scores['churn_risk'] as number);
    const inSample = aucOf(risks(true), risks(false));
    expect(inSample).toBeGreaterThan(0.84);
    expect(inSample).toBeLessThan(0.9);
  });

  it('refuses a label no profile has, even a hostile one, and changes nothing', async () => {
    const before = (await telco('GET', '/api/models/churn/scores?limit=1')).body as Scores;
    const label = "x'); DROP TABLE profiles; --";
    const reply = await telco('POST', '/api/models/churn', { label, positive: 'Yes' });
    expect(reply.status).toBe(422);
    expect(reply.body).toMatchObject({ error: { code: 'unknown_trait', path: 'label' } });
    expect((reply.body as { error: { message: string } }).error.message).toContain(label);
    const after = (await telco('GET', '/api/models/churn/scores?limit=1')).body as Scores;
    expect(after).toEqual(before);
    expect((await telco('GET', '/api/profiles/7590-VHVEG')).status).toBe(200);
    // The refusal is a failed run; the latest model is still the succeeded one.
    const [failed] = (await telco('GET', '/api/models/runs?kind=churn&limit=1')).body as Run[];
    expect(failed).toMatchObject({ status: 'failed', params: { label } });
    expect(failed?.error).toContain('no profile has the label trait');
    const latest = (await telco('GET', '/api/models')).body as Record<string, Run | null>;
    expect(latest['churn']?.id).toBe(before.runId);
  });

  it('refuses behavioural churn where nobody has recent events: 422 and a failed run with the reason', async () => {
    // CDNOW ends in mid-1998: a year later nobody has an event in the 365-day lookback.
    const reply = await cdnow('POST', '/api/models/churn', { asOf: '1999-09-01T00:00:00Z' });
    expect(reply.status).toBe(422);
    expect(reply.body).toMatchObject({ error: { code: 'insufficient_data', path: 'data' } });
    const [failed] = (await cdnow('GET', '/api/models/runs?kind=churn')).body as Run[];
    expect(failed).toMatchObject({ kind: 'churn', status: 'failed', stats: null });
    expect(failed?.error).toMatch(/needs at least 20 churned and 20 retained users/);
    expect(((await cdnow('GET', '/api/models')).body as Record<string, unknown>)['churn']).toBeNull();
  });
});

describe('data that cannot support a model', () => {
  it('refuses CLV and clustering on three customers, recording the failed runs', async () => {
    // A workspace with no order at all is refused too, and recorded, like any other refusal.
    const none = await empty('POST', '/api/models/clv', {});
    expect(none.status).toBe(422);
    expect(none.body).toMatchObject({
      error: { code: 'insufficient_data', message: 'workspace "empty" has no orders to fit a CLV model on' },
    });
    const [first] = (await empty('GET', '/api/models/runs')).body as Run[];
    expect(first).toMatchObject({
      kind: 'clv',
      status: 'failed',
      error: 'workspace "empty" has no orders to fit a CLV model on',
    });
    await loadFixture(engine, 'empty', {
      profiles: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
      events: [
        { user: 'a', name: 'Order Completed', at: '2024-01-02T10:00:00Z', revenue: 10 },
        { user: 'a', name: 'Order Completed', at: '2024-02-02T10:00:00Z', revenue: 20 },
        { user: 'b', name: 'Order Completed', at: '2024-01-05T10:00:00Z', revenue: 15 },
        { user: 'c', name: 'Order Completed', at: '2024-03-05T10:00:00Z', revenue: 5 },
      ],
    });
    const clv = await empty('POST', '/api/models/clv', {});
    expect(clv.status).toBe(422);
    expect(clv.body).toMatchObject({ error: { code: 'insufficient_data', path: 'data' } });
    const cluster = await empty('POST', '/api/models/cluster', {});
    expect(cluster.status).toBe(422);
    expect(cluster.body).toMatchObject({ error: { code: 'insufficient_data', path: 'data' } });
    const runs = (await empty('GET', '/api/models/runs')).body as Run[];
    expect(runs.map((r) => [r.kind, r.status])).toEqual([
      ['cluster', 'failed'],
      ['clv', 'failed'],
      ['clv', 'failed'],
    ]);
    expect(runs[0]?.error).toBe('clustering needs at least 10 users with events; there are 3');
    expect(runs[1]?.error).toMatch(/^BG\/NBD needs at least 50 customers and 20 repeat buyers; the data has 3 custom/);
    expect((await empty('GET', '/api/models')).body).toEqual({ clv: null, churn: null, cluster: null });
    expect(((await empty('GET', '/api/models/clv/scores')).body as Scores).total).toBe(0);
  });
});

describe('bad requests', () => {
  it('names the offending option in a 400 and records no run', async () => {
    const before = ((await cdnow('GET', '/api/models/runs?limit=1000')).body as Run[]).length;
    const cases: [string, unknown, string, string][] = [
      ['clv', { unit: 'month' }, 'unit', 'invalid_value'],
      ['clv', { asOf: 'yesterday' }, 'asOf', 'invalid_format'],
      ['clv', { horizonDays: 0 }, 'horizonDays', 'too_small'],
      ['clv', { discountRate: '10%' }, 'discountRate', 'invalid_type'],
      ['clv', { bogus: 1 }, '', 'unknown_field'],
      ['churn', { label: 'Churn' }, 'positive', 'missing_field'],
      ['churn', { positive: 'Yes' }, 'label', 'missing_field'],
      ['churn', { windowDays: 1 }, 'windowDays', 'too_small'],
      ['cluster', { k: 1 }, 'k', 'too_small'],
      ['cluster', { k: 'three' }, 'k', 'invalid_value'],
      ['cluster', { features: [] }, 'features', 'too_small'],
      ['cluster', { seed: -1 }, 'seed', 'too_small'],
    ];
    for (const [kind, body, path, code] of cases) {
      const reply = await cdnow('POST', `/api/models/${kind}`, body);
      const what = `${kind} ${JSON.stringify(body)}`;
      expect(reply.status, what).toBe(400);
      expect(reply.body, what).toMatchObject({ error: { code, ...(path ? { path } : {}) } });
    }
    // A feature name the catalogue does not know, or one listed twice, is a bad option too.
    const feature = await cdnow('POST', '/api/models/cluster', { features: ['orders', 'nope'] });
    expect(feature.status).toBe(400);
    expect(feature.body).toMatchObject({ error: { code: 'unknown_feature', path: 'features[1]' } });
    const twice = await cdnow('POST', '/api/models/cluster', { features: ['orders', 'revenue', 'orders'] });
    expect(twice.status).toBe(400);
    expect(twice.body).toMatchObject({ error: { code: 'duplicate_feature', path: 'features[2]' } });
    const bogus = (await cdnow('POST', '/api/models/clv', { bogus: 1 })).body as { error: { message: string } };
    expect(bogus.error.message).toContain('bogus');
    expect((await cdnow('POST', '/api/models/clv', '{"unit": ')).body).toMatchObject({
      error: { code: 'invalid_json' },
    });
    expect(((await cdnow('GET', '/api/models/runs?limit=1000')).body as Run[]).length).toBe(before);
  });

  it('answers 404 for an unknown model or run, and for a run that is not a model', async () => {
    for (const path of ['/api/models/ltv/scores', '/api/models/runs?kind=traits', '/api/models/runs/run_nope']) {
      const reply = await cdnow('GET', path);
      expect(reply.status, path).toBe(404);
      expect(reply.body, path).toMatchObject({ error: { code: 'not_found' } });
    }
    expect((await cdnow('POST', '/api/models/ltv', {})).status).toBe(404);
    const hostile = await cdnow('GET', `/api/models/runs/${encodeURIComponent("x' OR '1'='1")}`);
    expect(hostile.status).toBe(404);

    const traits = await cdnow('POST', '/api/analytics/traits/refresh', {});
    expect(traits.status).toBe(200);
    const traitsRun = (traits.body as { run: Run }).run;
    expect(traitsRun.kind).toBe('traits');
    const reply = await cdnow('GET', `/api/models/runs/${traitsRun.id}`);
    expect(reply.status).toBe(404);
    expect(reply.body).toMatchObject({ error: { code: 'not_found', path: 'id' } });
    // …and the model runs never list it.
    const runs = (await cdnow('GET', '/api/models/runs')).body as Run[];
    expect(runs.map((r) => r.kind).every((kind) => ['clv', 'churn', 'cluster'].includes(kind))).toBe(true);
  });

  it('checks the query parameters of the lists', async () => {
    const cases: [string, string][] = [
      ['/api/models/runs?limit=0', 'limit'],
      ['/api/models/runs?limit=1001', 'limit'],
      ['/api/models/runs?limit=x', 'limit'],
      ['/api/models/clv/scores?limit=1001', 'limit'],
      ['/api/models/clv/scores?offset=-1', 'offset'],
    ];
    for (const [path, name] of cases) {
      const reply = await cdnow('GET', path);
      expect(reply.status, path).toBe(400);
      expect(reply.body, path).toMatchObject({ error: { path: name } });
    }
  });
});

describe('GET /api/models/runs', () => {
  it('lists model runs newest first, filtered by kind and limited', async () => {
    const runs = (await cdnow('GET', '/api/models/runs')).body as Run[];
    // clv, cluster, then the refused behavioural churn: newest first.
    expect(runs.map((r) => [r.kind, r.status])).toEqual([
      ['churn', 'failed'],
      ['cluster', 'succeeded'],
      ['clv', 'succeeded'],
    ]);
    const clv = (await cdnow('GET', '/api/models/runs?kind=clv')).body as Run[];
    expect(clv.map((r) => r.kind)).toEqual(['clv']);
    expect(((await cdnow('GET', '/api/models/runs?limit=1')).body as Run[]).map((r) => r.id)).toEqual([runs[0]?.id]);
  });
});
