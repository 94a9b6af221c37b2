import type { Engine } from '../../src/engines/engine.js';
import { sql, trusted } from '../../src/engines/sql.js';
import { type Matrix, matrix } from '../../src/models/math/matrix.js';
import { Rng } from '../../src/models/math/random.js';

/**
 * The process the CLV data is drawn from, in weeks and currency units: BG/NBD (Fader, Hardie & Lee 2005) for the
 * purchase days — λ ~ Gamma(shape r, rate α), dropout p ~ Beta(a, b) — and Gamma-Gamma for the order values — each
 * value ~ Gamma(shape p, rate ν) with ν ~ Gamma(shape q, rate v). A fit on the generated orders should find these
 * back (r and a below 1, as in CDNOW: most customers buy rarely and many leave early).
 */
export const GENERATING = { r: 0.6, alpha: 4, a: 0.8, b: 2.5, p: 6, q: 4, v: 15 } as const;

/** The generated history ends just before this instant: every order is earlier, customers start in the 2 years before. */
export const MODELS_END = new Date('2026-01-01T00:00:00Z');
const HISTORY_DAYS = 730;

/*
 * Pseudo-random numbers in SQL, reproducible whatever the thread count: a uniform in (0, 1) from the hash of one
 * integer packing (row, stream < 2^18, draw < 2^10) — DuckDB's hash of several arguments XORs their hashes, which
 * makes draws of one row visibly correlated — and a standard normal by Box–Muller. Streams: 1–6 per customer, 999
 * and 1000 + j the order values, 100000 + j the gaps between orders.
 */
const MACROS = [
  `CREATE OR REPLACE TEMP MACRO bench_u(i, s, t) AS
     ((hash(i * 268435456 + s * 1024 + t) >> 11)::DOUBLE + 0.5) / 9007199254740992.0`,
  `CREATE OR REPLACE TEMP MACRO bench_normal(i, s, t) AS
     sqrt(-2 * ln(bench_u(i, s, t))) * cos(2 * pi() * bench_u(i, s, t + 100))`,
];

/**
 * SQL for a Gamma(shape k, scale 1) draw of row i from stream `s` (draws 100–599 of the stream): a sum of k
 * exponentials for a small whole k, else Marsaglia & Tsang (2000) with 5 proposals, the first accepted kept (each is
 * accepted with probability > 0.95, so all 5 fail about once in 10^7 draws, which then take the mode), and the usual
 * boost Gamma(k) = Gamma(k + 1)·U^(1/k) for k < 1. Unrolled into plain expressions: DuckDB evaluates those far faster
 * than list lambdas.
 */
function gammaSql(k: number, s: string): string {
  if (Number.isInteger(k) && k >= 1 && k <= 8) {
    return `(-(${Array.from({ length: k }, (_, t) => `ln(bench_u(i, ${s}, ${100 + t}))`).join(' + ')}))`;
  }
  const kk = k < 1 ? k + 1 : k;
  const d = kk - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  const attempts = Array.from({ length: 5 }, (_, j) => {
    const z = `bench_normal(i, ${s}, ${200 + j})`;
    const v = `(1 + ${c} * ${z})`;
    return `CASE WHEN ${v} > 0 AND ln(bench_u(i, ${s}, ${400 + j})) < 0.5 * ${z} * ${z} + ${d} - ${d} * pow(${v}, 3)
      + ${3 * d} * ln(greatest(${v}, 1e-300)) THEN ${d} * pow(${v}, 3) END`;
  });
  const draw = `coalesce(${attempts.join(', ')}, ${d})`;
  return k < 1 ? `(${draw} * pow(bench_u(i, ${s}, 599), ${1 / k}))` : draw;
}

/**
 * Fills the store with `customers` customers ('c0', 'c1', …) and their `Order Completed` events (the `revenue`
 * column and property set), drawn from {@link GENERATING}, entirely in SQL: each customer's first order falls
 * uniformly in the 2 years before {@link MODELS_END}; repeat orders follow a Poisson process of rate λ, each
 * followed by dropout with probability p (so the number of repeats is min(Poisson(λT), Geometric(p))). Each customer
 * gets a profile with first_seen / last_seen. Returns the number of order events.
 */
