/**
 * The input of the buy-till-you-die models: one repeat-purchase summary per customer, columnar, in one time unit
 * (days, weeks…) chosen by the caller and used for every time in the models and their predictions.
 */

import { UserError } from '../../errors.js';

/** Per-customer repeat-purchase summaries; customer i is row i of every column. */
export interface CustomerSummary {
  readonly length: number;
  /** Repeat purchases: the number of distinct purchase periods (days) after the first one. */
  readonly x: Float64Array;
  /** Time of the last purchase, counted from the first (0 when x = 0). */
  readonly tx: Float64Array;
  /** Age: time from the first purchase to the end of the observation window (T ≥ tx). */
  readonly T: Float64Array;
  /** Mean value of the repeat purchases (the first purchase excluded); only the spend model reads it. */
  readonly monetary?: Float64Array;
}

/** Distinct (x, tx, T) tuples with how many customers share each: the likelihood is a weighted sum over them. */
export interface CompressedSummary {
  readonly length: number;
  readonly x: Float64Array;
  readonly tx: Float64Array;
  readonly T: Float64Array;
  /** Number of customers with this tuple. */
  readonly weight: Float64Array;
}

/** The columns of a summary, as plain arrays or typed arrays. */
export interface SummaryColumns {
  readonly x: ArrayLike<number>;
  readonly tx: ArrayLike<number>;
  readonly T: ArrayLike<number>;
  readonly monetary?: ArrayLike<number>;
}

/**
 * Checks and copies columns into a {@link CustomerSummary}. Throws `UserError('invalid_data')` naming the first bad
 * row: columns of different lengths, x not a whole number ≥ 0, a negative or non-finite time, tx > T, or x = 0 with
 * tx ≠ 0.
 */
export function customerSummary(columns: SummaryColumns): CustomerSummary {
  const length = columns.x.length;
  for (const [name, column] of Object.entries(columns) as [string, ArrayLike<number> | undefined][]) {
    if (column !== undefined && column.length !== length) {
      throw new UserError('invalid_data', `summary column ${name} has ${column.length} rows, x has ${length}`, 'data');
    }
  }
  const x = Float64Array.from(columns.x);
  const tx = Float64Array.from(columns.tx);
  const T = Float64Array.from(columns.T);
  for (let i = 0; i < length; i++) {
    const xi = x[i] as number;
    const txi = tx[i] as number;
    const Ti = T[i] as number;
    const bad = rowProblem(xi, txi, Ti);
    if (bad) throw new UserError('invalid_data', `customer row ${i}: ${bad} (x=${xi}, tx=${txi}, T=${Ti})`, 'data');
  }
  const summary: CustomerSummary = { length, x, tx, T };
  return columns.monetary ? { ...summary, monetary: Float64Array.from(columns.monetary) } : summary;
}

/**
 * Collapses identical (x, tx, T) rows into weighted rows, grouped by increasing x (ties in order of first
 * appearance), so rows with the same x are contiguous: the BG/NBD likelihood computes its x-only terms once per x.
 * With whole-day data a million customers shrink to far fewer tuples. Linear time apart from sorting the distinct x
 * values: a hash on the three values' bits, then a counting sort by x.
 */
export function compressSummary(summary: Pick<CustomerSummary, 'length' | 'x' | 'tx' | 'T'>): CompressedSummary {
  const { x, tx, T } = summary;
  const { first, weight, count } = distinctRows([x, tx, T], summary.length);
  const order = groupByValue(x, first);
  const out = {
    length: count,
    x: new Float64Array(count),
    tx: new Float64Array(count),
    T: new Float64Array(count),
    weight: new Float64Array(count),
  };
  for (let i = 0; i < count; i++) {
    const k = order[i] as number;
    const row = first[k] as number;
    out.x[i] = x[row] as number;
    out.tx[i] = tx[row] as number;
    out.T[i] = T[row] as number;
    out.weight[i] = weight[k] as number;
  }
  return out;
}

/**
 * An order of the indexes of `rows` (into `column`) by increasing column value, equal values keeping their order: a
 * counting sort over the distinct values, which are few (purchase counts) even when the rows are many.
 */
