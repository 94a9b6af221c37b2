import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine } from '../../src/engines/open.js';
import { createApp } from '../../src/server/app.js';
import { removeServerFile, writeServerFile } from '../../src/server/local-server.js';
import { listen } from '../../src/server/serve.js';
import { strata } from '../cli/capture.js';

/**
 * `strata predict`, `strata cluster` and `strata models`: the real CLI in-process on a DuckDB file holding CDNOW
 * (Fader & Hardie's 1/10 sample, workspace default) and IBM Telco profiles (workspace telco); locally, then through
 * a server that holds the file.
 */

const AS_OF = '1997-10-01T00:00:00Z';

let dir: string;
let db: string;
/** Runs the CLI on the test's file. */
const cli = (...args: string[]) => strata(...args, '--db', db);
/** Runs the CLI with `--json`, expects success and returns the parsed output as `T`. */
const json = async <T>(...args: string[]): Promise<T> => {
  const result = await cli(...args, '--json');
  expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
  return JSON.parse(result.stdout) as T;
};

interface Bgnbd {
  r: number;
  alpha: number;
  a: number;
  b: number;
  log_likelihood: number;
}
interface Run {
  id: string;
  kind: string;
  status: string;
  error: string | null;
  params: Record<string, unknown>;
}
/** `predict clv --json`: the run's stats, and the run. */
interface ClvFit {
  bgnbd: Bgnbd;
  gamma_gamma: { p: number; q: number; v: number };
  changes: Record<string, number>;
  run: Pick<Run, 'id' | 'kind' | 'status'>;
}
interface ClusterFit {
  k: number;
  silhouette: number | null;
  kChoice: { table: { k: number; silhouette: number }[] } | null;
  clusters: { name: string; size: number; share: number }[];
  run: Pick<Run, 'id' | 'kind' | 'status'>;
}
interface Scores {
  total: number;
  runId: string | null;
  items: { userId: string; scores: Record<string, number | string | null> }[];
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'strata-models-cli-'));
  db = join(dir, 'models.duckdb');
  const cdnow = await cli('import', 'test/fixtures/cdnow-sample.txt', '--preset', 'cdnow');
  expect(cdnow.code, cdnow.stderr).toBe(0);
  const telco = await cli('import', 'test/fixtures/telco-churn.csv.gz', '--kind', 'profiles', '--workspace', 'telco');
  expect(telco.code, telco.stderr).toBe(0);
}, 60_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('strata predict clv', () => {
  let fitted: ClvFit;

  it('prints the fitted parameters as JSON: the published CDNOW fit', async () => {
    fitted = await json<ClvFit>('predict', 'clv', '--as-of', AS_OF);
    // Fader, Hardie & Lee (2005), CDNOW sample, weeks 1–39; Fader & Hardie (2013) for Gamma-Gamma.
    expect(fitted.bgnbd.r).toBeCloseTo(0.243, 3);
    expect(fitted.bgnbd.alpha).toBeCloseTo(4.414, 3);
    expect(fitted.bgnbd.a).toBeCloseTo(0.793, 3);
    expect(fitted.bgnbd.b).toBeCloseTo(2.426, 3);
    expect(fitted.bgnbd.log_likelihood).toBeCloseTo(-9582.4, 1);
    expect(fitted.gamma_gamma.p).toBeCloseTo(6.25, 2);
    expect(fitted.gamma_gamma.q).toBeCloseTo(3.74, 2);
    expect(fitted.gamma_gamma.v).toBeCloseTo(15.44, 2);
    expect(fitted).toMatchObject({
      unit: 'week',
      horizonDays: 365,
      discountRate: 0.1,
      data: { customers: 2357, repeatBuyers: 946 },
      changes: { p_alive: 2357, expected_purchases: 2357, clv: 2357 },
      run: { kind: 'clv', status: 'succeeded', asOf: '1997-10-01T00:00:00.000Z' },
    });
  });

  it('prints a text summary naming BG/NBD; refitting the same data writes no new values', async () => {
    const result = await cli('predict', 'clv', '--as-of', AS_OF);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^run run_\w+ \(succeeded\), as of /);
    expect(result.stdout).toContain('customers 2357 (repeat buyers 946), observed to 1997-09-30, unit week');
    expect(result.stdout).toMatch(/BG\/NBD\s+r 0\.243\s+alpha 4\.414\s+a 0\.793\s+b 2\.426\s+log-likelihood -9582\.4/);
    expect(result.stdout).toMatch(/Gamma-Gamma\s+p 6\.25\s+q 3\.74\s+v 15\.44/);
    expect(result.stdout).toContain('traits written: p_alive 0, expected_purchases 0, clv 0 new values');
  });

  it('fits in days to the same model: only the time scale alpha changes, by 7', async () => {
    const daily = await json<ClvFit>('predict', 'clv', '--as-of', AS_OF, '--unit', 'day');
    // Under BG/NBD, measuring time in days instead of weeks multiplies alpha (a rate's scale) by 7; r, a, b stay.
    expect(daily.bgnbd.alpha / fitted.bgnbd.alpha).toBeCloseTo(7, 3);
    expect(daily.bgnbd.r).toBeCloseTo(fitted.bgnbd.r, 4);
    expect(daily.bgnbd.a).toBeCloseTo(fitted.bgnbd.a, 4);
    expect(daily.bgnbd.b).toBeCloseTo(fitted.bgnbd.b, 4);
    // Back to weekly, for the tests below.
    await json<ClvFit>('predict', 'clv', '--as-of', AS_OF);
  });

  it('rejects a bad flag with exit 2 and a message naming it', async () => {
    const month = await cli('predict', 'clv', '--unit', 'month');
    expect(month.code).toBe(2);
    expect(month.stderr).toMatch(/unit/);
    expect(month.stderr).toContain('(at unit)');
    const asJson = await cli('predict', 'clv', '--unit', 'month', '--json');
    expect(asJson.code).toBe(2);
    expect(JSON.parse(asJson.stdout) as unknown).toMatchObject({ error: { path: 'unit' } });
    const discount = await cli('predict', 'clv', '--discount', 'lots');
    expect(discount.code).toBe(2);
    expect(discount.stderr).toContain('discountRate');
    const horizon = await cli('predict', 'clv', '--horizon', '0');
    expect(horizon.code).toBe(2);
    const asOf = await cli('predict', 'clv', '--as-of', 'last tuesday');
    expect(asOf.code).toBe(2);
    expect(asOf.stderr).toContain('asOf');
  });
});

