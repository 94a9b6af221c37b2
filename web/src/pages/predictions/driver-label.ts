import type { Driver } from './types';

/** A driver in words: `events_90d:Page Viewed` → "“Page Viewed” events, last 90 days"; a level against its reference. */
export function driverLabel(driver: Driver): string {
  const feature = featureWords(driver.feature);
  if (driver.role === 'missing')
    return driver.feature === 'order_recency_days' ? 'never ordered' : `${feature} unknown`;
  if (driver.level !== null) return `${feature}: ${driver.level}${driver.reference ? ` (vs ${driver.reference})` : ''}`;
  return feature;
}

const WORDS: Readonly<Record<string, string>> = {
  recency_days: 'days since last event',
  order_recency_days: 'days since last order',
  tenure_days: 'days since first event',
  events_30d: 'events, last 30 days',
  events_prev_30d: 'events, 30 days before',
  activity_trend: 'activity trend',
  events_90d: 'events, last 90 days',
  active_days_90d: 'active days, last 90',
  orders: 'orders',
  orders_90d: 'orders, last 90 days',
  revenue: 'revenue',
  avg_order_value: 'avg order value',
  survey_score: 'survey score (NPS)',
};

function featureWords(name: string): string {
  const known = WORDS[name];
  if (known) return known;
  const counted = /^events_90d:(.+)$/.exec(name);
  if (counted) return `“${counted[1]}”, last 90 days`;
  return name.replaceAll('_', ' ');
}
