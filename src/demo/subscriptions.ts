import type { AccountPlan } from './accounts.js';
import { DAY_MS } from './calendar.js';
import { type PlanName, planOrder } from './catalog.js';
import type { Window } from './orders.js';
import type { Persona } from './personas.js';
import { type Random, Weighted } from './random.js';

/**
 * The SaaS side: a user may subscribe to the shop's "Pro tools", change plan, and cancel. The history is a list of
 * changes in time order; `planAt` answers "which plan at time t" for feature usage.
 */

export interface SubscriptionChange {
  readonly at: number;
  readonly kind: 'started' | 'changed' | 'canceled';
  /** The plan after the change; for a cancellation, the plan that was cancelled. */
  readonly plan: PlanName;
  readonly previous: PlanName | null;
}

const CONSUMER_PLANS = new Weighted<PlanName>([
  ['starter', 55],
  ['pro', 35],
  ['business', 10],
]);
const BIG_SPENDER_PLANS = new Weighted<PlanName>([
  ['pro', 60],
  ['business', 40],
]);
// Business users pick the tier that matches their company's contract.
const ACCOUNT_PLANS: Readonly<Record<AccountPlan, Weighted<PlanName>>> = {
  team: new Weighted([
    ['starter', 30],
    ['pro', 70],
  ]),
  business: new Weighted([
    ['pro', 30],
    ['business', 70],
  ]),
  enterprise: new Weighted([['business', 1]]),
};

function firstPlan(random: Random, persona: Persona, accountPlan: AccountPlan | null): PlanName {
  if (accountPlan) return ACCOUNT_PLANS[accountPlan].pick(random);
  return (persona === 'loyal_big_spender' ? BIG_SPENDER_PLANS : CONSUMER_PLANS).pick(random);
}

function step(plan: PlanName, by: number): PlanName {
  const index = Math.min(planOrder.length - 1, Math.max(0, planOrder.indexOf(plan) + by));
  return planOrder[index] ?? plan;
}

/**
 * A user's subscription history inside `window` (empty when they never subscribe). Big spenders subscribe within
 * three months, churners within a month and always cancel (downgrading first) before they go quiet; others
 * subscribe at any time and cancel with their persona's chance. At most two plan changes, upgrades more likely.
 * `when` turns a raw time into a session start (local hour, inside the window); the result is strictly increasing.
 */
export function subscriptionHistory(
  random: Random,
  persona: Persona,
  rates: { readonly subscribe: number; readonly cancel: number },
  accountPlan: AccountPlan | null,
  window: Window,
  when: (t: number) => number,
): SubscriptionChange[] {
  const chance = accountPlan && rates.subscribe > 0 ? Math.min(0.9, rates.subscribe * 2) : rates.subscribe;
  if (!random.chance(chance)) return [];
  const { from, to } = window;
  const churner = persona === 'drifting_churner';
  const latestStart = persona === 'loyal_big_spender' ? 90 * DAY_MS : churner ? 30 * DAY_MS : to - from;
  let plan = firstPlan(random, persona, accountPlan);
  const start = when(from + random.between(0, Math.min(latestStart, (to - from) / 2)));
  const history: SubscriptionChange[] = [{ at: start, kind: 'started', plan, previous: null }];
  // Churners need room to cancel after their last change, before they disappear.
  const changesUntil = churner ? to - 30 * DAY_MS : to;
  let last = start;
  let raw = start;
  for (let n = 0; n < 2; n++) {
    raw += random.exponential(150 * DAY_MS);
    const at = when(raw);
    if (raw >= changesUntil || at <= last) break;
    const next = churner ? step(plan, -1) : random.chance(0.65) ? step(plan, 1) : step(plan, -1);
    if (next === plan) continue;
    history.push({ at, kind: 'changed', plan: next, previous: plan });
    plan = next;
    last = at;
  }
  if (random.chance(rates.cancel) && last + 2 * DAY_MS < to) {
    const earliest = churner ? Math.max(last + 2 * DAY_MS, to - 30 * DAY_MS) : last + 2 * DAY_MS;
    // A local-hour shift moves a time by less than a day, so the cancellation stays after the last change.
    history.push({ at: when(random.between(earliest, to)), kind: 'canceled', plan, previous: plan });
  }
  return history;
}

/** The plan in force at `t`, or null before the start and after a cancellation. */
export function planAt(history: readonly SubscriptionChange[], t: number): PlanName | null {
  let plan: PlanName | null = null;
  for (const change of history) {
    if (change.at > t) break;
    plan = change.kind === 'canceled' ? null : change.plan;
  }
  return plan;
}