describe('strata models', () => {
  it('lists the runs, shows one and prints its scores', async () => {
    const runs = await json<Run[]>('models');
    expect(runs.length).toBeGreaterThanOrEqual(4);
    expect(runs.every((r) => r.kind === 'clv' && r.status === 'succeeded')).toBe(true);
    const latest = runs[0] as Run;

    const show = await cli('models', 'show', latest.id);
    expect(show.code).toBe(0);
    const run = JSON.parse(show.stdout) as { id: string; params: { unit: string }; stats: { bgnbd: Bgnbd } };
    expect(run.id).toBe(latest.id);
    expect(run.params.unit).toBe('week');
    expect(run.stats.bgnbd.r).toBeCloseTo(0.243, 3);

    const text = await cli('models', '--kind', 'clv', '--limit', '2');
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^id\s+model\s+status\s+as of\s+error\s*$/);
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatch(new RegExp(`^${latest.id}\\s+clv\\s+succeeded`));

    // Customer 4 before the cutoff: days 1997-01-01, 01-18, 08-02, so x = 2, t_x = 213/7, T = 272/7 weeks.
    const { r, alpha, a, b } = run.stats.bgnbd;
    const pAlive = 1 / (1 + (a / (b + 1)) * ((alpha + 272 / 7) / (alpha + 213 / 7)) ** (r + 2));
    const scores = await json<Scores>('models', 'scores', 'clv', '--user', '4');
    expect(scores).toMatchObject({ total: 1, runId: latest.id, items: [{ userId: '4' }] });
    expect(Math.abs((scores.items[0]?.scores['p_alive'] as number) - pAlive)).toBeLessThanOrEqual(1e-4);

    const table = await cli('models', 'scores', 'clv', '--limit', '3');
    const rows = table.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^user\s+p_alive\s+expected_purchases\s+clv\s+expected_spend\s*$/);
    // Ordered by user id as text: the first three of the file's customer ids (the master ids, without zeros).
    const ids = new Set(
      readFileSync('test/fixtures/cdnow-sample.txt', 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => String(Number(line.trim().split(/\s+/)[0]))),
    );
    expect(ids.size).toBe(2357);
    expect(rows.slice(2).map((row) => row.split(/\s+/)[0])).toEqual([...ids].sort().slice(0, 3));
  });

  it('answers an unknown model or run with exit 4', async () => {
    const model = await cli('models', 'scores', 'ltv');
    expect(model.code).toBe(4);
    expect(model.stderr).toContain('no model "ltv"');
    expect((await cli('models', '--kind', 'ltv')).code).toBe(4);
    const run = await cli('models', 'show', "run_x' OR '1'='1");
    expect(run.code).toBe(4);
    expect(run.stderr).toContain(`no analytics run "run_x' OR '1'='1"`);
    const user = await json<Scores>('models', 'scores', 'clv', '--user', `4' OR '1'='1`);
    expect(user).toEqual({ total: 0, runId: null, items: [] });
  });
});

