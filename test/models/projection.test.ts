import { describe, expect, it } from 'vitest';
import { projectPersonas } from '../../src/models/cluster/projection.js';
import { symmetricEigen } from '../../src/models/math/eigen.js';
import { fromRows, type Matrix, matrix, standardise } from '../../src/models/math/matrix.js';
import { Rng } from '../../src/models/math/random.js';

/** `perCluster` points around each of `k` centres spread far apart in d dimensions, unit noise; labels by centre. */
function blobs(k: number, d: number, perCluster: number, seed: number) {
  const rng = new Rng(seed);
  const centres = Array.from({ length: k }, () => Array.from({ length: d }, () => rng.next() * 40 - 20));
  const X = matrix(k * perCluster, d);
  const labels = new Int32Array(k * perCluster);
  for (let i = 0; i < k * perCluster; i++) {
    const c = i % k;
    labels[i] = c;
    for (let j = 0; j < d; j++) X.data[i * d + j] = (centres[c]?.[j] ?? 0) + rng.normal();
  }
  return { X: standardise(X), labels };
}

const features = (d: number) => Array.from({ length: d }, (_, j) => `f${j}`);
const ids = (n: number) => Array.from({ length: n }, (_, i) => `u${i}`);
const names = (k: number) => Array.from({ length: k }, (_, c) => `persona ${c}`);

/** Population covariance of the (already centred) columns, written out plainly. */
function covariance(X: Matrix): number[][] {
  const { rows: n, cols: d, data } = X;
  return Array.from({ length: d }, (_, a) =>
    Array.from({ length: d }, (_, b) => {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += (data[i * d + a] as number) * (data[i * d + b] as number);
      return sum / n;
    }),
  );
}

describe('symmetricEigen', () => {
  it('finds A·v = λ·v with orthonormal vectors, largest first', () => {
    const rng = new Rng(7);
    const d = 8;
    const B = Array.from({ length: d }, () => Array.from({ length: d }, () => rng.normal()));
    // BᵀB is symmetric positive semi-definite, like a covariance.
    const A = B.map((_, i) => B.map((_, j) => B.reduce((s, row) => s + (row[i] as number) * (row[j] as number), 0)));
    const { values, vectors } = symmetricEigen(fromRows(A));
    for (let c = 0; c < d; c++) {
      if (c > 0) expect(values[c] as number).toBeLessThanOrEqual(values[c - 1] as number);
      for (let i = 0; i < d; i++) {
        const av = A[i]?.reduce((s, a, j) => s + a * (vectors.data[j * d + c] as number), 0) as number;
        expect(av).toBeCloseTo((values[c] as number) * (vectors.data[i * d + c] as number), 9);
      }
      for (let other = 0; other < d; other++) {
        let dot = 0;
        for (let i = 0; i < d; i++)
          dot += (vectors.data[i * d + c] as number) * (vectors.data[i * d + other] as number);
        expect(dot).toBeCloseTo(c === other ? 1 : 0, 12);
      }
    }
    const trace = A.reduce((s, row, i) => s + (row[i] as number), 0);
    expect(values.reduce((s, v) => s + v, 0)).toBeCloseTo(trace, 9);
  });

  it('gives 1 ± ρ for two standardised features with correlation ρ, and a diagonal matrix as it is', () => {
    const { values, vectors } = symmetricEigen(
      fromRows([
        [1, 0.6],
        [0.6, 1],
      ]),
    );
    expect(values[0]).toBeCloseTo(1.6, 12);
    expect(values[1]).toBeCloseTo(0.4, 12);
    expect(Math.abs(vectors.data[0] as number)).toBeCloseTo(Math.SQRT1_2, 12);
    const diagonal = symmetricEigen(
      fromRows([
        [1, 0, 0],
        [0, 3, 0],
        [0, 0, 2],
      ]),
    );
    expect([...diagonal.values]).toEqual([3, 2, 1]);
    // Signs are fixed (largest entry positive), so the axes do not flip between runs.
    expect([...diagonal.vectors.data]).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0]);
  });
});

