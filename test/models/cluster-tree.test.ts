import { describe, expect, it } from 'vitest';
import {
  type Condition,
  describeCluster,
  describeClusters,
  matches,
  type Rule,
  simplifyPath,
} from '../../src/models/cluster/tree.js';
import { type Matrix, matrix, row } from '../../src/models/math/matrix.js';
import { Rng } from '../../src/models/math/random.js';

/** x0 ~ U(0, 10), x1 ~ U(0, 10) (noise), x2 ~ U(−3, 3). */
function features(n: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const X = matrix(n, 3);
  for (let i = 0; i < n; i++) {
    X.data[i * 3] = rng.next() * 10;
    X.data[i * 3 + 1] = rng.next() * 10;
    X.data[i * 3 + 2] = rng.next() * 6 - 3;
  }
  return X;
}

/** Cluster 0: x0 ≤ 3; cluster 1: x0 > 3 and x2 ≤ 1; cluster 2: x0 > 3 and x2 > 1. */
function plantedClusters(X: Matrix): Int32Array {
  return Int32Array.from({ length: X.rows }, (_, i) => {
    const x0 = X.data[i * 3] ?? 0;
    const x2 = X.data[i * 3 + 2] ?? 0;
    if (x0 <= 3) return 0;
    return x2 <= 1 ? 1 : 2;
  });
}

/** Agreement of a rule with cluster membership, counted directly. */
function agreementOf(rule: Rule, X: Matrix, assignment: Int32Array, cluster: number) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < X.rows; i++) {
    const predicted = matches(rule, row(X, i));
    const actual = assignment[i] === cluster;
    if (predicted && actual) tp++;
    else if (predicted) fp++;
    else if (actual) fn++;
  }
  return { precision: tp / (tp + fp), recall: tp / (tp + fn), accuracy: (X.rows - fp - fn) / X.rows };
}

const condition = (path: readonly Condition[], feature: number, op: '<=' | '>') =>
  path.find((c) => c.feature === feature && c.op === op);

describe('cluster description tree', () => {
  const X = features(20_000, 1);
  const assignment = plantedClusters(X);

  it('recovers a planted conjunction with thresholds near the planted ones', () => {
    const rule = describeCluster(X, assignment, 1);
    expect(rule.paths).toHaveLength(1);
    const path = rule.paths[0] ?? [];
    expect(path).toHaveLength(2);
    expect(condition(path, 0, '>')?.threshold).toBeCloseTo(3, 1);
    expect(condition(path, 2, '<=')?.threshold).toBeCloseTo(1, 1);
    expect(Math.abs((condition(path, 0, '>')?.threshold ?? 0) - 3)).toBeLessThan(0.01);
    expect(Math.abs((condition(path, 2, '<=')?.threshold ?? 0) - 1)).toBeLessThan(0.01);
    expect(rule.agreement.accuracy).toBeGreaterThanOrEqual(0.99);
    expect(rule.agreement.rows).toBe(20_000);
  });

  it('describes every cluster, and the reported agreement is what `matches` gives', () => {
    const rules = describeClusters(X, assignment, 3);
    expect(rules.map((r) => r.cluster)).toEqual([0, 1, 2]);
    expect(rules[0]?.paths).toHaveLength(1);
    expect(rules[0]?.paths[0]).toHaveLength(1);
    expect(condition(rules[0]?.paths[0] ?? [], 0, '<=')?.threshold).toBeCloseTo(3, 1);
    for (const rule of rules) {
      expect(rule.agreement.accuracy).toBeGreaterThanOrEqual(0.99);
      const direct = agreementOf(rule.paths, X, assignment, rule.cluster);
      expect(rule.agreement.accuracy).toBeCloseTo(direct.accuracy, 12);
      expect(rule.agreement.precision).toBeCloseTo(direct.precision, 12);
      expect(rule.agreement.recall).toBeCloseTo(direct.recall, 12);
    }
  });

  it('expresses a disjunction as several paths', () => {
    // Cluster 1: x0 ≤ 2 or x1 > 8.
    const labels = Int32Array.from({ length: X.rows }, (_, i) =>
      (X.data[i * 3] ?? 0) <= 2 || (X.data[i * 3 + 1] ?? 0) > 8 ? 1 : 0,
    );
    const rule = describeCluster(X, labels, 1);
    expect(rule.paths.length).toBeGreaterThanOrEqual(2);
    expect(rule.agreement.accuracy).toBeGreaterThanOrEqual(0.99);
    expect(agreementOf(rule.paths, X, labels, 1).accuracy).toBeCloseTo(rule.agreement.accuracy, 12);
  });

  it('learns on a seeded sample of large data and still generalises', () => {
    const rule = describeCluster(X, assignment, 1, { sampleSize: 4000, seed: 3 });
    expect(rule.agreement.rows).toBe(4000);
    expect(agreementOf(rule.paths, X, assignment, 1).accuracy).toBeGreaterThanOrEqual(0.98);
    expect(describeCluster(X, assignment, 1, { sampleSize: 4000, seed: 3 })).toEqual(rule);
  });

  it('respects the depth limit', () => {
    const rule = describeCluster(X, assignment, 1, { maxDepth: 1 });
    for (const path of rule.paths) expect(path.length).toBeLessThanOrEqual(1);
    expect(rule.agreement.accuracy).toBeLessThan(0.99);
  });

  it('simplifies a path to the tightest bound per feature and direction', () => {
    const path: Condition[] = [
      { feature: 0, op: '>', threshold: 1 },
      { feature: 2, op: '<=', threshold: 5 },
      { feature: 0, op: '>', threshold: 3 },
      { feature: 2, op: '<=', threshold: 4 },
      { feature: 0, op: '<=', threshold: 9 },
      { feature: 2, op: '<=', threshold: 4.5 },
    ];
    expect(simplifyPath(path)).toEqual([
      { feature: 0, op: '>', threshold: 3 },
      { feature: 2, op: '<=', threshold: 4 },
      { feature: 0, op: '<=', threshold: 9 },
    ]);
  });

  it('matches a row when one path holds entirely', () => {
    const rule: Rule = [
      [
        { feature: 0, op: '>', threshold: 3 },
        { feature: 1, op: '<=', threshold: 1 },
      ],
      [{ feature: 2, op: '>', threshold: 10 }],
    ];
    expect(matches(rule, [4, 1, 0])).toBe(true);
    expect(matches(rule, [3, 0, 0])).toBe(false);
    expect(matches(rule, [4, 2, 0])).toBe(false);
    expect(matches(rule, [0, 0, 11])).toBe(true);
    expect(matches([], [4, 1, 11])).toBe(false);
  });
});