describe('strata cluster', () => {
  it('gives 3 clusters with --k 3, covering every customer', async () => {
    const result = await json<ClusterFit>('cluster', '--k', '3');
    expect(result.k).toBe(3);
    expect(result.run).toMatchObject({ kind: 'cluster', status: 'succeeded' });
    const clusters = result.clusters;
    expect(clusters).toHaveLength(3);
    expect(clusters.reduce((s, c) => s + c.size, 0)).toBe(2357);
    expect(clusters.reduce((s, c) => s + c.share, 0)).toBeCloseTo(1, 9);
    const scores = await json<Scores>('models', 'scores', 'cluster', '--user', '4');
    expect(clusters.map((c) => c.name)).toContain(scores.items[0]?.scores['cluster']);
  });

  it('picks k by the best silhouette with --k auto, and prints a table', async () => {
    const result = await json<ClusterFit>('cluster', '--k-max', '4');
    const table = result.kChoice?.table ?? [];
    expect(table.map((row) => row.k)).toEqual([2, 3, 4]);
    const best = table.reduce((m, row) => (row.silhouette > m.silhouette ? row : m));
    expect(result.k).toBe(best.k);
    expect(result.silhouette).toBe(best.silhouette);

    const text = await cli('cluster', '--k', '2');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^run run_\w+ \(succeeded\)/);
    expect(text.stdout).toContain('\nk 2\n');
    expect(text.stdout).toMatch(/cluster\s+users\s+share\s+suggested segment\s+agreement/);
    expect(text.stdout).toMatch(/traits written: cluster [\d,]+ new values/);
  });

  it('rejects a bad k and an unknown feature', async () => {
    const k = await cli('cluster', '--k', 'many');
    expect(k.code).toBe(2);
    expect(k.stderr).toContain('(at k)');
    const feature = await cli('cluster', '--features', 'orders,shoe_size');
    expect(feature.code).toBe(2);
    expect(feature.stderr).toContain('unknown feature "shoe_size"');
  });
});

describe('strata predict churn', () => {
  it('fits the supervised model on the Telco profiles', async () => {
    const result = await cli('predict', 'churn', '--label', 'Churn', '--positive', 'Yes', '--workspace', 'telco');
    expect(result.code, result.stderr).toBe(0);
    // 1,869 of 7,043 customers churned; 5-fold CV AUC of logistic regression about 0.845.
    expect(result.stdout).toContain('supervised: 7043 labelled users, churn rate 0.265; 5-fold cross-validated AUC');
    const auc = Number(/cross-validated AUC (\d\.\d+)/.exec(result.stdout)?.[1]);
    expect(auc).toBeCloseTo(0.845, 2);
    expect(result.stdout).toContain('scored 7043 users');
    expect(result.stdout).toMatch(
      /drivers, most significant first \(log-odds per sd, or level vs reference\):\nfeature\s+coefficient/,
    );
    expect(result.stdout).toContain('traits written: churn_risk 7,043 new values');
    const [run] = await json<Run[]>('models', '--kind', 'churn', '--workspace', 'telco');
    expect(run).toMatchObject({ kind: 'churn', status: 'succeeded', params: { label: 'Churn', positive: 'Yes' } });
  });

  it('needs --positive with --label', async () => {
    const result = await cli('predict', 'churn', '--label', 'Churn', '--workspace', 'telco');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('(at positive)');
  });

  it('refuses behavioural churn on data with no recent events, and records the failed run', async () => {
    // CDNOW ends in mid-1998: a year later nobody has an event in the 365-day lookback.
    const result = await cli('predict', 'churn', '--as-of', '1999-09-01T00:00:00Z');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/needs at least 20 churned and 20 retained users/);
    const [run] = await json<Run[]>('models', '--kind', 'churn');
    expect(run).toMatchObject({ kind: 'churn', status: 'failed' });
    expect(run?.error).toMatch(/needs at least 20 churned/);
  });
});

describe('while a server holds the file', () => {
  it('goes through the API and fits the same model', async () => {
    const traitsRun = (await json<{ run: Run }>('traits', 'refresh')).run.id;
    // On the file, as through the server below, a run that is not a model is not found.
    expect((await cli('models', 'show', traitsRun)).code).toBe(4);
    const local = await json<Scores>('models', 'scores', 'clv', '--user', '4');
    const engine = await openEngine({ db });
    const token = 'models-test-token';
    const server = await listen(createApp({ engine, localToken: token, version: 'test' }), { port: 0 });
    await writeServerFile(db, { url: server.url, token, pid: process.pid });
    try {
      const remote = await json<ClvFit>('predict', 'clv', '--as-of', AS_OF);
      expect(remote.bgnbd.r).toBeCloseTo(0.243, 3);
      expect(remote.bgnbd.alpha).toBeCloseTo(4.414, 3);
      expect(remote.run).toMatchObject({ kind: 'clv', status: 'succeeded' });
      expect(remote.changes).toEqual({ p_alive: 0, expected_purchases: 0, clv: 0 });
      const runs = await json<Run[]>('models', '--kind', 'clv');
      expect(runs[0]?.id).toBe(remote.run.id);
      const show = await cli('models', 'show', remote.run.id);
      expect(JSON.parse(show.stdout) as unknown).toMatchObject({ id: remote.run.id, stats: { unit: 'week' } });
      const scores = await json<Scores>('models', 'scores', 'clv', '--user', '4');
      expect(scores.items).toEqual(local.items);
      expect(scores.runId).toBe(remote.run.id);
      // The server answers a run that is not a model as not found.
      expect((await cli('models', 'show', traitsRun)).code).toBe(4);
      const failed = await cli('predict', 'clv', '--unit', 'month');
      expect(failed.code).toBe(2);
      expect(failed.stderr).toContain('unit');
    } finally {
      await removeServerFile(db);
      await server.close();
      await engine.close();
    }
  });
});
