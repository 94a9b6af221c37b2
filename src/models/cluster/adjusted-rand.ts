/**
 * Adjusted Rand index (Hubert & Arabie 1985) of two labelings of the same rows, from their contingency table:
 * 1 for identical partitions (whatever the label names), about 0 for independent ones, negative when they agree
 * less than chance. As in scikit-learn, two partitions that are both trivial in the same way (everything in one
 * cluster, or every row alone) score 1.
 */
export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (b.length !== n) throw new Error(`internal error: labelings of ${n} and ${b.length} rows`);
  // Fewer than two rows: no pair to disagree on.
  if (n < 2) return 1;
  const codesA = denseCodes(a);
  const codesB = denseCodes(b);
  const ka = codesA.count;
  const kb = codesB.count;
  const table = new Float64Array(ka * kb);
  const rowSums = new Float64Array(ka);
  const colSums = new Float64Array(kb);
  for (let i = 0; i < n; i++) {
    const r = codesA.codes[i] as number;
    const c = codesB.codes[i] as number;
    table[r * kb + c] = (table[r * kb + c] as number) + 1;
    rowSums[r] = (rowSums[r] as number) + 1;
    colSums[c] = (colSums[c] as number) + 1;
  }
  let index = 0;
  for (const count of table) index += pairs(count);
  let pairsA = 0;
  for (const count of rowSums) pairsA += pairs(count);
  let pairsB = 0;
  for (const count of colSums) pairsB += pairs(count);
  const expected = (pairsA * pairsB) / pairs(n);
  const maximum = (pairsA + pairsB) / 2;
  if (maximum === expected) return 1;
  return (index - expected) / (maximum - expected);
}

const pairs = (count: number) => (count * (count - 1)) / 2;

function denseCodes(labels: ArrayLike<number>): { codes: Int32Array; count: number } {
  const seen = new Map<number, number>();
  const codes = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as number;
    let code = seen.get(label);
    if (code === undefined) {
      code = seen.size;
      seen.set(label, code);
    }
    codes[i] = code;
  }
  return { codes, count: seen.size };
}
