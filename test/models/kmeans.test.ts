import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { adjustedRandIndex } from '../../src/models/cluster/adjusted-rand.js';
import { assign, kmeans, lloyd } from '../../src/models/cluster/kmeans.js';
import { kmeansPlusPlus } from '../../src/models/cluster/seeding.js';
import { fromRows, type Matrix, matrix, standardise } from '../../src/models/math/matrix.js';
import { Rng } from '../../src/models/math/random.js';

/** `perCluster` points around each of `k` random centres in [−10, 10]^d, unit spread; labels are the centres. */
function blobs(k: number, d: number, perCluster: number, seed: number): { X: Matrix; labels: Int32Array } {
  const rng = new Rng(seed);
  const centres = Array.from({ length: k }, () => Array.from({ length: d }, () => rng.next() * 20 - 10));
  const X = matrix(k * perCluster, d);
  const labels = new Int32Array(k * perCluster);
  for (let i = 0; i < k * perCluster; i++) {
    const c = i % k;
    labels[i] = c;
    for (let j = 0; j < d; j++) X.data[i * d + j] = (centres[c]?.[j] ?? 0) + rng.normal();
  }
  return { X, labels };
}

function uniform(n: number, d: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const X = matrix(n, d);
  for (let p = 0; p < n * d; p++) X.data[p] = rng.next();
  return X;
}

function squaredDistance(X: Matrix, i: number, C: Matrix, c: number): number {
  let sum = 0;
  for (let j = 0; j < X.cols; j++) sum += ((X.data[i * X.cols + j] ?? 0) - (C.data[c * C.cols + j] ?? 0)) ** 2;
  return sum;
}

/** Textbook Lloyd: nearest centre (lowest index on ties), then means, until no label changes. */
function naiveLloyd(X: Matrix, initial: Matrix): { assignment: Int32Array; centroids: Matrix } {
  const k = initial.rows;
  const C = matrix(k, X.cols, Float64Array.from(initial.data));
  const labels = new Int32Array(X.rows).fill(-1);
  for (let iteration = 0; iteration < 1000; iteration++) {
    let changed = false;
    for (let i = 0; i < X.rows; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (squaredDistance(X, i, C, c) < squaredDistance(X, i, C, best)) best = c;
      if (labels[i] !== best) changed = true;
      labels[i] = best;
    }
    if (!changed) break;
    for (let c = 0; c < k; c++) {
      const members = [...labels.keys()].filter((i) => labels[i] === c);
      if (members.length === 0) continue;
      for (let j = 0; j < X.cols; j++) {
        C.data[c * X.cols + j] = members.reduce((s, i) => s + (X.data[i * X.cols + j] ?? 0), 0) / members.length;
      }
    }
  }
  return { assignment: labels, centroids: C };
}