export async function generateModelsData(engine: Engine, customers: number): Promise<number> {
  const g = GENERATING;
  const n = trusted(String(Math.floor(customers)));
  const endText = `TIMESTAMP '${MODELS_END.toISOString().slice(0, 19).replace('T', ' ')}'`;
  const end = trusted(endText);
  for (const macro of MACROS) await engine.run(trusted(macro));
  // Per customer: age (weeks since the first order), rate λ (per week), dropout p, spend rate ν; then how many
  // repeat slots to draw: the dropout count, capped where Poisson(λT) is all but certain to have stopped.
  await engine.run(sql`
    CREATE OR REPLACE TEMP TABLE bench_customers AS
    SELECT i, age_weeks, rate, nu, least(dropout_after, ceil(rate * age_weeks + 6 * sqrt(rate * age_weeks) + 10),
        50000)::BIGINT AS slots
    FROM (
      SELECT i, age_weeks, rate, nu,
        1 + floor(ln(bench_u(i, 6, 0)) / ln(1 - least(greatest(pa / (pa + pb), 1e-12), 1 - 1e-12))) AS dropout_after
      FROM (
        SELECT i, ${trusted(String(HISTORY_DAYS))} / 7 * bench_u(i, 1, 0) AS age_weeks,
          ${trusted(gammaSql(g.r, '2'))} / ${trusted(String(g.alpha))} AS rate,
          ${trusted(gammaSql(g.a, '3'))} AS pa, ${trusted(gammaSql(g.b, '4'))} AS pb,
          ${trusted(gammaSql(g.q, '5'))} / ${trusted(String(g.v))} AS nu
        FROM range(${n}) r(i)))`);
  const value = (stream: string) => trusted(`greatest(0.01, round(${gammaSql(g.p, stream)} / nu, 2))`);
  const at = (weeksAgo: string) => trusted(`${endText} - to_microseconds(CAST(${weeksAgo} * 604800e6 AS BIGINT))`);
  // The first order (stream 999), then the repeats (stream 1000 + j): exponential gaps, kept while inside the window.
  await engine.run(sql`
    INSERT INTO events
    SELECT 'default', 'o' || i || '-0', 'track', 'Order Completed', 'c' || i, NULL, t, t,
      json_object('revenue', v), NULL, v
    FROM (SELECT i, ${at('age_weeks')} AS t, ${value('999')} AS v FROM bench_customers)`);
  await engine.run(sql`
    INSERT INTO events
    SELECT 'default', 'o' || i || '-' || (j + 1), 'track', 'Order Completed', 'c' || i, NULL, t, t,
      json_object('revenue', v), NULL, v
    FROM (
      SELECT i, j, ${at('(age_weeks - since_first)')} AS t, ${value('1000 + j')} AS v
      FROM (
        SELECT i, j, age_weeks, nu,
          sum(-ln(bench_u(i, 100000 + j, 0)) / rate) OVER (PARTITION BY i ORDER BY j) AS since_first
        FROM (SELECT i, unnest(range(slots)) AS j, age_weeks, rate, nu FROM bench_customers)
      )
      WHERE since_first < age_weeks)`);
  await engine.run(sql`DROP TABLE bench_customers`);
  await engine.run(sql`
    INSERT INTO profiles
    SELECT 'default', user_id, '{}', '{}', NULL, min(ts), max(ts), ${end}
    FROM events WHERE workspace = 'default' GROUP BY user_id`);
  const [row] = await engine.query(sql`SELECT count(*) AS n FROM events WHERE workspace = 'default'`);
  if (Number(row?.['n'] ?? 0) < customers) throw new Error(`generated ${row?.['n']} orders for ${customers} customers`);
  return Number(row?.['n']);
}

/** Planted clusters for k-means: the rows, their true cluster, and the generating centres. */
export interface Blobs {
  readonly X: Matrix;
  readonly labels: Int32Array;
  readonly k: number;
}

/**
 * `rows` × `cols` Gaussian blobs around `k` centres drawn N(0, 3²) per coordinate, of unequal sizes (weights 1..k
 * shuffled) and spreads (sd 0.8–1.2): separated enough that the planted labels are recoverable (the nearest true
 * centre scores an ARI above 0.99 with seed 7), close enough that a poor seeding merges two of them.
 */
export function generateBlobs(rows: number, cols: number, k: number, seed: number): Blobs {
  const rng = new Rng(seed);
  const centres = new Float64Array(k * cols);
  for (let c = 0; c < k * cols; c++) centres[c] = 3 * rng.normal();
  const spread = Float64Array.from({ length: k }, () => 0.8 + 0.4 * rng.next());
  const weights = rng.shuffle(Array.from({ length: k }, (_, c) => c + 1));
  const total = weights.reduce((s, w) => s + w, 0);
  const cumulative = new Float64Array(k);
  let running = 0;
  weights.forEach((w, c) => {
    running += w / total;
    cumulative[c] = running;
  });
  const X = matrix(rows, cols);
  const labels = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const u = rng.next();
    let c = 0;
    while (c < k - 1 && u >= (cumulative[c] as number)) c++;
    labels[i] = c;
    const sd = spread[c] as number;
    for (let j = 0; j < cols; j++) X.data[i * cols + j] = (centres[c * cols + j] as number) + sd * rng.normal();
  }
  return { X, labels, k };
}
