/** What the Personas page reads from a cluster run (`GET /api/models` → cluster; docs/models.md → Personas). */

export interface ModelsAnswer {
  readonly cluster: ClusterRun | null;
}

export interface ClusterRun {
  readonly id: string;
  readonly asOf: string | null;
  readonly finishedAt: string | null;
  readonly params: { readonly k: number | 'auto'; readonly seed: number; readonly features: readonly string[] };
  readonly stats: ClusterStats;
}

export interface ClusterStats {
  readonly k: number;
  readonly kChoice: { readonly table: readonly { k: number; silhouette: number }[] } | null;
  readonly silhouette: number | null;
  readonly data: { readonly asOf: string; readonly users: number };
  readonly features: readonly FeatureInfo[];
  readonly clusters: readonly Persona[];
  /** Absent in runs fitted before the map was added. */
  readonly projection?: Projection;
}

export interface FeatureInfo {
  readonly name: string;
  readonly description: string;
}

export interface Persona {
  readonly index: number;
  readonly name: string;
  readonly size: number;
  readonly share: number;
  readonly mean: Readonly<Record<string, number>>;
  readonly median: Readonly<Record<string, number>>;
  /** Standardised difference from everyone else, largest first. */
  readonly distinguishing: readonly { readonly feature: string; readonly difference: number }[];
  readonly segment: SuggestedSegment | null;
}

export interface SuggestedSegment {
  readonly rule: unknown;
  readonly text: string;
  readonly agreement: { readonly precision: number; readonly recall: number; readonly accuracy: number };
}

export interface ProjectionAxis {
  readonly explained: number;
  readonly loadings: readonly { readonly feature: string; readonly weight: number }[];
}

export interface Projection {
  readonly axes: readonly [ProjectionAxis, ProjectionAxis];
  readonly centres: readonly {
    readonly index: number;
    readonly cluster: string;
    readonly x: number;
    readonly y: number;
  }[];
  readonly points: readonly {
    readonly userId: string;
    readonly cluster: string;
    readonly x: number;
    readonly y: number;
  }[];
  readonly sample: { readonly size: number; readonly of: number; readonly seed: number };
}
