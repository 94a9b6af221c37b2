/**
 * Unconstrained minimisation for the models' maximum-likelihood fits, which run on log-parameters so that any real
 * vector is a valid model: BFGS with a strong-Wolfe line search (Nocedal & Wright, Numerical Optimization, 2nd ed.,
 * algorithms 3.5, 3.6 and 6.1). Deterministic: no randomness, the same input gives the same iterates.
 */

/** The function to minimise. */
export interface Problem {
  /** f(x). May return a non-finite value where f is undefined; the line search then steps back. */
  value(x: Float64Array): number;
  /** Writes ∇f(x) into `gradient` and returns f(x). Without it the gradient is taken by central differences. */
  valueAndGradient?(x: Float64Array, gradient: Float64Array): number;
}

/** Stopping rules of {@link minimize}. */
export interface MinimizeOptions {
  /** Converged when every |∂f/∂xᵢ| is at most this (default 1e-6). Scale f so that this means something. */
  readonly gradientTolerance?: number;
  /** At most this many BFGS iterations (default 500). */
  readonly maxIterations?: number;
}

/** The outcome of {@link minimize}. */
export interface MinimizeResult {
  /** The best point found. */
  readonly x: Float64Array;
  /** f(x). */
  readonly value: number;
  /** max |∂f/∂xᵢ| at x. */
  readonly gradientNorm: number;
  readonly iterations: number;
  /** Calls of the value (or value-and-gradient) function, counting each finite-difference probe. */
  readonly evaluations: number;
  /** True when the gradient tolerance was met. */
  readonly converged: boolean;
}

const C1 = 1e-4;
const C2 = 0.9;

/** Minimises `problem` from `x0` by BFGS; see {@link MinimizeOptions} for when it stops. */
export function minimize(problem: Problem, x0: ArrayLike<number>, options: MinimizeOptions = {}): MinimizeResult {
  const gtol = options.gradientTolerance ?? 1e-6;
  const maxIterations = options.maxIterations ?? 500;
  const n = x0.length;
  let evaluations = 0;

  const evaluate = (x: Float64Array, g: Float64Array): number => {
    if (problem.valueAndGradient) {
      evaluations++;
      return problem.valueAndGradient(x, g);
    }
    evaluations += 2 * n + 1;
    return centralDifferences(problem, x, g);
  };

  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let f = evaluate(x, g);
  if (!Number.isFinite(f) || !allFinite(g)) {
    return { x, value: f, gradientNorm: Number.NaN, iterations: 0, evaluations, converged: false };
  }

  const H = identity(n);
  let freshH = true;
  const p = new Float64Array(n);
  const s = new Float64Array(n);
  const y = new Float64Array(n);
  const hy = new Float64Array(n);
  const search = new LineSearch(n, evaluate);
  let iterations = 0;

  while (iterations < maxIterations && normInf(g) > gtol) {
    iterations++;
    multiply(H, g, p, -1);
    let slope = dot(g, p);
    if (!(slope < 0)) {
      // Rounding has made H indefinite: fall back to steepest descent.
      resetIdentity(H);
      freshH = true;
      multiply(H, g, p, -1);
      slope = dot(g, p);
    }
    // A first steepest-descent step has no curvature to size it: move at most one unit in any coordinate.
    const step0 = freshH ? Math.min(1, 1 / normInf(p)) : 1;
    if (!search.run(x, f, g, p, slope, step0)) {
      if (freshH) break;
      resetIdentity(H);
      freshH = true;
      continue;
    }
    for (let i = 0; i < n; i++) {
      s[i] = (search.x[i] as number) - (x[i] as number);
      y[i] = (search.g[i] as number) - (g[i] as number);
    }
    x.set(search.x);
    g.set(search.g);
    f = search.f;
    const sy = dot(s, y);
    // Skip the update when curvature is not positive, which would make H indefinite.
    if (!(sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y)))) continue;
    if (freshH) {
      // Nocedal & Wright (6.20): scale the identity to the curvature seen along the first step.
      const scale = sy / dot(y, y);
      for (let i = 0; i < n; i++) H[i * n + i] = scale;
      freshH = false;
    }
    bfgsUpdate(H, s, y, sy, hy);
  }

  const gradientNorm = normInf(g);
  return { x, value: f, gradientNorm, iterations, evaluations, converged: gradientNorm <= gtol };
}

/** f(x) and a central-difference gradient into `g`, with steps near the cube root of machine epsilon. */
function centralDifferences(problem: Problem, x: Float64Array, g: Float64Array): number {
  const f = problem.value(x);
  const probe = Float64Array.from(x);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] as number;
    const h = 6e-6 * Math.max(1, Math.abs(xi));
    probe[i] = xi + h;
    const up = problem.value(probe);
    probe[i] = xi - h;
    const down = problem.value(probe);
    probe[i] = xi;
    g[i] = (up - down) / (2 * h);
  }
  return f;
}

/**
 * A line search for the strong Wolfe conditions: f falls enough (C1) and the slope flattens enough (C2), so the
 * BFGS update keeps H positive definite. The accepted point is left in `x`, `f` and `g`.
 */
