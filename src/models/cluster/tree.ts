import { UserError } from '../../errors.js';
import type { Matrix } from '../math/matrix.js';
import { Rng } from '../math/random.js';

/** One test on an original feature value: `row[feature] op threshold`. */
export interface Condition {
  readonly feature: number;
  readonly op: '<=' | '>';
  readonly threshold: number;
}

/** A conjunction of conditions (one root-to-leaf path). */
export type Path = readonly Condition[];

/** A disjunction of paths: a row matches when it satisfies every condition of at least one path. */
export type Rule = readonly Path[];

/** How well a rule reproduces cluster membership on the rows it was learnt from. */
export interface RuleAgreement {
  /** Share of rows matching the rule that are in the cluster (0 when nothing matches). */
  readonly precision: number;
  /** Share of the cluster's rows that match the rule (0 for an empty cluster). */
  readonly recall: number;
  /** Share of rows where rule and cluster agree (in and matching, or out and not matching). */
  readonly accuracy: number;
  /** Rows of the training sample. */
  readonly rows: number;
}

/** A readable description of one cluster. */
export interface ClusterRule {
  readonly cluster: number;
  /** Paths whose leaf predicts the cluster, each simplified; empty when no leaf does. */
  readonly paths: Condition[][];
  readonly agreement: RuleAgreement;
}

/** Options of {@link describeCluster} and {@link describeClusters}. */
export interface TreeOptions {
  /** Depth of the tree (number of conditions on a path before simplification). Default 3. */
  readonly maxDepth?: number;
  /** Smallest leaf, as a share of the training rows. Default 0.01. */
  readonly minLeafFraction?: number;
  /** The tree is learnt on a seeded sample of at most this many rows. Default 50,000. */
  readonly sampleSize?: number;
  /** Seed of the sample. Default 42. */
  readonly seed?: number;
}

/**
 * Describes cluster `cluster` of `assignment` by a shallow CART tree (Gini impurity, exact thresholds at midpoints
 * between consecutive distinct values) trained one-vs-rest on the original, unstandardised features `X`.
 */
export function describeCluster(
  X: Matrix,
  assignment: Int32Array,
  cluster: number,
  options: TreeOptions = {},
): ClusterRule {
  return learnRule(prepare(X, assignment, options), cluster, options);
}

/** {@link describeCluster} for clusters 0 … k − 1, sharing one training sample. */
export function describeClusters(
  X: Matrix,
  assignment: Int32Array,
  k: number,
  options: TreeOptions = {},
): ClusterRule[] {
  const sample = prepare(X, assignment, options);
  return Array.from({ length: k }, (_, c) => learnRule(sample, c, options));
}

/** Whether `row` satisfies every condition of `path`. */
export function matchesPath(path: Path, row: ArrayLike<number>): boolean {
  for (const { feature, op, threshold } of path) {
    const value = row[feature] as number;
    if (op === '<=' ? !(value <= threshold) : !(value > threshold)) return false;
  }
  return true;
}

/** Whether `row` satisfies at least one path of `rule`. */
export function matches(rule: Rule, row: ArrayLike<number>): boolean {
  for (const path of rule) if (matchesPath(path, row)) return true;
  return false;
}

/**
 * Keeps, per feature, only the tightest bound in each direction (the smallest `<=`, the largest `>`), in the order
 * the feature and direction first appear.
 */
export function simplifyPath(path: Path): Condition[] {
  const kept = new Map<string, Condition>();
  for (const condition of path) {
    const key = `${condition.feature}${condition.op}`;
    const current = kept.get(key);
    if (
      !current ||
      (condition.op === '<=' ? condition.threshold < current.threshold : condition.threshold > current.threshold)
    ) {
      kept.set(key, current ? { ...current, threshold: condition.threshold } : condition);
    }
  }
  return [...kept.values()];
}

interface Sample {
  readonly rows: number;
  readonly cols: number;
  /** Row-major values of the sampled rows. */
  readonly values: Float64Array;
  readonly labels: Int32Array;
  /** order[f * rows + r]: the r-th sampled row by increasing value of feature f. */
  readonly order: Int32Array;
}

function prepare(X: Matrix, assignment: Int32Array, options: TreeOptions): Sample {
  const sampleSize = options.sampleSize ?? 50_000;
  if (assignment.length !== X.rows) throw new Error(`internal error: ${assignment.length} labels for ${X.rows} rows`);
  if (!Number.isInteger(sampleSize) || sampleSize < 1) {
    throw new UserError('invalid_value', `sampleSize must be a positive integer; got ${sampleSize}`, 'sampleSize');
  }
  const d = X.cols;
  const picked =
    X.rows > sampleSize ? new Rng(options.seed ?? 42).sample(X.rows, sampleSize).sort((p, q) => p - q) : null;
  const m = picked ? picked.length : X.rows;
  const values = new Float64Array(m * d);
  const labels = new Int32Array(m);
  for (let r = 0; r < m; r++) {
    const i = picked ? (picked[r] as number) : r;
    values.set(X.data.subarray(i * d, i * d + d), r * d);
    labels[r] = assignment[i] as number;
  }
  for (let p = 0; p < values.length; p++) {
    if (!Number.isFinite(values[p] as number)) {
      throw new UserError(
        'invalid_value',
        `describing clusters needs finite feature values; found ${values[p]}`,
        'data',
      );
    }
  }
  const order = new Int32Array(m * d);
  const column = new Float64Array(m);
  for (let f = 0; f < d; f++) {
    for (let r = 0; r < m; r++) column[r] = values[r * d + f] as number;
    const sorted = order.subarray(f * m, f * m + m);
    for (let r = 0; r < m; r++) sorted[r] = r;
    sorted.sort((p, q) => (column[p] as number) - (column[q] as number));
  }
  return { rows: m, cols: d, values, labels, order };
}

