import { UserError } from '../../errors.js';
import { type Matrix, matrix } from '../math/matrix.js';
import { Rng } from '../math/random.js';
import { type KMeansOptions, type KMeansResult, kmeans } from './kmeans.js';
import { silhouette } from './silhouette.js';

/** Options of {@link chooseK}: the k range, the silhouette sample and the k-means options used for every k. */
export interface ChooseKOptions extends KMeansOptions {
  /** Smallest k tried; at least 2 (the silhouette needs two clusters). Default 2. */
  readonly kMin?: number;
  /** Largest k tried; lowered to rows − 1 on tiny data. Default 8. */
  readonly kMax?: number;
  /** Rows scored by the sampled silhouette. Default 2,000. */
  readonly silhouetteSampleSize?: number;
  /**
   * Above this many rows, the candidate k are compared on k-means fits of a seeded random sample of this size, and
   * only the chosen k is fitted on every row. Default 100,000.
   */
  readonly selectionSampleSize?: number;
}

/** Score of one candidate k (on the selection sample when one was drawn). */
export interface KScore {
  readonly k: number;
  readonly silhouette: number;
  readonly inertia: number;
}

/** The chosen clustering and the table it was chosen from. */
export interface ChooseKResult {
  readonly k: number;
  readonly clustering: KMeansResult;
  /** One line per k tried, in increasing k. */
  readonly table: KScore[];
  /** Rows the candidates were fitted on: all rows, or the selection sample. */
  readonly selectionRows: number;
}

/**
 * Automatic k: runs k-means for every k in [kMin, kMax], scores each by the sampled silhouette (the same seeded row
 * sample for every k, so the scores are comparable) and keeps the highest; ties go to the smaller k. On large data
 * the candidates are fitted on a random sample (see `selectionSampleSize`): the silhouette only ever looks at a
 * couple of thousand rows, so fitting seven k on a million rows would buy no better choice.
 */
export function chooseK(X: Matrix, options: ChooseKOptions = {}): ChooseKResult {
  const kMin = options.kMin ?? 2;
  const requestedMax = options.kMax ?? 8;
  if (!Number.isInteger(kMin) || kMin < 2) {
    throw new UserError('invalid_value', `kMin must be an integer ≥ 2; got ${kMin}`, 'kMin');
  }
  if (!Number.isInteger(requestedMax) || requestedMax < kMin) {
    throw new UserError('invalid_value', `kMax must be an integer ≥ kMin (${kMin}); got ${requestedMax}`, 'kMax');
  }
  if (X.rows < kMin + 1) {
    throw new UserError(
      'insufficient_data',
      `choosing among ${kMin}+ clusters needs at least ${kMin + 1} rows; the data has ${X.rows}`,
      'data',
    );
  }
  // The silhouette is defined for 2 ≤ k ≤ rows − 1.
  const kMax = Math.min(requestedMax, X.rows - 1);
  const selectionSampleSize = options.selectionSampleSize ?? 100_000;
  if (!Number.isInteger(selectionSampleSize) || selectionSampleSize < kMax + 1) {
    throw new UserError(
      'invalid_value',
      `selectionSampleSize must be an integer > kMax (${kMax}); got ${selectionSampleSize}`,
      'selectionSampleSize',
    );
  }
  const seed = options.seed ?? 42;
  const fitted = X.rows > selectionSampleSize ? sampleRows(X, new Rng(seed).sample(X.rows, selectionSampleSize)) : X;
  const silhouetteOptions = {
    sampleSize: options.silhouetteSampleSize ?? 2000,
    seed,
  };

  const table: KScore[] = [];
  let best: KMeansResult | undefined;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let k = kMin; k <= kMax; k++) {
    const clustering = kmeans(fitted, k, options);
    const score = silhouette(fitted, clustering.assignment, silhouetteOptions);
    table.push({ k, silhouette: score, inertia: clustering.inertia });
    if (score > bestScore) {
      bestScore = score;
      best = clustering;
    }
  }
  if (!best) throw new Error('internal error: no k was tried');
  const clustering = fitted === X ? best : kmeans(X, best.k, options);
  return { k: best.k, clustering, table, selectionRows: fitted.rows };
}

function sampleRows(X: Matrix, indexes: readonly number[]): Matrix {
  const d = X.cols;
  const out = matrix(indexes.length, d);
  indexes.forEach((i, r) => {
    out.data.set(X.data.subarray(i * d, i * d + d), r * d);
  });
  return out;
}
