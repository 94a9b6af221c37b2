import type { Matrix } from '../math/matrix.js';

/** How far a cluster's mean of one feature sits from everyone else's. */
export interface FeatureDifference {
  readonly feature: number;
  readonly name: string;
  /** (mean in the cluster − mean of the other rows) / standard deviation of all rows; 0 for a constant feature. */
  readonly difference: number;
}

/** What a cluster looks like in the original units. */
export interface ClusterProfile {
  readonly cluster: number;
  readonly size: number;
  /** size / all rows. */
  readonly share: number;
  /** Mean per feature (NaN for an empty cluster). */
  readonly mean: number[];
  /** Median per feature (NaN for an empty cluster). */
  readonly median: number[];
  /** Every feature, by decreasing |difference| (ties by feature index): what distinguishes the cluster. */
  readonly differences: FeatureDifference[];
}

/**
 * Per-cluster profiles of the unstandardised feature matrix `X` under `assignment` (labels in [0, k)). Feature names
 * default to `x0`, `x1`, …
 */
export function profileClusters(
  X: Matrix,
  assignment: Int32Array,
  k: number,
  featureNames?: readonly string[],
): ClusterProfile[] {
  const { rows: n, cols: d, data } = X;
  if (assignment.length !== n) throw new Error(`internal error: ${assignment.length} labels for ${n} rows`);
  if (featureNames && featureNames.length !== d) {
    throw new Error(`internal error: ${featureNames.length} feature names for ${d} columns`);
  }
  const names = featureNames ?? Array.from({ length: d }, (_, j) => `x${j}`);

  const sizes = new Float64Array(k);
  const sums = new Float64Array(k * d);
  const totals = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const c = assignment[i] as number;
    if (c < 0 || c >= k) throw new Error(`internal error: label ${c} outside [0, ${k})`);
    sizes[c] = (sizes[c] as number) + 1;
    for (let j = 0; j < d; j++) {
      const v = data[i * d + j] as number;
      sums[c * d + j] = (sums[c * d + j] as number) + v;
      totals[j] = (totals[j] as number) + v;
    }
  }
  const overall = new Float64Array(d);
  for (let j = 0; j < d; j++) overall[j] = (totals[j] as number) / n;
  const sd = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const diff = (data[i * d + j] as number) - (overall[j] as number);
      sd[j] = (sd[j] as number) + diff * diff;
    }
  }
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt((sd[j] as number) / n);

  const medians = clusterMedians(X, assignment, k, sizes);
  return Array.from({ length: k }, (_, c) => {
    const size = sizes[c] as number;
    const mean: number[] = [];
    const differences: FeatureDifference[] = [];
    for (let j = 0; j < d; j++) {
      const inside = size > 0 ? (sums[c * d + j] as number) / size : Number.NaN;
      mean.push(inside);
      const outsideCount = n - size;
      const outside = outsideCount > 0 ? ((totals[j] as number) - (sums[c * d + j] as number)) / outsideCount : 0;
      const spread = sd[j] as number;
      // A constant feature, or no rows on one side, distinguishes nothing.
      const constant = spread <= 1e-12 * (Math.abs(overall[j] as number) + 1);
      const difference = size === 0 || outsideCount === 0 || constant ? 0 : (inside - outside) / spread;
      differences.push({ feature: j, name: names[j] as string, difference });
    }
    differences.sort((p, q) => Math.abs(q.difference) - Math.abs(p.difference) || p.feature - q.feature);
    return { cluster: c, size, share: n > 0 ? size / n : 0, mean, median: medians[c] as number[], differences };
  });
}

/** medians[c][j], by quickselect on each cluster's column, grouped once with a counting sort. */
function clusterMedians(X: Matrix, assignment: Int32Array, k: number, sizes: Float64Array): number[][] {
  const { rows: n, cols: d, data } = X;
  const start = new Int32Array(k + 1);
  for (let c = 0; c < k; c++) start[c + 1] = (start[c] as number) + (sizes[c] as number);
  const fill = start.slice(0, k);
  const grouped = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = assignment[i] as number;
    grouped[fill[c] as number] = i;
    fill[c] = (fill[c] as number) + 1;
  }
  const medians = Array.from({ length: k }, () => new Array<number>(d).fill(Number.NaN));
  const buffer = new Float64Array(n);
  for (let c = 0; c < k; c++) {
    const from = start[c] as number;
    const size = (start[c + 1] as number) - from;
    if (size === 0) continue;
    const values = buffer.subarray(0, size);
    for (let j = 0; j < d; j++) {
      for (let t = 0; t < size; t++) values[t] = data[(grouped[from + t] as number) * d + j] as number;
      (medians[c] as number[])[j] = median(values);
    }
  }
  return medians;
}

/** Median of `values` (reordered in place); the mean of the two middle values for an even count. */
export function median(values: Float64Array): number {
  const size = values.length;
  if (size === 0) return Number.NaN;
  const upperMiddle = size >> 1;
  const upper = select(values, upperMiddle);
  if (size % 2 === 1) return upper;
  // After selection everything left of upperMiddle is ≤ it; the lower middle is their maximum.
  let lower = Number.NEGATIVE_INFINITY;
  for (let t = 0; t < upperMiddle; t++) if ((values[t] as number) > lower) lower = values[t] as number;
  return (lower + upper) / 2;
}

/** Hoare's quickselect: the value of rank `rank` (0-based), leaving smaller values before it. */
function select(values: Float64Array, rank: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Median of three as the pivot keeps sorted and reversed input linear.
    const a = values[lo] as number;
    const b = values[mid] as number;
    const c = values[hi] as number;
    const pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((values[i] as number) < pivot) i++;
      while ((values[j] as number) > pivot) j--;
      if (i <= j) {
        const tmp = values[i] as number;
        values[i] = values[j] as number;
        values[j] = tmp;
        i++;
        j--;
      }
    }
    if (rank <= j) hi = j;
    else if (rank >= i) lo = i;
    else return values[rank] as number;
  }
  return values[rank] as number;
}
