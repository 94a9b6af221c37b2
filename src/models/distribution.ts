import { MODEL_TRAITS, type ModelKind } from '../analytics/traits/definitions.js';
import type { Engine } from '../engines/engine.js';
import { int, join, num, type Sql, sql, str } from '../engines/sql.js';
import { UserError } from '../errors.js';

/** The quantiles a distribution reports, by name. */
const QUANTILES = { p10: 0.1, p25: 0.25, p50: 0.5, p75: 0.75, p90: 0.9, p99: 0.99 } as const;
type QuantileName = keyof typeof QUANTILES;

export const DEFAULT_BINS = 20;
export const MIN_BINS = 5;
export const MAX_BINS = 100;

/** One bar of the histogram: the users whose value is in [from, to) (the last bar: everything from `from` up). */
export interface DistributionBin {
  readonly from: number;
  readonly to: number;
  readonly count: number;
}

/** How one numeric output of a model's current run spreads over the users it scored. */
export interface ModelDistribution {
  readonly kind: ModelKind;
  readonly output: string;
  /** The run that wrote the scores; null when the model was never fitted. */
  readonly runId: string | null;
  /** Users with a value of this output. */
  readonly users: number;
  readonly min: number | null;
  readonly max: number | null;
  readonly mean: number | null;
  /** Exact quantiles, interpolated between order statistics (type 7, as R, NumPy and DuckDB's quantile_cont). */
  readonly quantiles: Readonly<Record<QuantileName, number | null>>;
  /**
   * Equal-width bins over [min, p99], so a few extreme values do not squash every other bar into one; the last bin
   * also holds every value above p99. A single bin when min = p99 = max.
   */
  readonly bins: readonly DistributionBin[];
}

/** The numeric outputs of a model: its traits that hold numbers (clusters are names). */
export function numericOutputs(kind: ModelKind): readonly string[] {
  return (MODEL_TRAITS[kind] as readonly string[]).filter((trait) => trait !== 'cluster');
}

/** The output asked for, or the only numeric one when none is named; a 400 on `output` otherwise. */
export function parseOutput(kind: ModelKind, output: string | undefined): string {
  const outputs = numericOutputs(kind);
  if (outputs.length === 0) {
    throw new UserError('invalid_parameter', `model ${kind} has no numeric output to draw`, 'output', 400);
  }
  if (output === undefined || output === '') {
    if (outputs.length === 1) return outputs[0] as string;
    throw new UserError('missing_parameter', `give output=${outputs.join('|')}`, 'output', 400);
  }
  if (!outputs.includes(output)) {
    throw new UserError(
      'invalid_parameter',
      `model ${kind} has no output "${output}"; outputs: ${outputs.join(', ')}`,
      'output',
      400,
    );
  }
  return output;
}

const nothing = (kind: ModelKind, output: string, runId: string | null): ModelDistribution => ({
  kind,
  output,
  runId,
  users: 0,
  min: null,
  max: null,
  mean: null,
  quantiles: { p10: null, p25: null, p50: null, p75: null, p90: null, p99: null },
  bins: [],
});

/**
 * The histogram and summary of one output of a model's current scores (`model_scores`), aggregated by the engine:
 * three small queries (summary, the order statistics the quantiles need, counts per bin), so no per-user row leaves
 * the database. Written for both engines: no FILTER clause, no alias that repeats a column name, and an empty
 * input read from the count rather than from the aggregates (ClickHouse answers 0, not NULL, over no rows).
 */
export async function modelDistribution(
  engine: Engine,
  workspace: string,
  kind: ModelKind,
  options: { readonly output: string; readonly bins?: number },
): Promise<ModelDistribution> {
  const output = parseOutput(kind, options.output);
  const binCount = options.bins ?? DEFAULT_BINS;
  if (!Number.isInteger(binCount) || binCount < MIN_BINS || binCount > MAX_BINS) {
    throw new UserError('invalid_parameter', `bins is a whole number ${MIN_BINS}–${MAX_BINS}`, 'bins', 400);
  }
  const values: Sql = sql`SELECT run_id, ${engine.dialect.jsonNumber(sql`scores`, [output])} AS v
    FROM model_scores WHERE workspace = ${str(workspace)} AND kind = ${str(kind)}`;

  const [summary] = await engine.query(
    sql`SELECT count(v) AS n, min(v) AS lowest, max(v) AS highest, avg(v) AS average, max(run_id) AS last_run
        FROM (${values}) AS scored`,
  );
  const n = Number(summary?.['n'] ?? 0);
  const lastRun = summary?.['last_run'];
  const runId = typeof lastRun === 'string' && lastRun !== '' ? lastRun : null;
  if (n === 0) return nothing(kind, output, runId);
  const min = Number(summary?.['lowest']);
  const max = Number(summary?.['highest']);
  const mean = Number(summary?.['average']);

  const quantiles = await orderQuantiles(engine, values, n);
  const p99 = quantiles.p99;
  const top = p99 > min ? p99 : max;
  if (!(top > min)) {
    return { kind, output, runId, users: n, min, max, mean, quantiles, bins: [{ from: min, to: max, count: n }] };
  }
  const width = (top - min) / binCount;
  const rows = await engine.query(
    sql`SELECT bin_no, count(*) AS users_in_bin FROM (
          SELECT least(CAST(floor((v - ${num(min)}) / ${num(width)}) AS BIGINT), ${int(binCount - 1)}) AS bin_no
          FROM (${values}) AS scored WHERE v IS NOT NULL
        ) AS binned GROUP BY bin_no`,
  );
  const counts = new Map(rows.map((row) => [Number(row['bin_no']), Number(row['users_in_bin'])]));
  const bins = Array.from({ length: binCount }, (_, i) => ({
    from: min + i * width,
    to: i === binCount - 1 ? top : min + (i + 1) * width,
    count: counts.get(i) ?? 0,
  }));
  return { kind, output, runId, users: n, min, max, mean, quantiles, bins };
}

/** Type-7 quantiles from the two order statistics around (n − 1)·p, fetched by rank in one query. */
async function orderQuantiles(engine: Engine, values: Sql, n: number): Promise<Record<QuantileName, number>> {
  const at = (p: number) => {
    const h = (n - 1) * p;
    const below = Math.floor(h);
    return { below, above: Math.min(below + 1, n - 1), fraction: h - below };
  };
  const positions = new Set<number>();
  for (const p of Object.values(QUANTILES)) {
    const { below, above } = at(p);
    positions.add(below);
    positions.add(above);
  }
  const rows = await engine.query(
    sql`SELECT rank_no, v FROM (
          SELECT v, row_number() OVER (ORDER BY v) - 1 AS rank_no FROM (${values}) AS scored WHERE v IS NOT NULL
        ) AS ranked WHERE rank_no IN (${join([...positions].map((p) => sql`${int(p)}`))})`,
  );
  const byRank = new Map(rows.map((row) => [Number(row['rank_no']), Number(row['v'])]));
  const value = (rank: number) => {
    const found = byRank.get(rank);
    if (found === undefined) throw new Error(`internal error: no value at rank ${rank} of ${n}`);
    return found;
  };
  const out = {} as Record<QuantileName, number>;
  for (const [name, p] of Object.entries(QUANTILES) as [QuantileName, number][]) {
    const { below, above, fraction } = at(p);
    out[name] = value(below) + fraction * (value(above) - value(below));
  }
  return out;
}
