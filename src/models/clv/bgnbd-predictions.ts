/**
 * What a fitted BG/NBD model says about customers (Fader, Hardie & Lee 2005): the probability a customer is still
 * alive, the purchases expected of them, and of a new customer. Vectorised over summary columns.
 */

import { hyp2f1 } from '../math/special.js';
import type { BgNbdParams } from './bgnbd.js';

/**
 * P(alive | x, tx, T) = 1 / (1 + δ(x > 0) · a / (b + x − 1) · ((α + T) / (α + tx))^(r + x)) (the paper's eq. 16):
 * 1 for customers who never bought again, since the model lets customers drop out only right after a purchase.
 */
export function probabilityAlive(params: BgNbdParams, x: number, tx: number, T: number): number;
export function probabilityAlive(
  params: BgNbdParams,
  x: ArrayLike<number>,
  tx: ArrayLike<number>,
  T: ArrayLike<number>,
): Float64Array;
export function probabilityAlive(
  params: BgNbdParams,
  x: number | ArrayLike<number>,
  tx: number | ArrayLike<number>,
  T: number | ArrayLike<number>,
): number | Float64Array {
  if (typeof x === 'number') return 1 / (1 + deadOdds(params, x, tx as number, T as number));
  return mapRows(x, tx as ArrayLike<number>, T as ArrayLike<number>, (xi, txi, Ti) => {
    return 1 / (1 + deadOdds(params, xi, txi, Ti));
  });
}

/**
 * E[Y(t) | x, tx, T]: expected purchases in the next t time units of a customer with this history (the paper's
 * eq. 10): (a + b + x − 1)/(a − 1) · [1 − ((α + T)/(α + T + t))^(r+x) · 2F1(r + x, b + x; a + b + x − 1;
 * t/(α + T + t))] / (1 + δ(x > 0) · a/(b + x − 1) · ((α + T)/(α + tx))^(r+x)). Loses accuracy as a → 1, where the
 * formula is 0/0 (about 1e-16 / |a − 1| relative).
 */
export function expectedPurchases(params: BgNbdParams, t: number, x: number, tx: number, T: number): number;
export function expectedPurchases(
  params: BgNbdParams,
  t: number,
  x: ArrayLike<number>,
  tx: ArrayLike<number>,
  T: ArrayLike<number>,
): Float64Array;
export function expectedPurchases(
  params: BgNbdParams,
  t: number,
  x: number | ArrayLike<number>,
  tx: number | ArrayLike<number>,
  T: number | ArrayLike<number>,
): number | Float64Array {
  if (typeof x === 'number') return conditionalExpectation(params, t, x, tx as number, T as number);
  return mapRows(x, tx as ArrayLike<number>, T as ArrayLike<number>, (xi, txi, Ti) =>
    conditionalExpectation(params, t, xi, txi, Ti),
  );
}

/**
 * E[X(t)]: expected purchases in the first t time units of a new customer (the paper's eq. 9): (a + b − 1)/(a − 1)
 * · [1 − (α/(α + t))^r · 2F1(r, b; a + b − 1; t/(α + t))].
 */
export function expectedPurchasesNew(params: BgNbdParams, t: number): number {
  const { r, alpha, a, b } = params;
  if (t <= 0) return 0;
  const z = t / (alpha + t);
  // α/(α + t) = 1 − z; the power through log1p keeps its relative accuracy when r is large.
  return ((a + b - 1) / (a - 1)) * (1 - Math.exp(r * Math.log1p(-z)) * hyp2f1(r, b, a + b - 1, z));
}

function conditionalExpectation(params: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = params;
  if (t <= 0) return 0;
  const z = t / (alpha + T + t);
  // (α + T)/(α + T + t) = 1 − z, raised through log1p as in expectedPurchasesNew.
  const power = Math.exp((r + x) * Math.log1p(-z));
  const alive = ((a + b + x - 1) / (a - 1)) * (1 - power * hyp2f1(r + x, b + x, a + b + x - 1, z));
  return alive / (1 + deadOdds(params, x, tx, T));
}

/** a / (b + x − 1) · ((α + T) / (α + tx))^(r + x): the odds that a customer with this history has dropped out. */
function deadOdds(params: BgNbdParams, x: number, tx: number, T: number): number {
  if (x <= 0) return 0;
  const { r, alpha, a, b } = params;
  return (a / (b + x - 1)) * Math.exp((r + x) * (Math.log(alpha + T) - Math.log(alpha + tx)));
}

function mapRows(
  x: ArrayLike<number>,
  tx: ArrayLike<number>,
  T: ArrayLike<number>,
  f: (x: number, tx: number, T: number) => number,
): Float64Array {
  if (tx.length !== x.length || T.length !== x.length) {
    throw new Error(`internal error: columns of ${x.length}, ${tx.length} and ${T.length} rows`);
  }
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = f(x[i] as number, tx[i] as number, T[i] as number);
  return out;
}
