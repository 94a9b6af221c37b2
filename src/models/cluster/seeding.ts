import { type Matrix, matrix, squaredDistance } from '../math/matrix.js';
import type { Rng } from '../math/random.js';

/**
 * Greedy k-means++ seeding (Arthur & Vassilvitskii 2007, with scikit-learn's 2 + ⌊ln k⌋ local trials per centre):
 * each new centre is the best, by resulting inertia, of a few candidates drawn with probability ∝ D².
 */
export function kmeansPlusPlus(X: Matrix, k: number, rng: Rng): Matrix {
  const { rows: n, cols: d, data } = X;
  const centres = matrix(k, d);
  const C = centres.data;
  const trials = 2 + Math.floor(Math.log(k));
  let closest = new Float64Array(n);
  let candidate = new Float64Array(n);
  let bestCandidate = new Float64Array(n);
  const cumulative = new Float64Array(n);

  const first = rng.int(n);
  C.set(data.subarray(first * d, first * d + d), 0);
  for (let i = 0; i < n; i++) closest[i] = squaredDistance(data, i * d, data, first * d, d);

  for (let c = 1; c < k; c++) {
    let running = 0;
    for (let i = 0; i < n; i++) {
      running += closest[i] as number;
      cumulative[i] = running;
    }
    let bestIndex = -1;
    let bestPotential = Number.POSITIVE_INFINITY;
    for (let t = 0; t < trials; t++) {
      // All points coincide with a centre: no D² to sample by, any point is as good as another.
      const index = running > 0 ? searchCumulative(cumulative, rng.next() * running) : rng.int(n);
      let trialPotential = 0;
      const ib = index * d;
      for (let i = 0; i < n; i++) {
        const dist = Math.min(closest[i] as number, squaredDistance(data, i * d, data, ib, d));
        candidate[i] = dist;
        trialPotential += dist;
      }
      if (trialPotential < bestPotential) {
        bestPotential = trialPotential;
        bestIndex = index;
        const swap = bestCandidate;
        bestCandidate = candidate;
        candidate = swap;
      }
    }
    C.set(data.subarray(bestIndex * d, bestIndex * d + d), c * d);
    const swap = closest;
    closest = bestCandidate;
    bestCandidate = swap;
  }
  return centres;
}

/** First index whose cumulative weight exceeds `r` (so zero-weight points are never picked). */
function searchCumulative(cumulative: Float64Array, r: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cumulative[mid] as number) > r) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
