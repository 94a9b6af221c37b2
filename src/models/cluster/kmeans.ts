import { UserError } from '../../errors.js';
import { type Matrix, matrix, squaredDistance } from '../math/matrix.js';
import { Rng } from '../math/random.js';
import { kmeansPlusPlus } from './seeding.js';

/** Options of {@link kmeans}. */
export interface KMeansOptions {
  /** Seed of the random generator; restart r uses seed + r, so a run is reproducible restart by restart. */
  readonly seed?: number;
  /** Independent seedings; the one with the lowest inertia is kept. Default 4. */
  readonly restarts?: number;
  /** Lloyd iteration cap per restart. Default 300. */
  readonly maxIterations?: number;
  /**
   * Convergence tolerance on the summed squared centroid shift, relative to the mean column variance of the data
   * (scikit-learn's definition). Default 1e-4.
   */
  readonly tolerance?: number;
  /** Above this many rows, k-means++ seeds on a random sample of this size. Default 100,000. */
  readonly initSampleSize?: number;
}

/** A k-means clustering. */
export interface KMeansResult {
  readonly k: number;
  /** k × cols, in the (standardised) units of the input. */
  readonly centroids: Matrix;
  /** Cluster of each row, in [0, k). */
  readonly assignment: Int32Array;
  /** Rows per cluster. */
  readonly sizes: number[];
  /** Sum of squared distances of the rows to their centroid. */
  readonly inertia: number;
  /** Lloyd iterations of the kept restart. */
  readonly iterations: number;
  /** Number of restarts run. */
  readonly restarts: number;
  /** Final inertia of each restart, in order; `inertia` is their minimum. */
  readonly restartInertias: number[];
}

/** Outcome of Lloyd's iterations from one set of initial centroids. */
export interface LloydResult {
  readonly centroids: Matrix;
  readonly assignment: Int32Array;
  readonly inertia: number;
  readonly iterations: number;
}

const DEFAULTS = { seed: 42, restarts: 4, maxIterations: 300, tolerance: 1e-4, initSampleSize: 100_000 };

/**
 * k-means of the rows of `X` (already standardised by the caller): greedy k-means++ seeding, then Lloyd's
 * iterations (accelerated with Hamerly's bounds, which give the same assignments as plain Lloyd), several restarts,
 * keeping the lowest inertia.
 */
export function kmeans(X: Matrix, k: number, options: KMeansOptions = {}): KMeansResult {
  const seed = options.seed ?? DEFAULTS.seed;
  const restarts = options.restarts ?? DEFAULTS.restarts;
  const maxIterations = options.maxIterations ?? DEFAULTS.maxIterations;
  const tolerance = options.tolerance ?? DEFAULTS.tolerance;
  const initSampleSize = options.initSampleSize ?? DEFAULTS.initSampleSize;
  if (!Number.isInteger(k) || k < 1) {
    throw new UserError('invalid_value', `k must be a positive integer; got ${k}`, 'k');
  }
  if (k > X.rows) {
    throw new UserError('invalid_value', `k-means cannot make ${k} clusters of ${X.rows} rows`, 'k');
  }
  if (!Number.isInteger(restarts) || restarts < 1) {
    throw new UserError('invalid_value', `restarts must be a positive integer; got ${restarts}`, 'restarts');
  }
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new UserError(
      'invalid_value',
      `maxIterations must be a positive integer; got ${maxIterations}`,
      'maxIterations',
    );
  }
  if (!(tolerance >= 0)) throw new UserError('invalid_value', `tolerance must be ≥ 0; got ${tolerance}`, 'tolerance');
  if (!Number.isInteger(initSampleSize) || initSampleSize < k) {
    throw new UserError(
      'invalid_value',
      `initSampleSize must be an integer ≥ k; got ${initSampleSize}`,
      'initSampleSize',
    );
  }
  requireFinite(X);

  const absoluteTolerance = tolerance * meanColumnVariance(X);
  let best: LloydResult | undefined;
  let bestIndex = 0;
  const restartInertias: number[] = [];
  for (let r = 0; r < restarts; r++) {
    const rng = new Rng(seed + r);
    const seedingRows = X.rows > initSampleSize ? sampleRows(X, rng.sample(X.rows, initSampleSize)) : X;
    const initial = kmeansPlusPlus(seedingRows, k, rng);
    const run = lloyd(X, initial, { maxIterations, tolerance: absoluteTolerance });
    restartInertias.push(run.inertia);
    if (!best || run.inertia < best.inertia) {
      best = run;
      bestIndex = r;
    }
  }
  if (!best) throw new Error('internal error: k-means ran no restart');
  const sizes = new Array<number>(k).fill(0);
  for (const c of best.assignment) sizes[c] = (sizes[c] as number) + 1;
  return {
    k,
    centroids: best.centroids,
    assignment: best.assignment,
    sizes,
    inertia: restartInertias[bestIndex] as number,
    iterations: best.iterations,
    restarts,
    restartInertias,
  };
}