class LineSearch {
  readonly x: Float64Array;
  readonly g: Float64Array;
  f = Number.NaN;
  private readonly trialX: Float64Array;
  private readonly trialG: Float64Array;

  constructor(
    n: number,
    private readonly evaluate: (x: Float64Array, g: Float64Array) => number,
  ) {
    this.x = new Float64Array(n);
    this.g = new Float64Array(n);
    this.trialX = new Float64Array(n);
    this.trialG = new Float64Array(n);
  }

  /** Searches along `p` from `x0`; false when no acceptable step was found. */
  run(x0: Float64Array, f0: number, g0: Float64Array, p: Float64Array, slope0: number, step0: number): boolean {
    let prevStep = 0;
    let prevF = f0;
    let prevSlope = slope0;
    let step = step0;
    let found = false;
    // The last point that met the sufficient-decrease condition, kept in x/f/g as a fallback.
    this.f = f0;
    this.x.set(x0);
    this.g.set(g0);
    for (let i = 0; i < 40; i++) {
      const f = this.trial(x0, p, step);
      if (!Number.isFinite(f)) {
        // Outside the domain (an overflow, a parameter out of range): come back towards the last good step.
        step = prevStep + (step - prevStep) / 4;
        continue;
      }
      if (f > f0 + C1 * step * slope0 || (i > 0 && f >= prevF)) {
        return this.zoom(x0, f0, p, slope0, prevStep, prevF, prevSlope, step, f) || found;
      }
      const slope = dot(this.trialG, p);
      this.accept(f);
      found = true;
      if (Math.abs(slope) <= -C2 * slope0) return true;
      if (slope >= 0) return this.zoom(x0, f0, p, slope0, step, f, slope, prevStep, prevF) || found;
      prevStep = step;
      prevF = f;
      prevSlope = slope;
      step *= 2;
    }
    return found;
  }

  private zoom(
    x0: Float64Array,
    f0: number,
    p: Float64Array,
    slope0: number,
    lo: number,
    fLo: number,
    slopeLo: number,
    hi: number,
    fHi: number,
  ): boolean {
    for (let i = 0; i < 60; i++) {
      const width = hi - lo;
      // Minimum of the quadratic through (lo, fLo, slopeLo) and (hi, fHi), kept off the ends; else bisect.
      let step = lo - (slopeLo * width * width) / (2 * (fHi - fLo - slopeLo * width));
      const inner = 0.1 * Math.abs(width);
      if (!Number.isFinite(step) || Math.abs(step - lo) < inner || Math.abs(hi - step) < inner) step = lo + width / 2;
      if (step === lo || step === hi) return false;
      const f = this.trial(x0, p, step);
      if (!Number.isFinite(f) || f > f0 + C1 * step * slope0 || f >= fLo) {
        hi = step;
        fHi = f;
        continue;
      }
      const slope = dot(this.trialG, p);
      this.accept(f);
      if (Math.abs(slope) <= -C2 * slope0) return true;
      if (slope * (hi - lo) >= 0) {
        hi = lo;
        fHi = fLo;
      }
      lo = step;
      fLo = f;
      slopeLo = slope;
    }
    return false;
  }

  private trial(x0: Float64Array, p: Float64Array, step: number): number {
    for (let i = 0; i < x0.length; i++) this.trialX[i] = (x0[i] as number) + step * (p[i] as number);
    const f = this.evaluate(this.trialX, this.trialG);
    return allFinite(this.trialG) ? f : Number.NaN;
  }

  private accept(f: number): void {
    this.f = f;
    this.x.set(this.trialX);
    this.g.set(this.trialG);
  }
}

/** H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ with ρ = 1 / sᵀy, the BFGS update of the inverse Hessian. */
function bfgsUpdate(H: Float64Array, s: Float64Array, y: Float64Array, sy: number, hy: Float64Array): void {
  const n = s.length;
  const rho = 1 / sy;
  multiply(H, y, hy, 1);
  const yHy = dot(y, hy);
  const k = rho * rho * yHy + rho;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const si = s[i] as number;
      const sj = s[j] as number;
      H[i * n + j] = (H[i * n + j] as number) - rho * ((hy[i] as number) * sj + si * (hy[j] as number)) + k * si * sj;
    }
  }
}

function identity(n: number): Float64Array {
  const m = new Float64Array(n * n);
  resetIdentity(m);
  return m;
}

function resetIdentity(m: Float64Array): void {
  const n = Math.round(Math.sqrt(m.length));
  m.fill(0);
  for (let i = 0; i < n; i++) m[i * n + i] = 1;
}

/** out = sign · M v for a square row-major M. */
function multiply(M: Float64Array, v: Float64Array, out: Float64Array, sign: number): void {
  const n = v.length;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += (M[i * n + j] as number) * (v[j] as number);
    out[i] = sign * sum;
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

function normInf(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i] as number));
  return m;
}

function allFinite(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return false;
  return true;
}
