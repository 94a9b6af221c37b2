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

/** Every computed trait, in a stable order. */
export const COMPUTED_TRAITS: readonly string[] = Object.values(TRAIT_FAMILIES).flat();
