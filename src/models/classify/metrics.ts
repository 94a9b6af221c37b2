/**
 * How good predicted probabilities are: ranking (AUC), calibration by decile, and the proper scores Brier and log
 * loss. Labels are 0/1.
 */

/**
 * Area under the ROC curve: the probability that a random positive scores above a random negative, ties counting
 * half (the Mann–Whitney U statistic over n₁·n₀). O(n log n): the two classes' scores are sorted separately and
 * merged. NaN when either class is absent.
 */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const { positives, negatives } = splitByLabel(scores, labels);
  if (positives.length === 0 || negatives.length === 0) return Number.NaN;
  let below = 0;
  let equal = 0;
  let u = 0;
  for (let i = 0; i < positives.length; i++) {
    const s = positives[i] as number;
    // Positives come in ascending order, so both pointers only move forward.
    while (below < negatives.length && (negatives[below] as number) < s) below++;
    if (equal < below) equal = below;
    while (equal < negatives.length && (negatives[equal] as number) === s) equal++;
    u += below + (equal - below) / 2;
  }
  return u / (positives.length * negatives.length);
}

/** One bin of a calibration table. */
export interface CalibrationBin {
  readonly count: number;
  readonly minPredicted: number;
  readonly maxPredicted: number;
  readonly meanPredicted: number;
  /** The share of positives among the bin's rows. */
  readonly observedRate: number;
}

/**
 * A calibration table: rows sorted by predicted probability and cut into `bins` groups of (near) equal size
 * (deciles by default), each with its mean prediction and observed positive rate. Empty bins (fewer rows than bins)
 * are left out, so the counts always sum to the number of rows.
 */
export function calibration(scores: ArrayLike<number>, labels: ArrayLike<number>, bins = 10): CalibrationBin[] {
  if (!Number.isInteger(bins) || bins < 1) throw new Error(`internal error: ${bins} calibration bins`);
  const { positives, negatives } = splitByLabel(scores, labels);
  const n = positives.length + negatives.length;
  const out: CalibrationBin[] = [];
  // Merging the two sorted classes walks all rows in score order while knowing each row's label.
  let ip = 0;
  let ineg = 0;
  for (let b = 0; b < bins; b++) {
    const size = Math.floor(((b + 1) * n) / bins) - Math.floor((b * n) / bins);
    if (size === 0) continue;
    let sum = 0;
    let hits = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let k = 0; k < size; k++) {
      let s: number;
      if (
        ip < positives.length &&
        (ineg >= negatives.length || (positives[ip] as number) <= (negatives[ineg] as number))
      ) {
        s = positives[ip++] as number;
        hits++;
      } else {
        s = negatives[ineg++] as number;
      }
      sum += s;
      if (s < min) min = s;
      if (s > max) max = s;
    }
    out.push({
      count: size,
      minPredicted: min,
      maxPredicted: max,
      meanPredicted: sum / size,
      observedRate: hits / size,
    });
  }
  return out;
}

/** Mean squared difference between predicted probability and outcome (lower is better; 0.25 for always 0.5). */
export function brier(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  checkLengths(scores, labels);
  let sum = 0;
  for (let i = 0; i < scores.length; i++) {
    const d = (scores[i] as number) - (labels[i] as number);
    sum += d * d;
  }
  return sum / scores.length;
}

/** Mean negative log-likelihood of the outcomes (natural log), probabilities clipped to [1e-15, 1 − 1e-15]. */
export function logLoss(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  checkLengths(scores, labels);
  const eps = 1e-15;
  let sum = 0;
  for (let i = 0; i < scores.length; i++) {
    const p = Math.min(1 - eps, Math.max(eps, scores[i] as number));
    sum -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return sum / scores.length;
}

function splitByLabel(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
): { positives: Float64Array; negatives: Float64Array } {
  checkLengths(scores, labels);
  let count = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) count++;
  const positives = new Float64Array(count);
  const negatives = new Float64Array(labels.length - count);
  let ip = 0;
  let ineg = 0;
  for (let i = 0; i < labels.length; i++) {
    const s = scores[i] as number;
    if (Number.isNaN(s)) throw new Error(`internal error: score ${i} is NaN`);
    const y = labels[i];
    if (y === 1) positives[ip++] = s;
    else if (y === 0) negatives[ineg++] = s;
    else throw new Error(`internal error: label ${i} is ${y}, not 0 or 1`);
  }
  // Typed-array sort is numeric and native, much faster than sorting an index array with a comparator.
  positives.sort();
  negatives.sort();
  return { positives, negatives };
}

function checkLengths(scores: ArrayLike<number>, labels: ArrayLike<number>): void {
  if (scores.length !== labels.length) {
    throw new Error(`internal error: ${scores.length} scores for ${labels.length} labels`);
  }
}
