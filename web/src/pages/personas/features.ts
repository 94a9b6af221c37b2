import { formatMoney, formatNumber } from '../../components/format';

/** Short names for the clustering features (docs/models.md → Personas); the run's description goes in a tooltip. */
const LABELS: Readonly<Record<string, string>> = {
  orders: 'Orders',
  revenue: 'Revenue',
  avg_order_value: 'Avg order value',
  order_recency_days: 'Days since last order',
  recency_days: 'Days since last event',
  tenure_days: 'Days since first event',
  orders_90d: 'Orders, last 90 days',
  events_30d: 'Events, last 30 days',
  events_90d: 'Events, last 90 days',
  active_days_90d: 'Active days, last 90',
  activity_trend: 'Activity trend',
};

export function featureLabel(name: string): string {
  const label = LABELS[name];
  if (label) return label;
  const counted = /^events_90d:(.+)$/.exec(name);
  if (counted) return `“${counted[1]}”, last 90 days`;
  return name.replaceAll('_', ' ');
}

const MONEY = new Set(['revenue', 'avg_order_value']);

/** A feature's value in its own unit: money as money, day spans and counts as plain numbers. */
function formatFeature(name: string, value: number | null | undefined): string {
  if (value == null || Number.isNaN(value)) return '–';
  if (MONEY.has(name)) return formatMoney(value);
  if (name.endsWith('_days')) return formatNumber(Math.round(value));
  return formatNumber(value);
}

/**
 * A group's mean of a feature. A group whose members never ordered has no days since a last order: its mean is the
 * model's stand-in, one day past the longest tenure (docs/models.md → Personas), so it is said in words instead.
 */
export function formatMean(name: string, means: Readonly<Record<string, number>>): string {
  if (name === 'order_recency_days' && means['orders'] === 0) return 'no orders';
  return formatFeature(name, means[name]);
}
