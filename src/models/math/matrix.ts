/**
 * A dense row-major matrix of doubles: the one shape the models pass around (feature tables, design matrices,
 * centroids). A Float64Array, not arrays of arrays, so a million rows × 8 features is one 64 MB block.
 */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  /** `data[i * cols + j]` is row i, column j. */
  readonly data: Float64Array;
}

export function matrix(rows: number, cols: number, data?: Float64Array): Matrix {
  if (data && data.length !== rows * cols) {
    throw new Error(`internal error: ${data.length} values for a ${rows}×${cols} matrix`);
  }
  return { rows, cols, data: data ?? new Float64Array(rows * cols) };
}

/** A matrix from rows of numbers (tests, small inputs). */
export function fromRows(rows: readonly (readonly number[])[]): Matrix {
  const cols = rows[0]?.length ?? 0;
  const out = matrix(rows.length, cols);
  rows.forEach((row, i) => {
    if (row.length !== cols) throw new Error(`internal error: row ${i} has ${row.length} values, not ${cols}`);
    out.data.set(row, i * cols);
  });
  return out;
}

export function row(m: Matrix, i: number): Float64Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}

/** Column means and standard deviations (population, n in the denominator). A constant column gets sd 1. */
export interface Scaling {
  readonly mean: Float64Array;
  readonly sd: Float64Array;
}

export function scalingOf(m: Matrix): Scaling {
  const mean = new Float64Array(m.cols);
  const sd = new Float64Array(m.cols);
  const { rows, cols, data } = m;
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) mean[j] = (mean[j] as number) + (data[i * cols + j] as number);
  for (let j = 0; j < cols; j++) mean[j] = (mean[j] as number) / Math.max(rows, 1);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const d = (data[i * cols + j] as number) - (mean[j] as number);
      sd[j] = (sd[j] as number) + d * d;
    }
  }
  for (let j = 0; j < cols; j++) {
    const s = Math.sqrt((sd[j] as number) / Math.max(rows, 1));
    // A constant column carries no information; sd 1 keeps it at 0 instead of dividing by zero.
    sd[j] = s > 1e-12 ? s : 1;
  }
  return { mean, sd };
}

/** (x − mean) / sd per column, into a new matrix. */
export function standardise(m: Matrix, scaling: Scaling = scalingOf(m)): Matrix {
  const out = matrix(m.rows, m.cols);
  const { rows, cols, data } = m;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      out.data[i * cols + j] =
        ((data[i * cols + j] as number) - (scaling.mean[j] as number)) / (scaling.sd[j] as number);
    }
  }
  return out;
}

/** Squared Euclidean distance between the d values of `a` from `ab` and of `b` from `bb` (rows of flat matrices). */
export function squaredDistance(a: Float64Array, ab: number, b: Float64Array, bb: number, d: number): number {
  let sum = 0;
  for (let j = 0; j < d; j++) {
    const diff = (a[ab + j] as number) - (b[bb + j] as number);
    sum += diff * diff;
  }
  return sum;
}
