/** What the Predictions page reads: the churn and CLV runs (`GET /api/models`) and their score distributions. */

export interface ModelsAnswer {
  readonly churn: ChurnRun | null;
  readonly clv: ClvRun | null;
}

export interface CalibrationBin {
  readonly count: number;
  readonly meanPredicted: number;
  readonly observedRate: number;
}

export interface Driver {
  readonly column: string;
  readonly feature: string;
  readonly role: string;
  readonly level: string | null;
  readonly reference: string | null;
  readonly coefficient: number;
  readonly oddsRatio: number;
  readonly z: number | null;
}

export interface ChurnRun {
  readonly id: string;
  readonly asOf: string | null;
  readonly finishedAt: string | null;
  readonly stats: {
    readonly mode: 'behavioural' | 'supervised';
    readonly scored: number;
    readonly data: {
      readonly asOf: string;
      readonly windowDays?: number;
      readonly trainingCutoff?: string;
      readonly evaluationCutoff?: string;
      readonly evaluationUsers?: number;
      readonly evaluationChurnRate?: number;
      readonly label?: string;
      readonly positive?: string;
      readonly labelledUsers?: number;
      readonly churnRate?: number;
    };
    readonly quality: {
      readonly heldOutAuc?: number | null;
      readonly heldOutBrier?: number | null;
      readonly crossValidatedAuc?: number | null;
      readonly aucSd?: number | null;
      readonly folds?: number;
      readonly outOfFoldBrier?: number | null;
      readonly calibration: readonly CalibrationBin[];
    };
    readonly model: { readonly drivers: readonly Driver[]; readonly trainingRows: number };
  };
}

export interface ClvRun {
  readonly id: string;
  readonly asOf: string | null;
  readonly finishedAt: string | null;
  readonly stats: {
    readonly bgnbd: {
      readonly r: number;
      readonly alpha: number;
      readonly a: number;
      readonly b: number;
      readonly log_likelihood: number;
      readonly converged: boolean;
    };
    readonly gamma_gamma: {
      readonly p: number;
      readonly q: number;
      readonly v: number;
      readonly log_likelihood: number;
      readonly converged: boolean;
      readonly mean_spend: number;
    };
    readonly unit: string;
    readonly horizonDays: number;
    readonly discountRate: number;
    readonly data: {
      readonly observationEnd: string;
      readonly customers: number;
      readonly repeatBuyers: number;
    };
    readonly quality: {
      readonly frequencySpendCorrelation: number | null;
      readonly meanPAlive: number;
      readonly expectedPurchasesTotal: number;
      readonly clvTotal: number;
      readonly clvMean: number;
      readonly repeatPurchasesObserved: number;
      readonly repeatPurchasesExpected: number;
    };
  };
}

/** `GET /api/models/{kind}/distribution`. */
export interface Distribution {
  readonly kind: string;
  readonly output: string;
  readonly runId: string | null;
  readonly users: number;
  readonly min: number | null;
  readonly max: number | null;
  readonly mean: number | null;
  readonly quantiles: Readonly<Record<'p10' | 'p25' | 'p50' | 'p75' | 'p90' | 'p99', number | null>>;
  readonly bins: readonly { readonly from: number; readonly to: number; readonly count: number }[];
}

/** A comparison the threshold segment can make. */
export type ThresholdOp = '>=' | '<';

export interface Threshold {
  readonly op: ThresholdOp;
  readonly value: number;
}