type Node =
  | { readonly leaf: true; readonly positive: boolean }
  | {
      readonly leaf: false;
      readonly feature: number;
      readonly threshold: number;
      readonly left: Node;
      readonly right: Node;
    };

function learnRule(sample: Sample, cluster: number, options: TreeOptions): ClusterRule {
  const maxDepth = options.maxDepth ?? 3;
  const minLeafFraction = options.minLeafFraction ?? 0.01;
  if (!Number.isInteger(maxDepth) || maxDepth < 1) {
    throw new UserError('invalid_value', `maxDepth must be a positive integer; got ${maxDepth}`, 'maxDepth');
  }
  if (!(minLeafFraction >= 0 && minLeafFraction < 0.5)) {
    throw new UserError(
      'invalid_value',
      `minLeafFraction must be in [0, 0.5); got ${minLeafFraction}`,
      'minLeafFraction',
    );
  }
  const { rows: m, cols: d, values, labels, order } = sample;
  const target = new Uint8Array(m);
  let positives = 0;
  for (let r = 0; r < m; r++) {
    if (labels[r] === cluster) {
      target[r] = 1;
      positives++;
    }
  }
  const minLeaf = Math.max(1, Math.ceil(minLeafFraction * m));
  const nodeOf = new Int32Array(m);
  let nextNode = 1;

  const grow = (id: number, depth: number, count: number, pos: number): Node => {
    const positive = 2 * pos > count;
    if (depth >= maxDepth || pos === 0 || pos === count || count < 2 * minLeaf) return { leaf: true, positive };
    // Gini impurity times node size: 2·p·(n − p)/n per side.
    let bestImpurity = (2 * pos * (count - pos)) / count - 1e-12 * count;
    let bestFeature = -1;
    let bestThreshold = 0;
    let bestLeft = 0;
    let bestLeftPos = 0;
    for (let f = 0; f < d; f++) {
      const base = f * m;
      let nLeft = 0;
      let posLeft = 0;
      let previous = Number.NEGATIVE_INFINITY;
      for (let q = 0; q < m; q++) {
        const r = order[base + q] as number;
        if (nodeOf[r] !== id) continue;
        const value = values[r * d + f] as number;
        if (value > previous && nLeft >= minLeaf && count - nLeft >= minLeaf) {
          const nRight = count - nLeft;
          const posRight = pos - posLeft;
          const impurity = (2 * posLeft * (nLeft - posLeft)) / nLeft + (2 * posRight * (nRight - posRight)) / nRight;
          if (impurity < bestImpurity) {
            bestImpurity = impurity;
            bestFeature = f;
            const middle = previous + (value - previous) / 2;
            // Adjacent doubles: the midpoint can round up to `value`, which would send it left.
            bestThreshold = middle < value ? middle : previous;
            bestLeft = nLeft;
            bestLeftPos = posLeft;
          }
        }
        nLeft++;
        posLeft += target[r] as number;
        previous = value;
      }
    }
    if (bestFeature < 0) return { leaf: true, positive };
    const leftId = nextNode++;
    const rightId = nextNode++;
    for (let r = 0; r < m; r++) {
      if (nodeOf[r] === id) nodeOf[r] = (values[r * d + bestFeature] as number) <= bestThreshold ? leftId : rightId;
    }
    const left = grow(leftId, depth + 1, bestLeft, bestLeftPos);
    const right = grow(rightId, depth + 1, count - bestLeft, pos - bestLeftPos);
    // Sibling leaves that predict the same thing say nothing; merging them shortens the rule.
    if (left.leaf && right.leaf && left.positive === right.positive) return { leaf: true, positive: left.positive };
    return { leaf: false, feature: bestFeature, threshold: bestThreshold, left, right };
  };

  const tree = m > 0 ? grow(0, 0, m, positives) : ({ leaf: true, positive: false } as const);
  const paths: Condition[][] = [];
  const collect = (node: Node, path: Condition[]): void => {
    if (node.leaf) {
      if (node.positive) paths.push(simplifyPath(path));
      return;
    }
    collect(node.left, [...path, { feature: node.feature, op: '<=', threshold: node.threshold }]);
    collect(node.right, [...path, { feature: node.feature, op: '>', threshold: node.threshold }]);
  };
  collect(tree, []);

  let truePositive = 0;
  let falsePositive = 0;
  let falseNegative = 0;
  for (let r = 0; r < m; r++) {
    const predicted = matches(paths, values.subarray(r * d, r * d + d));
    if (predicted && target[r]) truePositive++;
    else if (predicted) falsePositive++;
    else if (target[r]) falseNegative++;
  }
  const agreement: RuleAgreement = {
    precision: truePositive + falsePositive > 0 ? truePositive / (truePositive + falsePositive) : 0,
    recall: positives > 0 ? truePositive / positives : 0,
    accuracy: m > 0 ? (m - falsePositive - falseNegative) / m : 0,
    rows: m,
  };
  return { cluster, paths, agreement };
}
