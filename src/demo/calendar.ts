import { at, type Random, Weighted } from './random.js';

/**
 * Time in the demo: epoch milliseconds, always derived from the run's `end`, with the shop's rhythms: a weekly
 * cycle, a November/December peak, sign-ups that grow over the two years, and visits in local evenings.
 */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** The demo covers the two years before `end`. */
export const SPAN_DAYS = 730;

// Sunday first, as Date#getUTCDay counts: weekends and Monday evenings shop more.
const WEEKDAY = [1.15, 1.05, 0.95, 0.95, 1, 0.9, 1.1] as const;
const WEEKDAY_MAX = 1.15;
const YEAR_MAX = 1.9;

/** The November/December peak: Black Friday week highest, Christmas week and January quiet. */
function yearly(month: number, day: number): number {
  if (month === 10) return day >= 20 ? YEAR_MAX : 1.2;
  if (month === 11) return day <= 20 ? 1.6 : 0.9;
  if (month === 0) return 0.8;
  if (month === 1) return 0.9;
  return 1;
}

/** How busy the shop is at time `t` relative to an ordinary weekday (about 0.7 to 2.2). */
export function season(t: number): number {
  const date = new Date(t);
  return at(WEEKDAY, date.getUTCDay()) * yearly(date.getUTCMonth(), date.getUTCDate());
}

/** The largest value `season` takes, for thinning. */
export const SEASON_MAX = WEEKDAY_MAX * YEAR_MAX;

/** True in the sales weeks (from 20 November to 20 December), when bargain hunters come out. */
export function inHolidaySales(t: number): boolean {
  const date = new Date(t);
  const month = date.getUTCMonth();
  const day = date.getUTCDate();
  return (month === 10 && day >= 20) || (month === 11 && day <= 20);
}

// Local hour of a visit: quiet at night, a lunch bump and an evening peak.
const HOURS = new Weighted(
  [
    0.3, 0.15, 0.1, 0.08, 0.08, 0.12, 0.3, 0.6, 0.9, 1, 1, 1.1, 1.3, 1.2, 1, 1, 1, 1.1, 1.3, 1.6, 1.8, 1.7, 1.2, 0.6,
  ].map((weight, hour) => [hour, weight] as const),
);

/** A time on the local calendar day that contains `t`, at a plausible hour for someone `utcOffsetHours` from UTC. */
export function atLocalHour(random: Random, t: number, utcOffsetHours: number): number {
  const offset = utcOffsetHours * HOUR_MS;
  const localDayStart = Math.floor((t + offset) / DAY_MS) * DAY_MS;
  const hour = HOURS.pick(random);
  return localDayStart - offset + hour * HOUR_MS + Math.floor(random.next() * HOUR_MS);
}

/**
 * Times of a Poisson process on [from, to) whose rate (events per day) varies with time, by thinning: candidates
 * come at `maxRate`, and each is kept with probability `rate(t) / maxRate`.
 */
export function poissonTimes(
  random: Random,
  from: number,
  to: number,
  rate: (t: number) => number,
  maxRate: number,
): number[] {
  const times: number[] = [];
  if (maxRate <= 0) return times;
  let t = from;
  for (;;) {
    t += random.exponential(DAY_MS / maxRate);
    if (t >= to) return times;
    if (random.next() * maxRate < rate(t)) times.push(t);
  }
}

/** `count` times on [from, to) drawn with density proportional to `weight(t)` (at most `maxWeight`), sorted. */
export function weightedTimes(
  random: Random,
  from: number,
  to: number,
  count: number,
  weight: (t: number) => number,
  maxWeight: number,
): number[] {
  const times: number[] = [];
  if (to <= from) return times;
  // Rejection sampling; the cap on attempts only guards against a weight that is zero almost everywhere.
  for (let attempts = 0; times.length < count && attempts < count * 200; attempts++) {
    const t = random.between(from, to);
    if (random.next() * maxWeight < weight(t)) times.push(t);
  }
  return times.sort((a, b) => a - b);
}

/**
 * A time on [from, to) with density growing exponentially, `growth` times as dense at `to` as at `from` — the
 * shop gains users faster as it grows. Inverse-CDF sampling of `e^(kx)` on [0, 1].
 */
export function growingTime(random: Random, from: number, to: number, growth: number): number {
  const k = Math.log(growth);
  const x = Math.log(1 + random.next() * (growth - 1)) / k;
  return from + x * (to - from);
}

const dayPrefixes = new Map<number, string>();
const two = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
const three = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/**
 * `Date#toISOString` for whole milliseconds, about five times faster: the date part is cached per day (the demo
 * touches ~730 days) and only the time of day is formatted. Every demo message needs two of these.
 */
export function isoTime(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
    if (prefix.length !== 11) return new Date(ms).toISOString(); // years outside 0000–9999
    if (dayPrefixes.size > 10_000) dayPrefixes.clear();
    dayPrefixes.set(day, prefix);
  }
  let rest = ms - day * DAY_MS;
  const hours = Math.floor(rest / HOUR_MS);
  rest -= hours * HOUR_MS;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  return `${prefix}${two(hours)}:${two(minutes)}:${two(seconds)}.${three(rest - seconds * 1000)}Z`;
}
