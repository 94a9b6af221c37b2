import { UserError } from '../../errors.js';
import { type Matrix, matrix } from '../math/matrix.js';

/** One predictor as extracted from the data: numbers (NaN = missing) or category labels (null = missing). */
export type FeatureColumn =
  | { readonly name: string; readonly kind: 'numeric'; readonly values: Float64Array }
  | { readonly name: string; readonly kind: 'categorical'; readonly values: readonly (string | null)[] };

/** The level a missing category value (null) becomes. */
export const MISSING_LEVEL = '(missing)';
/** The level that pools rare categories, and categories first seen when scoring. */
export const OTHER_LEVEL = '(other)';

/** How categorical features are encoded. */
export interface DesignOptions {
  /** At most this many distinct levels (the reference included) get their own column; the rest are pooled. */
  readonly maxLevels?: number;
  /** Levels seen in fewer than this share of the training rows are pooled into "(other)". */
  readonly minLevelShare?: number;
}

/**
 * One column of the design matrix: where it comes from and how it is scaled. A column's value is
 * `(raw − center) / scale`; numeric values are standardised, 0/1 indicators keep center 0 and scale 1 so their
 * coefficient reads as "this level vs the reference" (or "missing vs imputed").
 */
export interface DesignColumn {
  readonly name: string;
  /** The feature (input column) it was built from. */
  readonly feature: string;
  /** `value`: the standardised number; `missing`: 1 when the number was missing; `level`: 1 for this category. */
  readonly role: 'value' | 'missing' | 'level';
  /** For `level` columns, the category (possibly "(missing)" or "(other)"); otherwise null. */
  readonly level: string | null;
  readonly center: number;
  readonly scale: number;
}

/** What was learnt about a numeric feature. */
export interface NumericFeatureSpec {
  readonly name: string;
  readonly kind: 'numeric';
  /** The training mean of the observed values, used for missing values (also at scoring). */
  readonly imputed: number;
  /** Training rows that were missing. */
  readonly missing: number;
}

/** What was learnt about a categorical feature. */
export interface CategoricalFeatureSpec {
  readonly name: string;
  readonly kind: 'categorical';
  /** The most frequent level: it gets no column, every coefficient is relative to it. */
  readonly reference: string;
  readonly referenceCount: number;
  /** The levels with their own column, most frequent first, with their training counts. */
  readonly levels: readonly { readonly level: string; readonly count: number }[];
  /** Training rows pooled into "(other)" (0: no "(other)" column; unseen levels then score as the reference). */
  readonly otherCount: number;
}

/** A feature's learnt encoding. */
export type FeatureSpec = NumericFeatureSpec | CategoricalFeatureSpec;

/**
 * The learnt encoding of a set of features into a design matrix: plain data, so `JSON.parse(JSON.stringify(design))`
 * is an equal design and can be stored with the model run and used to score new rows with identical columns.
 */
export interface Design {
  readonly version: 1;
  /** Training rows the encoding was learnt on. */
  readonly rows: number;
  readonly features: readonly FeatureSpec[];
  /** The matrix columns in order (no intercept column; the model adds its own). Constant columns are left out. */
  readonly columns: readonly DesignColumn[];
}

const DEFAULT_MAX_LEVELS = 20;
const DEFAULT_MIN_LEVEL_SHARE = 0.01;

/** Learns imputation, scaling and level coding from the training rows. */
export function learnDesign(features: readonly FeatureColumn[], options: DesignOptions = {}): Design {
  const maxLevels = options.maxLevels ?? DEFAULT_MAX_LEVELS;
  const minLevelShare = options.minLevelShare ?? DEFAULT_MIN_LEVEL_SHARE;
  if (!Number.isInteger(maxLevels) || maxLevels < 1) {
    throw new UserError('invalid_option', `maxLevels must be a positive integer, not ${maxLevels}`, 'maxLevels');
  }
  if (!(minLevelShare >= 0 && minLevelShare < 1)) {
    throw new UserError('invalid_option', `minLevelShare must be in [0, 1), not ${minLevelShare}`, 'minLevelShare');
  }
  const rows = rowCount(features);
  if (rows === 0) throw new UserError('insufficient_data', 'cannot learn a design from 0 rows', 'data');
  const names = new Set<string>();
  for (const f of features) {
    if (names.has(f.name)) throw new UserError('invalid_option', `feature ${f.name} is listed twice`, 'features');
    names.add(f.name);
  }

  const specs: FeatureSpec[] = [];
  const columns: DesignColumn[] = [];
  for (const f of features) {
    if (f.kind === 'numeric') learnNumeric(f, specs, columns);
    else learnCategorical(f, maxLevels, minLevelShare, specs, columns);
  }
  return { version: 1, rows, features: specs, columns };
}

