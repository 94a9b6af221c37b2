import { UserError } from '../../errors.js';
import type { Rule } from '../../segments/definition.js';
import { BEHAVIOUR_FEATURES, type BehaviourTable } from './behaviour.js';

/**
 * The features a user can cluster on, each with how to read it and — the point of the catalogue — how to say
 * "feature ≤ t" / "feature > t" as a Strata rule, so a decision tree over them becomes a segment definition anyone
 * can save, read and refresh. A feature with no such translation can shape clusters but not their suggested rules.
 */
export interface FeatureSpec {
  /** As given by the user: `orders`, `events_90d:Product Added`. */
  readonly name: string;
  readonly description: string;
  /** Heavy-tailed counts and money are compared on log(1 + x), so a few big spenders do not make every cluster. */
  readonly log: boolean;
  /** Words for cluster names. */
  readonly words: { readonly high: string; readonly low: string };
  /** `value op threshold` as a rule; undefined when the rule language cannot say it. */
  readonly rule?: (op: '<=' | '>', threshold: number) => Rule;
}

export interface CatalogueContext {
  /** The order event (the first of the settings' order events). */
  readonly orderEvent: string;
  /** Order events other than the first exist: sums and counts over one event name would not be the feature. */
  readonly severalOrderEvents: boolean;
}

const days = (t: number) => `${Math.min(999_999, Math.max(1, Math.round(t)))}d`;
const countOp = (op: '<=' | '>', t: number) =>
  op === '<='
    ? { op: '<=' as const, value: Math.max(0, Math.floor(t)) }
    : { op: '>=' as const, value: Math.floor(t) + 1 };
const not = (rule: Rule): Rule => ({ type: 'not', rule });

/** The features used when the user names none: purchase behaviour, engagement and tenure. */
export const DEFAULT_CLUSTER_FEATURES = [
  'orders',
  'revenue',
  'avg_order_value',
  'order_recency_days',
  'recency_days',
  'tenure_days',
];

export function featureSpec(name: string, ctx: CatalogueContext, path = 'features'): FeatureSpec {
  const base = (log: boolean, high: string, low: string, rule?: FeatureSpec['rule']): FeatureSpec => ({
    name,
    description: BEHAVIOUR_FEATURES[name] ?? name,
    log,
    words: { high, low },
    ...(rule ? { rule } : {}),
  });
  const orderRule = ctx.severalOrderEvents ? undefined : ctx.orderEvent;
  switch (name) {
    case 'orders':
      return base(
        true,
        'frequent buyers',
        'few orders',
        orderRule ? (op, t) => ({ type: 'event', event: orderRule, count: countOp(op, t) }) : undefined,
      );
    case 'orders_90d':
      return base(
        true,
        'buying lately',
        'not buying lately',
        orderRule
          ? (op, t) => ({ type: 'event', event: orderRule, count: countOp(op, t), window: { last: '90d' } })
          : undefined,
      );
    case 'revenue':
      return base(
        true,
        'high spend',
        'low spend',
        orderRule
          ? (op, t) =>
              op === '>'
                ? { type: 'aggregate', fn: 'sum', event: orderRule, property: 'revenue', op: '>', value: round2(t) }
                : // No order means no sum, which an aggregate rule treats as false: "≤ t" is "not > t".
                  not({
                    type: 'aggregate',
                    fn: 'sum',
                    event: orderRule,
                    property: 'revenue',
                    op: '>',
                    value: round2(t),
                  })
          : undefined,
      );
    case 'avg_order_value':
      return base(
        true,
        'big baskets',
        'small baskets',
        orderRule
          ? (op, t) => {
              const above: Rule = {
                type: 'aggregate',
                fn: 'avg',
                event: orderRule,
                property: 'revenue',
                op: '>',
                value: round2(t),
              };
              return op === '>' ? above : not(above);
            }
          : undefined,
      );
    case 'order_recency_days':
      return base(
        false,
        'no recent order',
        'ordered recently',
        orderRule
          ? (op, t) => {
              const recent: Rule = { type: 'event', event: orderRule, window: { last: days(t) } };
              return op === '<=' ? recent : not(recent);
            }
          : undefined,
      );
    case 'recency_days':
      return base(true, 'inactive', 'recently active', (op, t) => ({
        type: 'trait',
        trait: 'last_seen',
        op: op === '<=' ? 'within_last' : 'not_within_last',
        value: days(t),
      }));
    case 'tenure_days':
      return base(true, 'long-standing', 'new', (op, t) => ({
        type: 'trait',
        trait: 'first_seen',
        op: op === '<=' ? 'within_last' : 'not_within_last',
        value: days(t),
      }));
    case 'events_30d':
    case 'events_prev_30d':
    case 'events_90d':
    case 'active_days_90d':
      return base(true, 'highly engaged', 'low engagement');
    case 'activity_trend':
      return base(false, 'growing activity', 'fading activity');
    default:
      break;
  }
  const event = /^events_90d:(.+)$/.exec(name)?.[1];
  if (event) {
    return {
      name,
      description: `"${event}" events in the last 90 days`,
      log: true,
      words: { high: `much ${event}`, low: `little ${event}` },
      rule: (op, t) => ({ type: 'event', event, count: countOp(op, t), window: { last: '90d' } }),
    };
  }
  throw new UserError(
    'unknown_feature',
    `unknown feature "${name}"; known: ${[...Object.keys(BEHAVIOUR_FEATURES).filter((f) => f !== 'survey_score'), 'events_90d:<event name>'].join(', ')}`,
    path,
    400,
  );
}

const round2 = (t: number) => Math.round(t * 100) / 100;

/** The event names a list of features needs counted (`events_90d:<name>`). */
export function countedEvents(names: readonly string[]): string[] {
  return names.flatMap((name) => {
    const event = /^events_90d:(.+)$/.exec(name)?.[1];
    return event ? [event] : [];
  });
}

/** The raw (unlogged) value column of a feature, with "never ordered" as a finite value past everyone else's. */
export function featureColumn(table: BehaviourTable, name: string): Float64Array {
  const column = table.columns[name];
  if (!column) throw new Error(`internal error: feature ${name} was not read`);
  if (name !== 'order_recency_days') return column;
  // Never having ordered is the most extreme recency there is: one day past the longest tenure.
  const tenure = table.columns['tenure_days'] as Float64Array;
  let never = 0;
  for (const v of tenure) never = Math.max(never, v + 1);
  return column.map((v) => (Number.isNaN(v) ? never : v));
}
