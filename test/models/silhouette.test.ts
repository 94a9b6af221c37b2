import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { chooseK } from '../../src/models/cluster/choose-k.js';
import { silhouette } from '../../src/models/cluster/silhouette.js';
import { fromRows, type Matrix, matrix, standardise } from '../../src/models/math/matrix.js';
import { Rng } from '../../src/models/math/random.js';

/** `perCluster` points around each of the given centres with standard deviation `spread`. */
function blobsAround(centres: number[][], perCluster: number, spread: number, seed: number) {
  const rng = new Rng(seed);
  const d = centres[0]?.length ?? 0;
  const n = centres.length * perCluster;
  const X = matrix(n, d);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % centres.length;
    labels[i] = c;
    for (let j = 0; j < d; j++) X.data[i * d + j] = (centres[c]?.[j] ?? 0) + spread * rng.normal();
  }
  return { X, labels };
}

/** Rousseeuw's silhouette over every row, straight from the definition. */
function exactSilhouette(X: Matrix, labels: Int32Array): number {
  const distance = (i: number, t: number) => {
    let sum = 0;
    for (let j = 0; j < X.cols; j++) sum += ((X.data[i * X.cols + j] ?? 0) - (X.data[t * X.cols + j] ?? 0)) ** 2;
    return Math.sqrt(sum);
  };
  const clusters = [...new Set(labels)];
  let total = 0;
  for (let i = 0; i < X.rows; i++) {
    const meanTo = (c: number) => {
      const others = [...labels.keys()].filter((t) => labels[t] === c && t !== i);
      return others.length === 0 ? Number.NaN : others.reduce((s, t) => s + distance(i, t), 0) / others.length;
    };
    const own = labels[i] ?? -1;
    if (labels.filter((l) => l === own).length === 1) continue;
    const a = meanTo(own);
    const b = Math.min(...clusters.filter((c) => c !== own).map(meanTo));
    total += (b - a) / Math.max(a, b);
  }
  return total / X.rows;
}

describe('silhouette', () => {
  it('equals the exact silhouette when the sample covers every row', () => {
    const rng = new Rng(3);
    const X = matrix(60, 3);
    for (let p = 0; p < X.data.length; p++) X.data[p] = rng.normal();
    const labels = Int32Array.from({ length: 60 }, (_, i) => (i * 7) % 4);
    // Clusters need not be well separated for the identity to hold; shift cluster 1 to make it non-trivial.
    for (let i = 0; i < 60; i++) if (labels[i] === 1) X.data[i * 3] = (X.data[i * 3] ?? 0) + 2;
    expect(silhouette(X, labels, { sampleSize: 60 })).toBeCloseTo(exactSilhouette(X, labels), 12);
    expect(silhouette(X, labels, { sampleSize: 1000 })).toBeCloseTo(exactSilhouette(X, labels), 12);
  });

  it('matches a hand computation, with a singleton cluster scoring 0', () => {
    // Points 0, 1, 10: s(0) = (10 − 1)/10, s(1) = (9 − 1)/9, s(10) = 0 (alone in its cluster).
    const X = fromRows([[0], [1], [10]]);
    expect(silhouette(X, Int32Array.from([0, 0, 1]))).toBeCloseTo((0.9 + 8 / 9 + 0) / 3, 14);
  });

  it('is near 1 for a perfect separation and near 0 for random labels', () => {
    const { X, labels } = blobsAround(
      [
        [0, 0],
        [100, 0],
        [0, 100],
      ],
      2000,
      1,
      5,
    );
    expect(silhouette(X, labels)).toBeGreaterThan(0.97);

    const rng = new Rng(8);
    const U = matrix(10_000, 4);
    for (let p = 0; p < U.data.length; p++) U.data[p] = rng.next();
    const random = Int32Array.from({ length: 10_000 }, () => rng.int(4));
    expect(Math.abs(silhouette(U, random))).toBeLessThan(0.03);
  });

  it('samples reproducibly', () => {
    const { X, labels } = blobsAround(
      [
        [0, 0],
        [3, 0],
      ],
      3000,
      1,
      6,
    );
    expect(silhouette(X, labels, { seed: 1 })).toBe(silhouette(X, labels, { seed: 1 }));
    expect(silhouette(X, labels, { seed: 1 })).not.toBe(silhouette(X, labels, { seed: 2 }));
  });

  it('scores 0 when the sample holds a single cluster', () => {
    expect(silhouette(fromRows([[0], [1], [2]]), Int32Array.from([3, 3, 3]))).toBe(0);
  });
});

describe('chooseK', () => {
  const fourBlobs = blobsAround(
    [
      [0, 0, 0],
      [12, 0, 0],
      [0, 12, 0],
      [0, 0, 12],
    ],
    750,
    1,
    9,
  );

  it('picks the planted k on well-separated blobs and reports the whole table', () => {
    const X = standardise(fourBlobs.X);
    const result = chooseK(X);
    expect(result.k).toBe(4);
    expect(result.table.map((line) => line.k)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    const best = Math.max(...result.table.map((line) => line.silhouette));
    expect(result.table.find((line) => line.k === 4)?.silhouette).toBe(best);
    // Inertia can only fall as k grows on these blobs (each k is a refinement).
    for (let i = 1; i < result.table.length; i++) {
      expect(result.table[i]?.inertia).toBeLessThan(result.table[i - 1]?.inertia ?? 0);
    }
    expect(result.clustering.k).toBe(4);
    expect(result.clustering.assignment.length).toBe(3000);
    expect(result.selectionRows).toBe(3000);
  });

  it('compares candidates on a sample of large data, then fits the chosen k on every row', () => {
    const X = standardise(fourBlobs.X);
    const result = chooseK(X, { selectionSampleSize: 800, kMax: 6 });
    expect(result.k).toBe(4);
    expect(result.selectionRows).toBe(800);
    expect(result.clustering.assignment.length).toBe(3000);
    expect(result.clustering.sizes).toEqual([750, 750, 750, 750]);
  });

  it('refuses a k range the silhouette cannot score', () => {
    const X = standardise(fourBlobs.X);
    expect(() => chooseK(X, { kMin: 1 })).toThrow(UserError);
    expect(() => chooseK(X, { kMin: 5, kMax: 3 })).toThrow(UserError);
    expect(() => chooseK(fromRows([[0], [1]]))).toThrow(UserError);
  });
});