function learnNumeric(
  f: Extract<FeatureColumn, { kind: 'numeric' }>,
  specs: FeatureSpec[],
  columns: DesignColumn[],
): void {
  const v = f.values;
  let sum = 0;
  let seen = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < v.length; i++) {
    const x = v[i] as number;
    // ±Infinity is treated as missing too: one of them would make the mean, and so every row, infinite.
    if (!Number.isFinite(x)) continue;
    sum += x;
    seen++;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const missing = v.length - seen;
  const imputed = seen > 0 ? sum / seen : 0;
  specs.push({ name: f.name, kind: 'numeric', imputed, missing });
  // Mean imputation adds nothing to the sum of squares, so the sd over all rows comes from the observed ones.
  let ss = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i] as number;
    if (Number.isFinite(x)) ss += (x - imputed) * (x - imputed);
  }
  const sd = Math.sqrt(ss / v.length);
  if (seen > 0 && max > min && sd > 0) {
    columns.push({ name: f.name, feature: f.name, role: 'value', level: null, center: imputed, scale: sd });
  }
  if (missing > 0 && seen > 0) {
    columns.push({ name: `${f.name}_missing`, feature: f.name, role: 'missing', level: null, center: 0, scale: 1 });
  }
}

function learnCategorical(
  f: Extract<FeatureColumn, { kind: 'categorical' }>,
  maxLevels: number,
  minLevelShare: number,
  specs: FeatureSpec[],
  columns: DesignColumn[],
): void {
  const counts = new Map<string, number>();
  for (const value of f.values) {
    const level = value ?? MISSING_LEVEL;
    counts.set(level, (counts.get(level) ?? 0) + 1);
  }
  // Most frequent first; ties by name so the same data always gives the same reference and columns.
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const [reference, referenceCount] = ranked[0] as [string, number];
  const minCount = minLevelShare * f.values.length;
  const levels: { level: string; count: number }[] = [];
  let otherCount = 0;
  ranked.forEach(([level, count], rank) => {
    if (rank === 0) return;
    if (rank < maxLevels && count >= minCount && level !== OTHER_LEVEL) levels.push({ level, count });
    else otherCount += count;
  });
  specs.push({ name: f.name, kind: 'categorical', reference, referenceCount, levels, otherCount });
  // No level column can be constant: each has ≥ 1 row and the reference holds ≥ 1 of the others.
  for (const { level } of levels) columns.push(levelColumn(f.name, level));
  if (otherCount > 0) columns.push(levelColumn(f.name, OTHER_LEVEL));
}

function levelColumn(feature: string, level: string): DesignColumn {
  return { name: `${feature}=${level}`, feature, role: 'level', level, center: 0, scale: 1 };
}

/**
 * Encodes feature columns (training or new rows) with a learnt design: the same columns in the same order. Missing
 * numbers get the training mean, pooled and unseen categories go to "(other)" (or the reference when training had
 * no "(other)").
 */
export function applyDesign(design: Design, features: readonly FeatureColumn[]): Matrix {
  const byName = new Map(features.map((f) => [f.name, f]));
  const specByName = new Map(design.features.map((s) => [s.name, s]));
  const needed = design.features.map((spec) => {
    const f = byName.get(spec.name);
    if (!f)
      throw new UserError('missing_feature', `the model needs feature ${spec.name}, which is missing`, 'features');
    if (f.kind !== spec.kind) {
      throw new UserError('invalid_feature', `feature ${spec.name} must be ${spec.kind}, not ${f.kind}`, 'features');
    }
    return f;
  });
  const rows = rowCount(needed);
  const cols = design.columns.length;
  const out = matrix(rows, cols);
  const data = out.data;

  design.columns.forEach((c, j) => {
    const f = byName.get(c.feature);
    const spec = specByName.get(c.feature);
    if (!f || !spec) throw new Error(`internal error: design column ${c.name} has no feature ${c.feature}`);
    if (f.kind !== 'numeric' || spec.kind !== 'numeric') return;
    const v = f.values;
    if (c.role === 'value') {
      for (let i = 0; i < rows; i++) {
        const x = v[i] as number;
        data[i * cols + j] = ((Number.isFinite(x) ? x : spec.imputed) - c.center) / c.scale;
      }
    } else {
      for (let i = 0; i < rows; i++) data[i * cols + j] = Number.isFinite(v[i] as number) ? 0 : 1;
    }
  });

  for (const spec of design.features) {
    if (spec.kind !== 'categorical') continue;
    const f = byName.get(spec.name);
    if (f?.kind !== 'categorical') throw new Error(`internal error: feature ${spec.name} vanished`);
    // Level → output column; −1 means the reference (all zeros). Levels not in the map are pooled or unseen.
    const code = new Map<string, number>([[spec.reference, -1]]);
    let other = -1;
    design.columns.forEach((c, j) => {
      if (c.feature !== spec.name || c.role !== 'level' || c.level === null) return;
      if (c.level === OTHER_LEVEL) other = j;
      else code.set(c.level, j);
    });
    const values = f.values;
    for (let i = 0; i < rows; i++) {
      const j = code.get(values[i] ?? MISSING_LEVEL) ?? other;
      if (j >= 0) data[i * cols + j] = 1;
    }
  }
  return out;
}

/** Learns a design on the training features and encodes them with it. */
export function fitDesign(
  features: readonly FeatureColumn[],
  options: DesignOptions = {},
): { design: Design; x: Matrix } {
  const design = learnDesign(features, options);
  return { design, x: applyDesign(design, features) };
}

function rowCount(features: readonly FeatureColumn[]): number {
  const first = features[0];
  if (!first) throw new UserError('insufficient_data', 'a model needs at least one feature', 'features');
  const rows = first.values.length;
  for (const f of features) {
    if (f.values.length !== rows) {
      throw new Error(`internal error: feature ${f.name} has ${f.values.length} rows, ${first.name} has ${rows}`);
    }
  }
  return rows;
}