describe('projectPersonas', () => {
  const k = 4;
  const d = 6;
  const perCluster = 600;
  const { X, labels } = blobs(k, d, perCluster, 11);
  const n = X.rows;
  const input = { assignment: labels, clusterNames: names(k), features: features(d), userIds: ids(n), seed: 42 };
  const projection = projectPersonas(X, input);

  it('explains shares that sum to at most 1 and equal the variance of the projected rows over the total', () => {
    const [first, second] = projection.axes;
    expect(first.explained).toBeGreaterThan(second.explained);
    expect(second.explained).toBeGreaterThan(0);
    expect(first.explained + second.explained).toBeLessThanOrEqual(1 + 1e-12);
    // Direct computation: project every row on the reported loadings and compare variances.
    const cov = covariance(X);
    const total = cov.reduce((s, row, j) => s + (row[j] as number), 0);
    for (const axis of projection.axes) {
      const weight = new Map(axis.loadings.map((l) => [l.feature, l.weight]));
      const w = features(d).map((f) => weight.get(f) as number);
      expect(Math.hypot(...w)).toBeCloseTo(1, 12);
      let variance = 0;
      for (let i = 0; i < n; i++) {
        const score = w.reduce((s, wj, j) => s + wj * (X.data[i * d + j] as number), 0);
        variance += score * score;
      }
      expect(variance / n / total).toBeCloseTo(axis.explained, 10);
      // Loadings come by decreasing weight, so the first names say what the axis means.
      const sizes = axis.loadings.map((l) => Math.abs(l.weight));
      expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    }
    // The first axis is the direction of greatest variance: no other unit direction tried does better.
    const rng = new Rng(3);
    for (let trial = 0; trial < 200; trial++) {
      const w = Array.from({ length: d }, () => rng.normal());
      const norm = Math.hypot(...w);
      let quad = 0;
      for (let a = 0; a < d; a++)
        for (let b = 0; b < d; b++) quad += (w[a] as number) * (cov[a]?.[b] as number) * (w[b] as number);
      expect(quad / norm ** 2 / total).toBeLessThanOrEqual(first.explained + 1e-12);
    }
  });

  it('separates the planted blobs: centres far apart compared with the spread of their points', () => {
    expect(projection.centres.map((c) => c.cluster)).toEqual(names(k));
    const spread = projection.centres.map((centre) => {
      const own = projection.points.filter((p) => p.cluster === centre.cluster);
      expect(own.length).toBeGreaterThan(0);
      const mean = own.reduce((s, p) => s + (p.x - centre.x) ** 2 + (p.y - centre.y) ** 2, 0) / own.length;
      return Math.sqrt(mean);
    });
    for (let a = 0; a < k; a++) {
      for (let b = a + 1; b < k; b++) {
        const ca = projection.centres[a] as { x: number; y: number };
        const cb = projection.centres[b] as { x: number; y: number };
        const gap = Math.hypot(ca.x - cb.x, ca.y - cb.y);
        expect(gap, `centres ${a} and ${b}`).toBeGreaterThan(2 * Math.max(spread[a] as number, spread[b] as number));
      }
    }
  });

  it('keeps a deterministic sample of 2,000 users with their own cluster and coordinates', () => {
    expect(projection.sample).toEqual({ size: 2000, of: n, seed: 42 });
    expect(projection.points).toHaveLength(2000);
    expect(new Set(projection.points.map((p) => p.userId)).size).toBe(2000);
    expect(projectPersonas(X, input)).toEqual(projection);
    const other = projectPersonas(X, { ...input, seed: 43 });
    expect(other.points.map((p) => p.userId)).not.toEqual(projection.points.map((p) => p.userId));
    expect(other.axes).toEqual(projection.axes);
    const [first, second] = projection.axes;
    const weights = (axis: typeof first) =>
      features(d).map((f) => axis.loadings.find((l) => l.feature === f)?.weight ?? 0);
    for (const point of projection.points) {
      const i = Number(point.userId.slice(1));
      expect(point.cluster).toBe(`persona ${labels[i]}`);
      const row = Array.from({ length: d }, (_, j) => X.data[i * d + j] as number);
      const dot = (w: number[]) => w.reduce((s, wj, j) => s + wj * (row[j] as number), 0);
      expect(point.x).toBeCloseTo(dot(weights(first)), 3);
      expect(point.y).toBeCloseTo(dot(weights(second)), 3);
    }
  });

  it('keeps everyone when there are fewer users than the sample, and copes with a single feature', () => {
    const small = fromRows([[-1], [-1], [1], [1]]);
    const one = projectPersonas(small, {
      assignment: Int32Array.from([0, 0, 1, 1]),
      clusterNames: ['low', 'high'],
      features: ['only'],
      userIds: ['a', 'b', 'c', 'd'],
      seed: 1,
    });
    expect(one.sample).toEqual({ size: 4, of: 4, seed: 1 });
    expect(one.points.map((p) => p.userId)).toEqual(['a', 'b', 'c', 'd']);
    expect(one.axes[0]).toEqual({ explained: 1, loadings: [{ feature: 'only', weight: 1 }] });
    expect(one.axes[1]).toEqual({ explained: 0, loadings: [] });
    expect(one.centres).toEqual([
      { index: 0, cluster: 'low', x: -1, y: 0 },
      { index: 1, cluster: 'high', x: 1, y: 0 },
    ]);
  });
});
