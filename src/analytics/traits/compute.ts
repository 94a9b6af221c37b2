import type { Engine } from '../../engines/engine.js';
import { join, type Sql, sql, str } from '../../engines/sql.js';
import { journeyStages } from '../journey.js';
import { lifecycleStages } from '../lifecycle/stages.js';
import { type LifecycleThresholds, lifecycleThresholds } from '../lifecycle/thresholds.js';
import { defaultRfmGroups } from '../rfm/groups.js';
import { rfmScores } from '../rfm/scores.js';
import type { AnalyticsSettings } from '../settings.js';
import { valueTiers } from '../value-tiers.js';
import { TRAIT_FAMILIES } from './definitions.js';

export interface ComputedTraits {
  /** `(user_id, <trait columns>)` for every profile of the workspace; NULL where a user has no value. */
  readonly relation: Sql;
  /** The trait columns of `relation`: the traits of the families the settings enable. */
  readonly traits: readonly string[];
  /** The thresholds lifecycle stages used (derived from the data unless configured), when that family runs. */
  readonly lifecycleThresholds: LifecycleThresholds | null;
}

/**
 * The computed traits of every profile as one relation: each enabled analysis is a relation keyed by user, joined to
 * the profiles. Lifecycle thresholds are derived first (a query of their own) so the run records the numbers used.
 */
export async function computedTraits(
  engine: Engine,
  workspace: string,
  asOf: Date,
  settings: AnalyticsSettings,
): Promise<ComputedTraits> {
  const { dialect } = engine;
  const on = new Set(settings.traits.families);
  const columns: Sql[] = [];
  const joins: Sql[] = [];
  let thresholds: LifecycleThresholds | null = null;
  if (on.has('rfm')) {
    const scores = rfmScores(dialect, workspace, asOf, settings.orders, settings.rfm.groups ?? defaultRfmGroups);
    joins.push(sql`LEFT JOIN (${scores}) rfm ON rfm.user_id = p.user_id`);
    columns.push(sql`rfm.segment AS rfm_segment, rfm.r AS r_score, rfm.f AS f_score, rfm.m AS m_score`);
  }
  if (on.has('lifecycle')) {
    thresholds = await lifecycleThresholds(engine, workspace, asOf, settings.orders, settings.lifecycle);
    const stages = lifecycleStages(dialect, workspace, asOf, settings.orders, thresholds);
    joins.push(sql`LEFT JOIN (${stages}) lc ON lc.user_id = p.user_id`);
    columns.push(sql`lc.lifecycle_stage AS lifecycle_stage`);
  }
  if (on.has('journey')) {
    joins.push(
      sql`LEFT JOIN (${journeyStages(dialect, workspace, asOf, settings.journey)}) j ON j.user_id = p.user_id`,
    );
    columns.push(sql`j.journey_stage AS journey_stage`);
  }
  if (on.has('value')) {
    const tiers = valueTiers(dialect, workspace, asOf, settings.orders, settings.valueTiers);
    joins.push(sql`LEFT JOIN (${tiers}) v ON v.user_id = p.user_id`);
    columns.push(sql`v.value_tier AS value_tier`);
  }
  const traits = settings.traits.families.flatMap((family) => TRAIT_FAMILIES[family]);
  const relation = sql`SELECT p.user_id AS user_id, ${join(columns)}
    FROM profiles p ${join(joins, ' ')}
    WHERE p.workspace = ${str(workspace)}`;
  return { relation, traits, lifecycleThresholds: thresholds };
}
