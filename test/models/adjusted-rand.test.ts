import { describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../../src/models/cluster/adjusted-rand.js';
import { Rng } from '../../src/models/math/random.js';

/**
 * ARI from the pair confusion matrix (every pair of rows counted directly), the form scikit-learn documents:
 * 2(tp·tn − fn·fp) / ((tp + fn)(fn + tn) + (tp + fp)(fp + tn)).
 */
function pairCountingAri(a: readonly number[], b: readonly number[]): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = i + 1; j < a.length; j++) {
      const sameA = a[i] === a[j];
      const sameB = b[i] === b[j];
      if (sameA && sameB) tp++;
      else if (sameB) fp++;
      else if (sameA) fn++;
      else tn++;
    }
  }
  return (2 * (tp * tn - fn * fp)) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn));
}

const randomLabels = (rng: Rng, n: number, k: number) => Array.from({ length: n }, () => rng.int(k));

describe('adjustedRandIndex', () => {
  it('is 1 for identical labelings and for a renaming of the labels', () => {
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 1])).toBe(1);
    expect(adjustedRandIndex([0, 0, 1, 1], [1, 1, 0, 0])).toBe(1);
    expect(adjustedRandIndex([0, 0, 1, 2, 2, 2], [7, 7, -3, 5, 5, 5])).toBe(1);
  });

  it('reproduces the scikit-learn documentation examples', () => {
    // Contingency [[2,0,0],[0,1,1]]: index 1, row pairs 2, column pairs 1, C(4,2) = 6 → (1 − 1/3)/(1.5 − 1/3) = 4/7.
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2])).toBeCloseTo(4 / 7, 14);
    expect(adjustedRandIndex([0, 0, 1, 2], [0, 0, 1, 1])).toBeCloseTo(4 / 7, 14);
    // Every pair split differently: (0 − 2/3)/(2 − 2/3) = −0.5.
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1])).toBeCloseTo(-0.5, 14);
    // One cluster against all singletons: no pair agrees beyond chance.
    expect(adjustedRandIndex([0, 0, 0, 0], [0, 1, 2, 3])).toBe(0);
  });

  it('matches direct pair counting on random labelings', () => {
    const rng = new Rng(17);
    for (let trial = 0; trial < 20; trial++) {
      const a = randomLabels(rng, 40, 2 + (trial % 4));
      // Correlated with a: copy most labels, scramble some.
      const b = a.map((label) => (rng.next() < 0.7 ? label : rng.int(5)));
      expect(adjustedRandIndex(a, b)).toBeCloseTo(pairCountingAri(a, b), 12);
    }
  });

  it('does not depend on the names of the labels', () => {
    const rng = new Rng(4);
    const a = randomLabels(rng, 500, 4);
    const b = a.map((label) => (rng.next() < 0.5 ? label : rng.int(4)));
    const renamed = b.map((label) => [3, 0, 2, 1][label] ?? -1);
    expect(adjustedRandIndex(a, renamed)).toBeCloseTo(adjustedRandIndex(a, b), 14);
    expect(adjustedRandIndex(b, a)).toBeCloseTo(adjustedRandIndex(a, b), 14);
  });

  it('is about 0 for independent labelings', () => {
    const rng = new Rng(23);
    const a = randomLabels(rng, 20_000, 5);
    const b = randomLabels(rng, 20_000, 7);
    expect(Math.abs(adjustedRandIndex(a, b))).toBeLessThan(0.005);
    expect(adjustedRandIndex(Int32Array.from(a), Int32Array.from(b))).toBe(adjustedRandIndex(a, b));
  });

  it('scores trivial partitions as scikit-learn does', () => {
    expect(adjustedRandIndex([1, 1, 1], [2, 2, 2])).toBe(1);
    expect(adjustedRandIndex([0, 1, 2], [5, 4, 3])).toBe(1);
    expect(adjustedRandIndex([], [])).toBe(1);
  });
});
