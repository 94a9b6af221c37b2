/**
 * The statistics segment insight needs, in plain TypeScript (no dependency): an accurate complementary error
 * function and the normal CDF, the two-proportion z-test, Welch's t-test with the Student t distribution computed
 * exactly through the regularized incomplete beta function, and Benjamini–Hochberg adjusted q-values.
 *
 * p-values are two-sided everywhere: insight looks for segments that differ in either direction.
 */

const SQRT_PI = Math.sqrt(Math.PI);

/**
 * erfc(x) = 1 − erf(x), with full relative accuracy in the tail (needed: p-values of strong effects are tiny, and
 * `1 − erf(x)` would round them all to 0 long before they underflow).
 *
 * - |x| < 2: erf from the series erf(x) = 2/√π · e^(−x²) · Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)), whose terms are all
 *   positive (no cancellation); erfc = 1 − erf loses at most ~3 digits there because erfc(2) ≈ 0.005.
 * - x ≥ 2: the continued fraction erfc(x) = e^(−x²)/√π · 1/(x + ½/(x + 1/(x + (3/2)/(x + 2/(x + …))))),
 *   evaluated with the modified Lentz method; it converges in a few dozen steps for x ≥ 2.
 * - x ≤ −2: erfc(x) = 2 − erfc(−x).
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) return 1 - erfSeries(x);
  if (x > 27) return 0; // e^(−x²) underflows below the smallest double
  return (Math.exp(-x * x) / SQRT_PI) * tailFraction(x);
}

/** erf(x) for small |x| (see `erfc`). */
export function erf(x: number): number {
  if (Math.abs(x) < 2) return erfSeries(x);
  return 1 - erfc(x);
}

function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * 1e-17) break;
  }
  return (2 / SQRT_PI) * Math.exp(-x2) * sum;
}

/** 1/(x + ½/(x + 1/(x + (3/2)/(x + …)))): the continued fraction a_k = k/2, b_k = x, by modified Lentz. */
function tailFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 5000; k++) {
    const a = k / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / f;
}

/** The standard normal CDF Φ(z), accurate in both tails. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** The two-sided p-value of a standard normal statistic: P(|Z| ≥ |z|) = erfc(|z|/√2). */
export function normalTwoSided(z: number): number {
  return erfc(Math.abs(z) / Math.SQRT2);
}

// Lanczos approximation (g = 7, n = 9), relative error below 1e-15 for x > 0.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let a = LANCZOS[0] as number;
  const t = y + 7.5;
  for (let i = 1; i < LANCZOS.length; i++) a += (LANCZOS[i] as number) / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * The regularized incomplete beta function I_x(a, b), by the continued fraction of Numerical Recipes (§6.4) with the
 * symmetry I_x(a, b) = 1 − I_(1−x)(b, a) to stay where it converges fast. The iteration cap is generous because the
 * fraction needs O(√max(a, b)) steps: Welch's df can be in the millions.
 */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(x, a, b)) / a;
  return 1 - (front * betaFraction(1 - x, b, a)) / b;
}

function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  d = Math.abs(d) < tiny ? tiny : d;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 100_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = 1 + aa / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = 1 + aa / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/** The two-sided p-value of Student's t with `df` degrees of freedom: P(|T| ≥ |t|) = I_(df/(df+t²))(df/2, 1/2). */
export function studentTwoSided(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  if (!Number.isFinite(t)) return 0;
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** The Student t CDF P(T ≤ t). */
export function studentCdf(t: number, df: number): number {
  const tail = studentTwoSided(t, df) / 2;
  return t >= 0 ? 1 - tail : tail;
}

export interface ZTest {
  readonly z: number;
  readonly pValue: number;
}

/**
 * The pooled two-proportion z-test of x1/n1 against x2/n2 (two-sided). When the pooled share is 0 or 1 nobody
 * differs, so z = 0 and p = 1. Null when either group is empty.
 */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number): ZTest | null {
  if (n1 <= 0 || n2 <= 0) return null;
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (!(se > 0)) return { z: 0, pValue: 1 };
  const z = (x1 / n1 - x2 / n2) / se;
  return { z, pValue: normalTwoSided(z) };
}

export interface Sample {
  readonly n: number;
  readonly mean: number;
  /** The sample variance (divisor n − 1). */
  readonly variance: number;
}

export interface TTest {
  readonly t: number;
  readonly df: number;
  readonly pValue: number;
}

/**
 * Welch's unequal-variance t-test (two-sided), with the Welch–Satterthwaite degrees of freedom. Null when a group has
 * fewer than two values. When both variances are 0 the groups are constant: p = 1 if the means agree, else 0.
 */
export function welchTTest(a: Sample, b: Sample): TTest | null {
  if (a.n < 2 || b.n < 2) return null;
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const se2 = va + vb;
  if (!(se2 > 0)) {
    const same = a.mean === b.mean;
    return { t: same ? 0 : Number.POSITIVE_INFINITY, df: a.n + b.n - 2, pValue: same ? 1 : 0 };
  }
  const t = (a.mean - b.mean) / Math.sqrt(se2);
  const df = (se2 * se2) / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
  return { t, df, pValue: studentTwoSided(t, df) };
}

/**
 * Benjamini–Hochberg adjusted p-values (q-values), in the order given: q_(i) = min over j ≥ i of m·p_(j)/j on the
 * ascending p-values, capped at 1 — R's `p.adjust(p, "BH")`.
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((x, y) => x.p - y.p || x.i - y.i);
  const q = new Array<number>(m);
  let running = 1;
  for (let rank = m; rank >= 1; rank--) {
    const item = order[rank - 1] as { p: number; i: number };
    running = Math.min(running, (m * item.p) / rank);
    q[item.i] = running;
  }
  return q;
}
