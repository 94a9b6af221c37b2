import { describe, expect, it } from 'vitest';
import { auc, brier, calibration, logLoss } from '../../src/models/classify/metrics.js';
import { Rng } from '../../src/models/math/random.js';

/** Mann–Whitney by brute force over every (positive, negative) pair: the definition, O(n₁·n₀). */
function pairwiseAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  let u = 0;
  let pairs = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < labels.length; j++) {
      if (labels[j] !== 0) continue;
      pairs++;
      const d = (scores[i] as number) - (scores[j] as number);
      u += d > 0 ? 1 : d === 0 ? 0.5 : 0;
    }
  }
  return u / pairs;
}

describe('auc', () => {
  it('counts ties as half on a hand example', () => {
    // Positives 0.9, 0.6, 0.4; negatives 0.6, 0.3, 0.4, 0.1. Pairs won: 0.9 → 4; 0.6 → 3 + ½ (ties 0.6);
    // 0.4 → 2 + ½ (ties 0.4). U = 10 of 12 pairs.
    const scores = [0.9, 0.6, 0.6, 0.3, 0.4, 0.4, 0.1];
    const labels = [1, 1, 0, 0, 1, 0, 0];
    expect(auc(scores, labels)).toBeCloseTo(10 / 12, 15);
  });

  it('is 1 for a perfect ranking, 0 for a reversed one, 0.5 when every score ties', () => {
    const labels = [0, 0, 1, 0, 1, 1];
    expect(auc([0.1, 0.2, 0.7, 0.3, 0.8, 0.9], labels)).toBe(1);
    expect(auc([0.9, 0.8, 0.2, 0.7, 0.1, 0.05], labels)).toBe(0);
    expect(auc([0.4, 0.4, 0.4, 0.4, 0.4, 0.4], labels)).toBe(0.5);
    expect(auc([0.1, 0.2], [1, 1])).toBeNaN();
  });

  it('equals the pairwise definition on random data with many ties', () => {
    const rng = new Rng(7);
    const n = 500;
    // Scores on a coarse grid so a good share of pairs tie.
    const scores = Float64Array.from({ length: n }, () => rng.int(20) / 20);
    const labels = Uint8Array.from(scores, (s) => (rng.next() < 0.2 + 0.6 * s ? 1 : 0));
    expect(auc(scores, labels)).toBeCloseTo(pairwiseAuc(scores, labels), 12);
  });
});

describe('calibration', () => {
  it('makes equal-size bins by predicted probability whose counts sum to n and means are sorted', () => {
    const rng = new Rng(3);
    const n = 1003;
    const scores = Float64Array.from({ length: n }, () => rng.next());
    const labels = Uint8Array.from(scores, (s) => (rng.next() < s ? 1 : 0));
    const table = calibration(scores, labels, 10);
    expect(table).toHaveLength(10);
    expect(table.reduce((s, b) => s + b.count, 0)).toBe(n);
    for (const b of table) expect([100, 101]).toContain(b.count);
    for (let b = 1; b < table.length; b++) {
      const prev = table[b - 1];
      const cur = table[b];
      expect(cur?.meanPredicted).toBeGreaterThan(prev?.meanPredicted ?? Number.NaN);
      expect(cur?.minPredicted).toBeGreaterThanOrEqual(prev?.maxPredicted ?? Number.NaN);
    }
    const positives = labels.reduce((s, y) => s + y, 0);
    expect(table.reduce((s, b) => s + b.observedRate * b.count, 0)).toBeCloseTo(positives, 9);
  });

  it('computes a hand example and leaves out empty bins', () => {
    // Sorted: 0.1(0) 0.2(1) | 0.6(0) 0.8(1) 0.9(1) — 5 rows in 2 bins: sizes 2 and 3.
    const table = calibration([0.9, 0.1, 0.6, 0.2, 0.8], [1, 0, 0, 1, 1], 2);
    expect(table).toEqual([
      { count: 2, minPredicted: 0.1, maxPredicted: 0.2, meanPredicted: expect.closeTo(0.15, 12), observedRate: 0.5 },
      {
        count: 3,
        minPredicted: 0.6,
        maxPredicted: 0.9,
        meanPredicted: expect.closeTo(2.3 / 3, 12),
        observedRate: 2 / 3,
      },
    ]);
    const sparse = calibration([0.2, 0.7, 0.4], [0, 1, 1], 10);
    expect(sparse.map((b) => b.count)).toEqual([1, 1, 1]);
  });
});

describe('brier and log loss', () => {
  it('match hand computations', () => {
    // ((0.8 − 1)² + (0.3 − 0)²) / 2 = (0.04 + 0.09) / 2
    expect(brier([0.8, 0.3], [1, 0])).toBeCloseTo(0.065, 15);
    expect(logLoss([0.8, 0.3], [1, 0])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.7)) / 2, 15);
    expect(brier([0.5, 0.5, 0.5], [1, 0, 1])).toBeCloseTo(0.25, 15);
    expect(logLoss([0.5, 0.5], [1, 0])).toBeCloseTo(Math.log(2), 15);
    // A confident wrong answer is clipped, not infinite.
    expect(Number.isFinite(logLoss([0, 1], [1, 0]))).toBe(true);
  });
});