/** The nearest centroid of each row of `X` (ties go to the lower cluster index). */
export function assign(centroids: Matrix, X: Matrix): Int32Array {
  if (centroids.cols !== X.cols) {
    throw new Error(`internal error: ${centroids.cols}-column centroids for ${X.cols}-column rows`);
  }
  const { rows: n, cols: d, data } = X;
  const k = centroids.rows;
  const C = centroids.data;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const base = i * d;
    let best = 0;
    let bestDist = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) {
      const dist = squaredDistance(data, base, C, c * d, d);
      if (dist < bestDist) {
        bestDist = dist;
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}

/**
 * Lloyd's iterations from `initial` until no assignment changes, the summed squared centroid shift is at most
 * `tolerance` (absolute), or `maxIterations`. Hamerly's (2010) upper/lower distance bounds skip most distance
 * computations without changing the result. A cluster left empty is re-seeded with the point farthest from its
 * centre (taken from a cluster of at least two points). When stopped by the tolerance or the cap, a last
 * assignment pass makes the labels match the returned centroids, as scikit-learn does.
 */
export function lloyd(
  X: Matrix,
  initial: Matrix,
  options: { readonly maxIterations: number; readonly tolerance: number },
): LloydResult {
  const { rows: n, cols: d, data } = X;
  const k = initial.rows;
  if (initial.cols !== d) throw new Error(`internal error: ${initial.cols}-column centroids for ${d}-column rows`);
  const C = Float64Array.from(initial.data);
  const previous = new Float64Array(k * d);
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  const halfGap = new Float64Array(k);
  const drift = new Float64Array(k);
  const label = new Int32Array(n);
  const upper = new Float64Array(n);
  const lower = new Float64Array(n);

  for (let i = 0; i < n; i++) {
    const c = nearestTwo(data, i, d, C, k, upper, lower);
    label[i] = c;
    counts[c] = (counts[c] as number) + 1;
    for (let j = 0; j < d; j++) sums[c * d + j] = (sums[c * d + j] as number) + (data[i * d + j] as number);
  }
  let iterations = 0;
  while (iterations < options.maxIterations) {
    iterations++;
    previous.set(C);
    reseedEmpty(data, d, n, k, C, label, counts, sums, upper, lower);
    let shift = 0;
    let maxDrift = 0;
    let maxDriftCluster = -1;
    let secondDrift = 0;
    for (let c = 0; c < k; c++) {
      const count = counts[c] as number;
      const cb = c * d;
      // A cluster still empty (more clusters than distinct points) keeps its centre.
      if (count > 0) for (let j = 0; j < d; j++) C[cb + j] = (sums[cb + j] as number) / count;
      const squared = squaredDistance(C, cb, previous, cb, d);
      shift += squared;
      const moved = Math.sqrt(squared);
      drift[c] = moved;
      if (moved > maxDrift) {
        secondDrift = maxDrift;
        maxDrift = moved;
        maxDriftCluster = c;
      } else if (moved > secondDrift) {
        secondDrift = moved;
      }
    }
    for (let c = 0; c < k; c++) {
      let nearest = Number.POSITIVE_INFINITY;
      for (let o = 0; o < k; o++) if (o !== c) nearest = Math.min(nearest, squaredDistance(C, c * d, C, o * d, d));
      halfGap[c] = Math.sqrt(nearest) / 2;
    }

    // Assignment pass. Hamerly: a row keeps its centre without any distance computation while its upper bound
    // (distance to its own centre) is below both half the gap to the nearest other centre and its lower bound
    // (distance to the second nearest); bounds move by the centres' drift. Sums follow the rows that move.
    let changed = 0;
    for (let i = 0; i < n; i++) {
      const own = label[i] as number;
      let up = (upper[i] as number) + (drift[own] as number);
      const low = (lower[i] as number) - (own === maxDriftCluster ? secondDrift : maxDrift);
      const bound = Math.max(halfGap[own] as number, low);
      if (up > bound) {
        up = Math.sqrt(squaredDistance(data, i * d, C, own * d, d));
        if (up > bound) {
          const best = nearestTwo(data, i, d, C, k, upper, lower);
          if (best !== own) {
            label[i] = best;
            counts[own] = (counts[own] as number) - 1;
            counts[best] = (counts[best] as number) + 1;
            for (let j = 0; j < d; j++) {
              const v = data[i * d + j] as number;
              sums[own * d + j] = (sums[own * d + j] as number) - v;
              sums[best * d + j] = (sums[best * d + j] as number) + v;
            }
            changed++;
          }
          continue;
        }
      }
      upper[i] = up;
      lower[i] = low;
    }
    // The pass runs before the tolerance test so that the labels always match the returned centroids.
    if (changed === 0 || shift <= options.tolerance) break;
  }

  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += squaredDistance(data, i * d, C, (label[i] as number) * d, d);
  return { centroids: matrix(k, d, C), assignment: label, inertia, iterations };
}

/** Moves the farthest points of clusters with at least two points into the empty clusters. */
function reseedEmpty(
  data: Float64Array,
  d: number,
  n: number,
  k: number,
  C: Float64Array,
  label: Int32Array,
  counts: Float64Array,
  sums: Float64Array,
  upper: Float64Array,
  lower: Float64Array,
): void {
  let empty = 0;
  for (let c = 0; c < k; c++) if (counts[c] === 0) empty++;
  if (empty === 0) return;
  // Exact distances to the centres the labels were computed against (C still holds them here).
  const distance = new Float64Array(n);
  for (let i = 0; i < n; i++) distance[i] = squaredDistance(data, i * d, C, (label[i] as number) * d, d);
  for (let c = 0; c < k; c++) {
    if (counts[c] !== 0) continue;
    let far = -1;
    let farDist = -1;
    for (let i = 0; i < n; i++) {
      if ((counts[label[i] as number] as number) < 2) continue;
      if ((distance[i] as number) > farDist) {
        farDist = distance[i] as number;
        far = i;
      }
    }
    if (far < 0) return;
    const from = label[far] as number;
    const base = far * d;
    for (let j = 0; j < d; j++) {
      sums[from * d + j] = (sums[from * d + j] as number) - (data[base + j] as number);
      sums[c * d + j] = data[base + j] as number;
    }
    counts[from] = (counts[from] as number) - 1;
    counts[c] = 1;
    label[far] = c;
    distance[far] = 0;
    // The point sits on its new centre; a zero lower bound forces a full scan of it next pass.
    upper[far] = 0;
    lower[far] = 0;
  }
}

/** Index of the centre nearest to row i; its distance goes to upper[i], the second nearest's to lower[i]. */
function nearestTwo(
  data: Float64Array,
  i: number,
  d: number,
  C: Float64Array,
  k: number,
  upper: Float64Array,
  lower: Float64Array,
): number {
  const base = i * d;
  let best = 0;
  let first = Number.POSITIVE_INFINITY;
  let second = Number.POSITIVE_INFINITY;
  for (let c = 0; c < k; c++) {
    const dist = squaredDistance(data, base, C, c * d, d);
    if (dist < first) {
      second = first;
      first = dist;
      best = c;
    } else if (dist < second) {
      second = dist;
    }
  }
  upper[i] = Math.sqrt(first);
  lower[i] = Math.sqrt(second);
  return best;
}

function sampleRows(X: Matrix, indexes: readonly number[]): Matrix {
  const d = X.cols;
  const out = matrix(indexes.length, d);
  indexes.forEach((i, r) => {
    out.data.set(X.data.subarray(i * d, i * d + d), r * d);
  });
  return out;
}

function meanColumnVariance(X: Matrix): number {
  const { rows: n, cols: d, data } = X;
  if (n === 0 || d === 0) return 0;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (data[i * d + j] as number);
  for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) / n;
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const diff = (data[i * d + j] as number) - (mean[j] as number);
      total += diff * diff;
    }
  }
  return total / (n * d);
}

function requireFinite(X: Matrix): void {
  const { data, cols } = X;
  for (let p = 0; p < data.length; p++) {
    if (!Number.isFinite(data[p] as number)) {
      const i = Math.floor(p / cols);
      throw new UserError(
        'invalid_value',
        `k-means needs finite feature values; row ${i}, column ${p - i * cols} is ${data[p]}`,
        'data',
      );
    }
  }
}