export function groupByValue(column: Float64Array, rows: Int32Array): Int32Array {
  const n = rows.length;
  const groupOf = new Map<number, number>();
  const group = new Int32Array(n);
  const values: number[] = [];
  for (let k = 0; k < n; k++) {
    const v = column[rows[k] as number] as number;
    let g = groupOf.get(v);
    if (g === undefined) {
      g = values.length;
      groupOf.set(v, g);
      values.push(v);
    }
    group[k] = g;
  }
  const rank = new Int32Array(values.length);
  Array.from(values.keys())
    .sort((p, q) => (values[p] as number) - (values[q] as number))
    .forEach((g, r) => {
      rank[g] = r;
    });
  const offset = new Int32Array(values.length + 1);
  for (let k = 0; k < n; k++) {
    const slot = (rank[group[k] as number] as number) + 1;
    offset[slot] = (offset[slot] as number) + 1;
  }
  for (let r = 0; r < values.length; r++) offset[r + 1] = (offset[r + 1] as number) + (offset[r] as number);
  const order = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const r = rank[group[k] as number] as number;
    order[offset[r] as number] = k;
    offset[r] = (offset[r] as number) + 1;
  }
  return order;
}

/**
 * The distinct rows of `columns` (first n rows), in order of first appearance: `first[k]` is the index of the first
 * row of the k-th distinct row, `weight[k]` how many rows equal it and `group[i]` which distinct row row i is (so
 * results computed once per distinct row can be spread back). −0 and 0 count as the same value.
 */
export function distinctRows(
  columns: readonly Float64Array[],
  n: number,
): { first: Int32Array; weight: Float64Array; group: Int32Array; count: number } {
  // Open addressing with linear probing. Slot s holds (index of the distinct row + 1, its hash) at 2s and 2s + 1, so
  // one cache line settles most probes; the table starts small and doubles at half full, so few distinct rows stay
  // in cache however many rows there are.
  let size = 1024;
  let table: Int32Array = new Int32Array(2 * size);
  const first = new Int32Array(n);
  const weight = new Float64Array(n);
  const group = new Int32Array(n);
  const bits = new Float64Array(1);
  const words = new Uint32Array(bits.buffer);
  let count = 0;
  for (let i = 0; i < n; i++) {
    // MurmurHash3's 32-bit mixing over the two words of each double: whole numbers have all-zero low words and
    // few high bits set, so a weaker hash piles them into a few slots.
    let h = 0;
    for (let c = 0; c < columns.length; c++) {
      bits[0] = ((columns[c] as Float64Array)[i] as number) + 0; // + 0 turns −0 into 0, so both hash alike.
      h = mix(h, words[0] as number);
      h = mix(h, words[1] as number);
    }
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    const mask = size - 1;
    let slot = h & mask;
    for (;;) {
      const k = (table[2 * slot] as number) - 1;
      if (k === -1) {
        table[2 * slot] = count + 1;
        table[2 * slot + 1] = h;
        first[count] = i;
        weight[count] = 1;
        group[i] = count;
        count++;
        break;
      }
      if (table[2 * slot + 1] === h && sameRow(columns, first[k] as number, i)) {
        weight[k] = (weight[k] as number) + 1;
        group[i] = k;
        break;
      }
      slot = (slot + 1) & mask;
    }
    if (2 * count > size) {
      size *= 2;
      table = rehash(table, size);
    }
  }
  return { first: first.subarray(0, count), weight: weight.subarray(0, count), group, count };
}

/** The entries of `old` in a table of `size` slots, placed by their stored hashes. */
function rehash(old: Int32Array, size: number): Int32Array {
  const table = new Int32Array(2 * size);
  const mask = size - 1;
  for (let s = 0; s < old.length; s += 2) {
    const entry = old[s] as number;
    if (entry === 0) continue;
    const h = old[s + 1] as number;
    let slot = h & mask;
    while (table[2 * slot] !== 0) slot = (slot + 1) & mask;
    table[2 * slot] = entry;
    table[2 * slot + 1] = h;
  }
  return table;
}

/** What is wrong with one summary row, or '' when nothing is. */
function rowProblem(x: number, tx: number, T: number): string {
  if (!(x >= 0 && Number.isInteger(x))) return 'x must be a whole number ≥ 0';
  if (!(tx >= 0 && T >= 0 && Number.isFinite(tx) && Number.isFinite(T))) return 'tx and T must be finite numbers ≥ 0';
  if (tx > T) return 'tx (last purchase) must not exceed T (age)';
  if (x === 0 && tx !== 0) return 'tx must be 0 when x is 0';
  return '';
}

function mix(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function sameRow(columns: readonly Float64Array[], a: number, b: number): boolean {
  for (let c = 0; c < columns.length; c++) {
    const column = columns[c] as Float64Array;
    if (column[a] !== column[b]) return false;
  }
  return true;
}
