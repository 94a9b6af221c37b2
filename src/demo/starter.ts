import { refreshComputedTraits } from '../analytics/traits/refresh.js';
import type { Engine } from '../engines/engine.js';
import { predictChurn } from '../models/churn/predict.js';
import { clusterUsers } from '../models/cluster/personas.js';
import { predictClv } from '../models/clv/predict.js';
import { refreshAll } from '../segments/refresh.js';
import { createSegment, listSegments } from '../segments/store.js';
import { parseRule } from '../segments/text/index.js';

/**
 * What a new user sees first: the demo's segments, computed traits and models, ready before the dashboard opens.
 * Each segment is written in the text form, as a user would type it.
 */
export const STARTER_SEGMENTS: readonly { name: string; description: string; text: string }[] = [
  { name: 'Champions', description: 'Bought recently and often (RFM)', text: 'rfm_segment = "Champions"' },
  {
    name: 'At risk',
    description: 'Good customers who have not bought for a while (RFM)',
    text: 'rfm_segment in ("At Risk", "Can\'t Lose Them")',
  },
  { name: 'Value tier A', description: 'The customers who bring 80 % of revenue', text: 'value_tier = "A"' },
  {
    name: 'First-time buyers',
    description: 'Exactly one order, placed in the last 90 days',
    text: 'did "Order Completed" = 1 time and did "Order Completed" in last 90d',
  },
  {
    name: 'Engaged B2B buyers',
    description: 'Three or more orders in 90 days, at a company account',
    text: 'did "Order Completed" >= 3 times in last 90d and account.industry exists',
  },
  {
    name: 'Pro subscribers',
    description: 'On a paid plan of the Pro tools',
    text: 'plan in ("starter", "pro", "enterprise") and not did "Subscription Canceled" in last 30d',
  },
  {
    name: 'NPS detractors',
    description: 'Answered the NPS survey with 0–6 in the last year',
    text: 'did "Survey Responded" where (survey = "nps" and score <= 6) in last 365d',
  },
  {
    name: 'Inactive 30 days',
    description: 'Seen before, but no session in the last 30 days',
    text: 'did "Session Started" and did not do "Session Started" in last 30d',
  },
  { name: 'High churn risk', description: 'Churn model score of 0.7 or more', text: 'churn_risk >= 0.7' },
  {
    name: 'Cart abandoners',
    description: 'Started a checkout in the last 14 days without completing an order',
    text: 'did "Checkout Started" in last 14d and did not do "Order Completed" in last 14d',
  },
];

/** Weekly refreshes back in time, so the segments' size over time has a history on the first day. */
const HISTORY_WEEKS = 8;
const WEEK_MS = 7 * 86_400_000;
/** Monthly computed traits back in time, so migrations between RFM groups (and stages, tiers) have a history. */
const TRAIT_HISTORY_MONTHS = 6;
const MONTH_MS = 30 * 86_400_000;

export interface StarterSummary {
  readonly segments: number;
  readonly models: readonly string[];
}

/**
 * Computes the traits, fits the three models and saves the starter segments with eight weeks of history. Only for a
 * workspace without segments: a user's own work is never touched.
 */
export async function prepareDemoWorkspace(
  engine: Engine,
  workspace: string,
  options: { readonly end: Date; readonly log?: (message: string) => void },
): Promise<StarterSummary> {
  const log = options.log ?? (() => undefined);
  if ((await listSegments(engine, workspace)).length > 0) return { segments: 0, models: [] };
  log('computing traits (RFM, lifecycle, value tiers) over the last six months');
  for (let month = TRAIT_HISTORY_MONTHS; month >= 1; month -= 1) {
    const asOf = new Date(options.end.getTime() - month * MONTH_MS);
    await refreshComputedTraits(engine, workspace, { trigger: 'manual', asOf });
  }
  await refreshComputedTraits(engine, workspace, { trigger: 'manual' });
  const models: string[] = [];
  for (const [kind, fitModel] of [
    ['clv', () => predictClv(engine, workspace, {})],
    ['churn', () => predictChurn(engine, workspace, {})],
    ['cluster', () => clusterUsers(engine, workspace, { k: 6 })],
  ] as const) {
    log(`fitting the ${kind} model`);
    try {
      await fitModel();
      models.push(kind);
    } catch (error) {
      // A small demo (a few dozen users) may be too little data for a model; the rest of the demo still works.
      log(`the ${kind} model was not fitted: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  for (const segment of STARTER_SEGMENTS) {
    const parsed = parseRule(segment.text);
    if (!parsed.ok) throw new Error(`starter segment "${segment.name}" does not parse: ${parsed.issues[0]?.message}`);
    if (!models.includes('churn') && segment.text.includes('churn_risk')) continue;
    await createSegment(engine, workspace, { name: segment.name, description: segment.description, rule: parsed.rule });
  }
  log('refreshing segments over the last eight weeks');
  for (let week = HISTORY_WEEKS; week >= 1; week -= 1) {
    await refreshAll(engine, workspace, { asOf: new Date(options.end.getTime() - week * WEEK_MS) });
  }
  await refreshAll(engine, workspace);
  return { segments: (await listSegments(engine, workspace)).length, models };
}
