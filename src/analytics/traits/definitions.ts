/**
 * The computed traits Strata writes into profiles, by the analysis that computes them. Their names are reserved in
 * the sense that each run overwrites them: a trait of the same name sent by `identify` lasts until the next run.
 */
export const TRAIT_FAMILIES = {
  rfm: ['rfm_segment', 'r_score', 'f_score', 'm_score'],
  lifecycle: ['lifecycle_stage'],
  journey: ['journey_stage'],
  value: ['value_tier'],
} as const satisfies Record<string, readonly string[]>;

export type TraitFamily = keyof typeof TRAIT_FAMILIES;

/**
 * The traits each predictive model writes (`src/models/`). They are run on demand (`strata predict clv`,
 * `strata predict churn`, `strata cluster`), not by the computed-traits schedule: a model fit is a decision.
 */
export const MODEL_TRAITS = {
  clv: ['p_alive', 'expected_purchases', 'clv'],
  churn: ['churn_risk'],
  cluster: ['cluster'],
} as const satisfies Record<string, readonly string[]>;

export type ModelKind = keyof typeof MODEL_TRAITS;
export const MODEL_KINDS = Object.keys(MODEL_TRAITS) as [ModelKind, ...ModelKind[]];

/** Every computed trait, in a stable order. */
export const COMPUTED_TRAITS: readonly string[] = [
  ...Object.values(TRAIT_FAMILIES).flat(),
  ...Object.values(MODEL_TRAITS).flat(),
];

/** The computed traits with few values (groups, scores, stages), whose distribution is a short table. */
export const CATEGORICAL_TRAITS: readonly string[] = [...Object.values(TRAIT_FAMILIES).flat(), 'cluster'];

/** Groups of traits that one computation writes together. */
export const TRAIT_GROUPS: readonly (readonly string[])[] = [
  ...Object.values(TRAIT_FAMILIES),
  ...Object.values(MODEL_TRAITS),
];
