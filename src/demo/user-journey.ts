import type { Message } from '../ingest/messages.js';
import { type Account, accountOf } from './accounts.js';
import { atLocalHour, DAY_MS, growingTime, HOUR_MS, poissonTimes, SEASON_MAX, SPAN_DAYS, season } from './calendar.js';
import {
  buildOrder,
  couponFor,
  type Order,
  orderTimes,
  productsProperty,
  productTaste,
  type Window,
} from './orders.js';
import { describePerson } from './people.js';
import { type Persona, personaAt, personaRates } from './personas.js';
import { Random, seedWords } from './random.js';
import { SESSION_MAX_MS, type SessionPlan, type SessionUser, writeSession } from './sessions.js';
import { planAt, subscriptionHistory } from './subscriptions.js';
import { Timeline } from './timeline.js';

/** One user's whole two-year history, from (seed, end, index) alone. */

export interface RunContext {
  readonly seed: number;
  /** Epoch ms; every message is strictly before it. */
  readonly end: number;
  /** Prefix of the run's message ids. */
  readonly tag: string;
}

export interface UserHistory {
  readonly userId: string;
  readonly persona: Persona;
  readonly account: Account | null;
  readonly messages: Message[];
}

const USER_STREAM = 0x05e7;
/** Sign-ups become this many times as frequent over the two years. */
const SIGNUP_GROWTH = 3;
/** Subscribers open the app this often (per day), on top of their shopping visits. */
const APP_VISITS_PER_DAY = 0.025;

/** `u000042`: zero-padded to six digits, longer beyond a million users. */
export function demoUserId(index: number): string {
  return `u${String(index).padStart(6, '0')}`;
}

/**
 * When the user is first seen and the time all their messages precede:
 * - new_signup: first seen 29 to 1 days before `end` — the only persona first seen in the last 30 days;
 * - loyal_big_spender: first seen in the first year; everyone else but churners up to 31 days before `end`;
 * - drifting_churner: silent for the last 61–240 days before `end`, after at least 120 days since first seen.
 */
function lifetime(random: Random, persona: Persona, end: number): { firstSeen: number; until: number } {
  const start = end - SPAN_DAYS * DAY_MS;
  const open = end - HOUR_MS;
  switch (persona) {
    case 'new_signup':
      return { firstSeen: random.between(end - 29 * DAY_MS, end - DAY_MS), until: open };
    case 'loyal_big_spender':
      return { firstSeen: growingTime(random, start, end - 365 * DAY_MS, SIGNUP_GROWTH), until: open };
    case 'drifting_churner': {
      // Quiet for the last 61–240 days, after at least 120 days of (fading) activity.
      const until = end - random.between(61, 240) * DAY_MS;
      return { firstSeen: growingTime(random, start, until - 120 * DAY_MS, SIGNUP_GROWTH), until };
    }
    default:
      return { firstSeen: growingTime(random, start, end - 31 * DAY_MS, SIGNUP_GROWTH), until: open };
  }
}

