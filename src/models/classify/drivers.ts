import type { Design, DesignColumn } from './design.js';
import type { LogisticModel } from './logistic.js';

/** How one design column moves the predicted odds. */
export interface Driver {
  /** The design column, e.g. `tenure`, `tenure_missing` or `Contract=Two year`. */
  readonly column: string;
  /** The source feature. */
  readonly feature: string;
  readonly role: DesignColumn['role'];
  /** For one-hot columns the level, compared with `reference`; otherwise null. */
  readonly level: string | null;
  /** The feature's reference level for one-hot columns; otherwise null. */
  readonly reference: string | null;
  /**
   * Change in log-odds: per standard deviation of a numeric feature, for this level vs the reference, or for a
   * missing value vs one at the training mean.
   */
  readonly coefficient: number;
  /** e^coefficient: the factor the odds are multiplied by. */
  readonly oddsRatio: number;
  /** Wald standard error from the inverse Hessian at the optimum (slightly shrunk by the L2 penalty when λ > 0). */
  readonly standardError: number;
  /** coefficient / standardError. */
  readonly z: number;
}

/** The model's coefficients as drivers of the score, largest |coefficient| first. */
export function drivers(model: LogisticModel, design: Design): Driver[] {
  const cols = design.columns.length;
  if (model.coefficients.length !== cols) {
    throw new Error(`internal error: a model of ${model.coefficients.length} coefficients for a design of ${cols}`);
  }
  const p = cols + 1;
  const references = new Map<string, string>();
  for (const f of design.features) if (f.kind === 'categorical') references.set(f.name, f.reference);
  const out = design.columns.map((c, j): Driver => {
    const coefficient = model.coefficients[j] as number;
    // Covariance row/column 0 is the intercept, so column j sits at j + 1.
    const variance = model.covariance.data[(j + 1) * p + (j + 1)] as number;
    const standardError = Math.sqrt(Math.max(variance, 0));
    return {
      column: c.name,
      feature: c.feature,
      role: c.role,
      level: c.level,
      reference: c.role === 'level' ? (references.get(c.feature) ?? null) : null,
      coefficient,
      oddsRatio: Math.exp(coefficient),
      standardError,
      z: standardError > 0 ? coefficient / standardError : Number.NaN,
    };
  });
  return out.sort((a, b) => Math.abs(b.coefficient) - Math.abs(a.coefficient));
}
