import { describe, expect, it } from 'vitest';
import { type FeatureWords, nameClusters } from '../../src/models/cluster/naming.js';
import { type ClusterProfile, median, profileClusters } from '../../src/models/cluster/profile.js';
import { fromRows } from '../../src/models/math/matrix.js';
import { Rng } from '../../src/models/math/random.js';

// orders, spend, recency (days): occasional cheap buyers, big frequent spenders, lapsed buyers.
const X = fromRows([
  [1, 10, 30],
  [1, 20, 30],
  [5, 100, 5],
  [7, 120, 5],
  [2, 15, 60],
  [2, 25, 60],
]);
const assignment = Int32Array.from([0, 0, 1, 1, 2, 2]);
const names = ['orders', 'spend', 'recency'];
const vocabulary: FeatureWords[] = [
  { feature: 'orders', high: 'frequent buyers', low: 'rare buyers' },
  { feature: 'spend', high: 'high spend', low: 'low spend' },
  { feature: 'recency', high: 'lapsed', low: 'recent' },
];

// Population standard deviations of the columns: orders 1,1,5,7,2,2 (mean 3); spend (mean 290/6); recency (mean 190/6).
const sdOrders = Math.sqrt(30 / 6);
const sdSpend = Math.sqrt(25_750 / 6 - (290 / 6) ** 2);
const sdRecency = Math.sqrt(9050 / 6 - (190 / 6) ** 2);

/** A profile with only what naming reads: the differences, already in decreasing |difference|. */
function profile(cluster: number, differences: [string, number][]): ClusterProfile {
  return {
    cluster,
    size: 10,
    share: 0.1,
    mean: [],
    median: [],
    differences: differences.map(([name, difference], feature) => ({ feature, name, difference })),
  };
}

describe('profileClusters', () => {
  const profiles = profileClusters(X, assignment, 3, names);

  it('gives size, share, means and medians in original units', () => {
    expect(profiles.map((p) => p.size)).toEqual([2, 2, 2]);
    expect(profiles.map((p) => p.share)).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(profiles[1]?.mean).toEqual([6, 110, 5]);
    expect(profiles[2]?.median).toEqual([2, 20, 60]);
  });

  it('orders features by the standardised difference from everyone else', () => {
    // Cluster 0: orders (1 − 16/4)/sd, spend (15 − 260/4)/sd, recency (30 − 130/4)/sd.
    const zero = profiles[0]?.differences ?? [];
    expect(zero.map((d) => d.name)).toEqual(['orders', 'spend', 'recency']);
    expect(zero[0]?.difference).toBeCloseTo(-3 / sdOrders, 12);
    expect(zero[1]?.difference).toBeCloseTo(-50 / sdSpend, 12);
    expect(zero[2]?.difference).toBeCloseTo(-2.5 / sdRecency, 12);
    // Cluster 1: spend (110 − 70/4)/sd = 2.09 just ahead of orders (6 − 6/4)/sd = 2.01, then recency.
    expect(profiles[1]?.differences.map((d) => d.name)).toEqual(['spend', 'orders', 'recency']);
    expect(profiles[1]?.differences[0]?.difference).toBeCloseTo(92.5 / sdSpend, 12);
    expect(profiles[1]?.differences[1]?.difference).toBeCloseTo(4.5 / sdOrders, 12);
    expect(profiles[1]?.differences[2]?.difference).toBeCloseTo(-40 / sdRecency, 12);
    expect(profiles[2]?.differences.map((d) => d.name)).toEqual(['recency', 'spend', 'orders']);
  });

  it('names features x0, x1, … by default and treats a constant feature as indistinct', () => {
    const constant = fromRows([
      [1, 5],
      [2, 5],
      [9, 5],
    ]);
    const [first] = profileClusters(constant, Int32Array.from([0, 0, 1]), 2);
    expect(first?.differences.map((d) => d.name)).toEqual(['x0', 'x1']);
    expect(first?.differences[1]?.difference).toBe(0);
  });

  it('computes medians like a sort does', () => {
    const rng = new Rng(2);
    for (const size of [1, 2, 3, 10, 101, 1000]) {
      const values = Float64Array.from({ length: size }, () => Math.floor(rng.next() * 20));
      const sorted = [...values].sort((a, b) => a - b);
      const expected =
        size % 2 === 1 ? (sorted[(size - 1) / 2] ?? 0) : ((sorted[size / 2 - 1] ?? 0) + (sorted[size / 2] ?? 0)) / 2;
      expect(median(values)).toBe(expected);
    }
  });
});

describe('nameClusters', () => {
  it('names clusters after their two most distinguishing features', () => {
    const profiles = profileClusters(X, assignment, 3, names);
    expect(nameClusters(profiles, vocabulary)).toEqual([
      'rare buyers, low spend',
      'high spend, frequent buyers',
      'lapsed, low spend',
    ]);
  });

  it('calls a cluster that stands out on nothing typical', () => {
    const profiles = [
      profile(0, [
        ['spend', 1.2],
        ['orders', 0.2],
      ]),
      profile(1, [
        ['spend', -0.25],
        ['orders', 0.1],
      ]),
    ];
    expect(nameClusters(profiles, vocabulary)).toEqual(['high spend', 'typical customers']);
    expect(nameClusters(profiles, vocabulary, { noun: 'users' })[1]).toBe('typical users');
  });

  it('adds the next distinguishing feature when names collide, then numbers', () => {
    const profiles = [
      profile(0, [
        ['spend', 1.5],
        ['orders', 1.2],
        ['recency', -0.9],
      ]),
      profile(1, [
        ['spend', 1.1],
        ['orders', 0.8],
        ['recency', 0.5],
      ]),
      profile(2, [
        ['spend', 1.0],
        ['orders', 0.9],
      ]),
      profile(3, [['orders', 0.1]]),
      profile(4, [['spend', 0.2]]),
    ];
    expect(nameClusters(profiles, vocabulary)).toEqual([
      'high spend, frequent buyers, recent',
      'high spend, frequent buyers, lapsed',
      'high spend, frequent buyers',
      'typical customers',
      'typical customers 2',
    ]);
  });

  it('describes features without words generically', () => {
    const profiles = [profile(0, [['tenure', 2]]), profile(1, [['tenure', -2]])];
    expect(nameClusters(profiles, vocabulary)).toEqual(['high tenure', 'low tenure']);
  });
});