const uuid = (random: Random): string => {
  const hex = random.hex(32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
};

/** Builds user `index`'s messages, oldest first. */
export function userHistory(run: RunContext, index: number): UserHistory {
  const userId = demoUserId(index);
  const persona = personaAt(run.seed, index);
  const rates = personaRates[persona];
  const account = accountOf(run.seed, index);
  const random = new Random(...seedWords(run.seed), USER_STREAM, index);
  const person = describePerson(random, index, persona, account);
  const anonymousFirstVisit = random.chance(0.6);
  const anonymousId = anonymousFirstVisit ? uuid(random) : null;
  const { firstSeen, until } = lifetime(random, persona, run.end);
  const window: Window = { from: firstSeen, to: until - SESSION_MAX_MS };
  const offset = person.city.utcOffsetHours;
  // Later visits start at a local hour, at least an hour after the sign-up visit and early enough to finish in time.
  const when = (t: number): number =>
    Math.min(window.to, Math.max(firstSeen + HOUR_MS, atLocalHour(random, t, offset)));
  // Churners fade: every kind of visit decays with a time constant of a third of their active life.
  const tau = (window.to - firstSeen) / 3;
  const fade = persona === 'drifting_churner' ? (t: number) => Math.exp(-(t - firstSeen) / tau) : () => 1;

  const taste = productTaste(random, persona);
  const subscription = subscriptionHistory(random, persona, rates, account?.traits.plan ?? null, window, when);

  const orders: { at: number; repeat: boolean; order: Order }[] = orderTimes(random, persona, window).map((t, k) => {
    const at = k === 0 && t === firstSeen ? t : when(t);
    const coupon = couponFor(random, persona, rates.coupon, at, k === 0);
    return { at, repeat: k > 0, order: buildOrder(random, persona, taste, `${userId}-o${k + 1}`, coupon) };
  });

  const plain = { order: null, repeat: false, change: null, app: false, signup: false };
  const signupOrder = orders[0]?.at === firstSeen ? orders[0].order : null;
  const sessions: SessionPlan[] = [
    { ...plain, at: firstSeen, signup: true, order: signupOrder },
    ...orders
      .filter(({ order }) => order !== signupOrder)
      .map(({ at, repeat, order }) => ({ ...plain, at, repeat, order })),
    ...subscription.map((change) => ({ ...plain, at: change.at, change })),
    ...poissonTimes(
      random,
      firstSeen + HOUR_MS,
      window.to,
      (t) => rates.browsePerDay * season(t) * fade(t),
      rates.browsePerDay * SEASON_MAX,
    ).map((t) => ({ ...plain, at: when(t) })),
  ];
  if (subscription.length > 0) {
    const appVisits = poissonTimes(
      random,
      firstSeen + HOUR_MS,
      window.to,
      (t) => APP_VISITS_PER_DAY * fade(t),
      APP_VISITS_PER_DAY,
    );
    for (const t of appVisits.map(when)) if (planAt(subscription, t)) sessions.push({ ...plain, at: t, app: true });
  }

  const timeline = new Timeline(firstSeen, until);
  const user: SessionUser = {
    userId,
    random,
    timeline,
    rates,
    taste,
    device: person.traits.device,
    anonymousFirstVisit,
    signupTraits: { ...person.traits },
    account,
    subscription,
    cartOnSignup: persona === 'window_shopper',
  };
  sessions.sort((a, b) => a.at - b.at);
  sessions.forEach((plan, n) => {
    writeSession(user, plan, n + 1);
  });

  for (const { at, order } of orders) {
    if (!random.chance(rates.refund)) continue;
    const refundAt = at + random.between(3, 25) * DAY_MS;
    if (refundAt >= until) continue;
    timeline.add(refundAt, 'user', {
      type: 'track',
      event: 'Order Refunded',
      properties: {
        order_id: order.orderId,
        revenue: order.revenue,
        total: order.total,
        currency: 'USD',
        products: productsProperty(order.lines),
      },
    });
  }

  surveys(random, persona, firstSeen, until).forEach(({ at, score }) => {
    timeline.add(at, 'user', { type: 'track', event: 'Survey Responded', properties: { survey: 'nps', score } });
  });

  return { userId, persona, account, messages: timeline.messages({ userId, anonymousId, tag: run.tag }, random) };
}

/** NPS answers (sent from an e-mail survey, outside any visit): when, and the score the persona gives. */
function surveys(random: Random, persona: Persona, from: number, until: number): { at: number; score: number }[] {
  const { nps } = personaRates[persona];
  if (!random.chance(nps.chance)) return [];
  const score = () => random.int(nps.low, nps.high);
  const latest = until - HOUR_MS;
  if (nps.everyDays === 0) {
    const at = random.between(from + 7 * DAY_MS, latest);
    return at < latest ? [{ at, score: score() }] : [];
  }
  const answers: { at: number; score: number }[] = [];
  for (let at = from + random.between(14, nps.everyDays) * DAY_MS; at < latest; ) {
    answers.push({ at, score: score() });
    at += nps.everyDays * random.between(0.75, 1.25) * DAY_MS;
  }
  return answers;
}
