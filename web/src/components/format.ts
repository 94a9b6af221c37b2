const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

export const formatInt = (n: number | null | undefined): string => (n == null ? '–' : integer.format(n));
export const formatNumber = (n: number | null | undefined): string => (n == null ? '–' : decimal.format(n));
export const formatMoney = (n: number | null | undefined): string => (n == null ? '–' : money.format(n));
export const formatCompact = (n: number | null | undefined): string => (n == null ? '–' : compact.format(n));

/** A share in 0..1 as a percentage. */
export function formatPercent(share: number | null | undefined, digits = 1): string {
  if (share == null || Number.isNaN(share)) return '–';
  return `${(share * 100).toFixed(digits)} %`;
}

/** A signed change: "+12", "−3", "0". */
export function formatDelta(n: number): string {
  if (n === 0) return '0';
  return `${n > 0 ? '+' : '−'}${integer.format(Math.abs(n))}`;
}

/** An ISO time as a short UTC date and time; the dashboard shows every time in UTC, as the API stores them. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '–';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '–';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().slice(0, 10);
}