describe('kmeans', () => {
  it('recovers 5 planted Gaussian blobs in 6-D (10,000 points)', () => {
    const { X, labels } = blobs(5, 6, 2000, 11);
    const result = kmeans(standardise(X), 5, { seed: 42 });
    const ari = adjustedRandIndex(labels, result.assignment);
    console.log(`kmeans planted-blob ARI: ${ari.toFixed(6)} (inertia ${result.inertia.toFixed(2)})`);
    expect(ari).toBeGreaterThanOrEqual(0.95);
    expect(result.sizes.reduce((s, v) => s + v, 0)).toBe(10_000);
    expect(result.k).toBe(5);
    expect(result.restarts).toBe(4);
  });

  it('recovers the blobs when k-means++ seeds on a sample', () => {
    const { X, labels } = blobs(5, 6, 2000, 12);
    const result = kmeans(standardise(X), 5, { initSampleSize: 500 });
    expect(adjustedRandIndex(labels, result.assignment)).toBeGreaterThanOrEqual(0.95);
  });

  it('is reproducible: the same seed gives the identical clustering', () => {
    const X = uniform(3000, 4, 5);
    const a = kmeans(X, 6, { seed: 9 });
    const b = kmeans(X, 6, { seed: 9 });
    expect(b.assignment).toEqual(a.assignment);
    expect(b.centroids.data).toEqual(a.centroids.data);
    expect(b.inertia).toBe(a.inertia);
    expect(b.iterations).toBe(a.iterations);
  });

  it('keeps the restart with the lowest inertia', () => {
    // Uniform points and many clusters: restarts land in different local minima.
    const X = uniform(2000, 2, 6);
    const best = kmeans(X, 12, { seed: 100, restarts: 4 });
    const singles = [0, 1, 2, 3].map((r) => kmeans(X, 12, { seed: 100 + r, restarts: 1 }).inertia);
    expect(best.restartInertias).toEqual(singles);
    expect(new Set(singles).size).toBeGreaterThan(1);
    for (const inertia of singles) expect(best.inertia).toBeLessThanOrEqual(inertia);
    expect(best.inertia).toBe(Math.min(...singles));
  });

  it('reports the inertia, sizes and assignment of its centroids', () => {
    const { X } = blobs(3, 3, 300, 3);
    const result = kmeans(X, 4, { tolerance: 0 });
    let inertia = 0;
    for (let i = 0; i < X.rows; i++) inertia += squaredDistance(X, i, result.centroids, result.assignment[i] ?? 0);
    expect(result.inertia).toBeCloseTo(inertia, 6);
    expect(assign(result.centroids, X)).toEqual(result.assignment);
    const sizes = [0, 0, 0, 0];
    for (const c of result.assignment) sizes[c] = (sizes[c] ?? 0) + 1;
    expect(result.sizes).toEqual(sizes);
    // Converged with tolerance 0: every centroid is the mean of its rows.
    for (let c = 0; c < 4; c++) {
      for (let j = 0; j < 3; j++) {
        let sum = 0;
        for (let i = 0; i < X.rows; i++) if (result.assignment[i] === c) sum += X.data[i * 3 + j] ?? 0;
        expect(result.centroids.data[c * 3 + j]).toBeCloseTo(sum / (sizes[c] ?? 1), 9);
      }
    }
  });

  it('accelerated Lloyd gives the same result as textbook Lloyd from the same start', () => {
    const X = uniform(1500, 3, 21);
    const initial = kmeansPlusPlus(X, 7, new Rng(4));
    const fast = lloyd(X, initial, { maxIterations: 1000, tolerance: 0 });
    const slow = naiveLloyd(X, initial);
    expect(fast.assignment).toEqual(slow.assignment);
    for (let p = 0; p < fast.centroids.data.length; p++) {
      expect(fast.centroids.data[p]).toBeCloseTo(slow.centroids.data[p] ?? Number.NaN, 9);
    }
  });

  it('re-seeds an empty cluster with the point farthest from its centre', () => {
    const X = fromRows([[0], [1], [5], [20], [21], [22]]);
    // The third centre attracts nothing; 5 is the farthest point from its centre (1).
    const result = lloyd(X, fromRows([[1], [21], [1000]]), { maxIterations: 100, tolerance: 0 });
    expect([...result.assignment]).toEqual([0, 0, 2, 1, 1, 1]);
    expect([...result.centroids.data]).toEqual([0.5, 21, 5]);
    expect(result.inertia).toBeCloseTo(0.25 + 0.25 + 1 + 1, 12);
  });

  it('stays finite when there are fewer distinct points than clusters', () => {
    const X = fromRows([
      [1, 1],
      [1, 1],
      [1, 1],
      [4, 4],
      [4, 4],
      [4, 4],
    ]);
    const result = kmeans(X, 3);
    expect(result.inertia).toBe(0);
    expect(result.centroids.data.every(Number.isFinite)).toBe(true);
    expect(result.sizes.reduce((s, v) => s + v, 0)).toBe(6);
    expect(result.assignment[0]).not.toBe(result.assignment[3]);
  });

  it('labels new rows with the nearest centroid', () => {
    const centroids = fromRows([
      [0, 0],
      [10, 0],
      [0, 10],
    ]);
    // (5, 5) is equally far from all three centres: the lowest index wins.
    const labels = assign(
      centroids,
      fromRows([
        [1, 1],
        [9, -1],
        [-1, 12],
        [6, 4.9],
        [4.9, 6],
        [5, 5],
      ]),
    );
    expect([...labels]).toEqual([0, 1, 2, 1, 2, 0]);
  });

  it('refuses k larger than the number of rows, and non-positive k', () => {
    const X = uniform(5, 2, 1);
    const attempt = (k: number) => () => kmeans(X, k);
    expect(attempt(6)).toThrow(UserError);
    try {
      kmeans(X, 6);
    } catch (error) {
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).code).toBe('invalid_value');
      expect((error as UserError).path).toBe('k');
    }
    expect(attempt(0)).toThrow(UserError);
    expect(attempt(1.5)).toThrow(UserError);
    expect(kmeans(X, 5).inertia).toBe(0);
  });

  it('refuses non-finite feature values', () => {
    const X = fromRows([[0], [Number.NaN], [2]]);
    expect(() => kmeans(X, 2)).toThrow(/finite/);
  });
});
