import { symmetricEigen } from '../math/eigen.js';
import { type Matrix, matrix } from '../math/matrix.js';
import { Rng } from '../math/random.js';

/** How much one feature weighs in an axis: its entry in the unit principal direction. */
export interface Loading {
  readonly feature: string;
  readonly weight: number;
}

/** One principal axis of the projection. */
export interface ProjectionAxis {
  /** The axis's share of the total variance of the standardised features (its eigenvalue / the trace), 0..1. */
  readonly explained: number;
  /** Every feature's weight, by decreasing |weight|: the first ones say what the axis means. */
  readonly loadings: readonly Loading[];
}

/** A point of the 2-D map: a sampled user, or a cluster's centre. */
export interface ProjectedPoint {
  readonly cluster: string;
  readonly x: number;
  readonly y: number;
}

/** The personas on a plane: the first two principal components of the standardised features the clusters came from. */
export interface PersonaProjection {
  readonly method: 'pca';
  readonly axes: readonly [ProjectionAxis, ProjectionAxis];
  /** Each cluster's centre (its centroid in the standardised space), projected; in cluster index order. */
  readonly centres: readonly (ProjectedPoint & { readonly index: number })[];
  /** A seeded sample of users, in row order: enough to see the shapes, small enough to keep in a run. */
  readonly points: readonly (ProjectedPoint & { readonly userId: string })[];
  readonly sample: { readonly size: number; readonly of: number; readonly seed: number };
}

export const PROJECTION_SAMPLE = 2000;

/** Coordinates are for drawing: four decimals keep a 2,000-point sample small in the stored run. */
const round = (value: number) => Math.round(value * 1e4) / 1e4;

/**
 * PCA of the standardised feature matrix `X` (the one k-means ran on: column means 0), so the map's distances are
 * the clustering's own. The covariance is d × d (a handful of features), decomposed exactly; every row goes through
 * it once for the centres, and only the sample's rows are kept as points.
 */
export function projectPersonas(
  X: Matrix,
  input: {
    readonly assignment: Int32Array;
    readonly clusterNames: readonly string[];
    readonly features: readonly string[];
    readonly userIds: readonly string[];
    readonly seed: number;
    readonly sampleSize?: number;
  },
): PersonaProjection {
  const { rows: n, cols: d, data } = X;
  const { assignment, clusterNames, features, userIds, seed } = input;
  if (features.length !== d) throw new Error(`internal error: ${features.length} feature names for ${d} columns`);
  if (assignment.length !== n || userIds.length !== n) throw new Error(`internal error: labels or ids for ${n} rows`);

  const covariance = matrix(d, d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const xa = data[i * d + a] as number;
      for (let b = a; b < d; b++)
        covariance.data[a * d + b] = (covariance.data[a * d + b] as number) + xa * (data[i * d + b] as number);
    }
  }
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const value = (covariance.data[a * d + b] as number) / Math.max(n, 1);
      covariance.data[a * d + b] = value;
      covariance.data[b * d + a] = value;
    }
  }
  const { values, vectors } = symmetricEigen(covariance);
  let trace = 0;
  for (let a = 0; a < d; a++) trace += covariance.data[a * d + a] as number;
  // With one feature there is no second direction: the y axis is then flat, and says so with a share of 0.
  const direction = (component: number) =>
    Float64Array.from({ length: d }, (_, j) => (component < d ? (vectors.data[j * d + component] as number) : 0));
  const directions = [direction(0), direction(1)] as const;
  const axis = (component: number): ProjectionAxis => ({
    explained: component < d && trace > 0 ? Math.max(0, values[component] as number) / trace : 0,
    loadings:
      component < d
        ? features
            .map((feature, j) => ({ feature, weight: directions[component === 0 ? 0 : 1][j] as number }))
            .sort((p, q) => Math.abs(q.weight) - Math.abs(p.weight))
        : [],
  });
  const project = (row: (j: number) => number) => {
    let x = 0;
    let y = 0;
    for (let j = 0; j < d; j++) {
      x += row(j) * (directions[0][j] as number);
      y += row(j) * (directions[1][j] as number);
    }
    return { x, y };
  };

  const k = clusterNames.length;
  const sums = new Float64Array(k * d);
  const sizes = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const c = assignment[i] as number;
    sizes[c] = (sizes[c] as number) + 1;
    for (let j = 0; j < d; j++) sums[c * d + j] = (sums[c * d + j] as number) + (data[i * d + j] as number);
  }
  const centres = clusterNames.map((cluster, c) => {
    const size = Math.max(sizes[c] as number, 1);
    const { x, y } = project((j) => (sums[c * d + j] as number) / size);
    return { index: c, cluster, x: round(x), y: round(y) };
  });

  const size = Math.min(n, input.sampleSize ?? PROJECTION_SAMPLE);
  const rows = new Rng(seed).sample(n, size).sort((p, q) => p - q);
  const points = rows.map((i) => {
    const { x, y } = project((j) => data[i * d + j] as number);
    return {
      userId: userIds[i] as string,
      cluster: clusterNames[assignment[i] as number] as string,
      x: round(x),
      y: round(y),
    };
  });

  return { method: 'pca', axes: [axis(0), axis(1)], centres, points, sample: { size, of: n, seed } };
}
