import { UserError } from '../../errors.js';
import type { Matrix } from '../math/matrix.js';
import { Rng } from '../math/random.js';

/** Options of {@link silhouette}. */
export interface SilhouetteOptions {
  /** At most this many rows are scored. Default 2,000. */
  readonly sampleSize?: number;
  /** Seed of the row sample. Default 42. */
  readonly seed?: number;
}

/**
 * Mean silhouette coefficient (Rousseeuw 1987) of `assignment` on a seeded random sample of at most `sampleSize`
 * rows. This is the usual "sampled silhouette" (scikit-learn's `silhouette_score(sample_size=…)`): both a(i) and b(i)
 * of a sampled row are mean Euclidean distances to the other *sampled* rows, so the cost is O(m²·d) in the sample
 * size m whatever the number of rows; with m ≥ rows it is the exact silhouette. A row alone in its cluster (within
 * the sample) scores 0, as in Rousseeuw. With fewer than two clusters in the sample the coefficient is undefined;
 * 0 is returned ("no measurable separation").
 */
export function silhouette(X: Matrix, assignment: Int32Array, options: SilhouetteOptions = {}): number {
  const sampleSize = options.sampleSize ?? 2000;
  const seed = options.seed ?? 42;
  if (assignment.length !== X.rows) {
    throw new Error(`internal error: ${assignment.length} labels for ${X.rows} rows`);
  }
  if (!Number.isInteger(sampleSize) || sampleSize < 2) {
    throw new UserError('invalid_value', `sampleSize must be an integer ≥ 2; got ${sampleSize}`, 'sampleSize');
  }
  const n = X.rows;
  const d = X.cols;
  const rows = n > sampleSize ? new Rng(seed).sample(n, sampleSize) : Array.from({ length: n }, (_, i) => i);
  const m = rows.length;

  // Dense relabelling of the sampled labels, so per-row sums need only as many slots as clusters present.
  const dense = new Map<number, number>();
  const labels = new Int32Array(m);
  const points = new Float64Array(m * d);
  for (let s = 0; s < m; s++) {
    const i = rows[s] as number;
    const raw = assignment[i] as number;
    let c = dense.get(raw);
    if (c === undefined) {
      c = dense.size;
      dense.set(raw, c);
    }
    labels[s] = c;
    points.set(X.data.subarray(i * d, i * d + d), s * d);
  }
  const k = dense.size;
  if (k < 2) return 0;

  const sizes = new Float64Array(k);
  for (let s = 0; s < m; s++) sizes[labels[s] as number] = (sizes[labels[s] as number] as number) + 1;
  // sums[s * k + c]: total distance from sampled row s to the sampled rows of cluster c.
  const sums = new Float64Array(m * k);
  for (let s = 0; s < m; s++) {
    const sb = s * d;
    const ls = labels[s] as number;
    for (let t = s + 1; t < m; t++) {
      const tb = t * d;
      let dist = 0;
      for (let j = 0; j < d; j++) {
        const diff = (points[sb + j] as number) - (points[tb + j] as number);
        dist += diff * diff;
      }
      dist = Math.sqrt(dist);
      const lt = labels[t] as number;
      sums[s * k + lt] = (sums[s * k + lt] as number) + dist;
      sums[t * k + ls] = (sums[t * k + ls] as number) + dist;
    }
  }

  let total = 0;
  for (let s = 0; s < m; s++) {
    const own = labels[s] as number;
    const ownSize = sizes[own] as number;
    if (ownSize < 2) continue;
    const a = (sums[s * k + own] as number) / (ownSize - 1);
    let b = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) {
      if (c !== own) b = Math.min(b, (sums[s * k + c] as number) / (sizes[c] as number));
    }
    const spread = Math.max(a, b);
    if (spread > 0) total += (b - a) / spread;
  }
  return total / m;
}
