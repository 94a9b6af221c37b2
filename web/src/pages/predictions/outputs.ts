import { formatMoney, formatNumber, formatPercent } from '../../components/format';
import type { ThresholdOp } from './types';

/** How the page presents one model output: its words, its unit, and a sensible first threshold. */
export interface OutputInfo {
  readonly kind: 'churn' | 'clv';
  readonly output: string;
  readonly label: string;
  /** The phrase after "users whose …", e.g. "churn risk". */
  readonly noun: string;
  readonly format: (value: number) => string;
  /** Probabilities live in [0, 1]; other outputs run from 0 to their maximum. */
  readonly probability: boolean;
  readonly op: ThresholdOp;
  /** The first threshold; null: a round number near the 90th percentile. */
  readonly threshold: number | null;
}

export const OUTPUTS = {
  churn_risk: {
    kind: 'churn',
    output: 'churn_risk',
    label: 'Churn risk',
    noun: 'churn risk',
    format: (v) => formatPercent(v, 0),
    probability: true,
    op: '>=',
    threshold: 0.7,
  },
  clv: {
    kind: 'clv',
    output: 'clv',
    label: 'CLV',
    noun: 'lifetime value',
    format: formatMoney,
    probability: false,
    op: '>=',
    threshold: null,
  },
  p_alive: {
    kind: 'clv',
    output: 'p_alive',
    label: 'P(alive)',
    noun: 'probability of being alive',
    format: (v) => formatPercent(v, 0),
    probability: true,
    op: '<',
    threshold: 0.3,
  },
  expected_purchases: {
    kind: 'clv',
    output: 'expected_purchases',
    label: 'Expected purchases',
    noun: 'expected purchases',
    format: formatNumber,
    probability: false,
    op: '>=',
    threshold: null,
  },
} as const satisfies Record<string, OutputInfo>;

export type OutputName = keyof typeof OUTPUTS;

/** A round step for a slider over [0, max]: 1, 2 or 5 times a power of ten, about 200 steps in all. */
export function niceStep(max: number): number {
  if (!(max > 0)) return 1;
  const raw = max / 200;
  const power = 10 ** Math.floor(Math.log10(raw));
  const mantissa = raw / power;
  return (mantissa <= 1 ? 1 : mantissa <= 2 ? 2 : mantissa <= 5 ? 5 : 10) * power;
}

/** `value` rounded to the step's decimals, so 0.7000000001 shows and saves as 0.7. */
export function roundToStep(value: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  return Number(value.toFixed(decimals));
}

export const opWord = (op: ThresholdOp) => (op === '>=' ? '≥' : '<');

/** A first threshold near `value` that reads well: two significant digits (1,195.89 → 1,200; 9.34 → 9.3). */
export function roundNumber(value: number): number {
  if (!(value > 0)) return 0;
  const power = 10 ** (Math.floor(Math.log10(value)) - 1);
  return Number((Math.round(value / power) * power).toPrecision(2));
}
