/**
 * The input of the end-to-end API test (`chdb-api.test.ts`): a small shop, deterministic (a seeded generator, no
 * clock), sent through `/v1/batch` exactly as a client would. Three months before `NOW` only, so the events table
 * stays a few monthly partitions. Every revenue is a multiple of 5, so sums are exact on every engine.
 */

export const USERS = 240;
/** Users who browse anonymously before their first identify (their events move to them). */
export const VISITORS = 12;
/** A visitor with few events (all of them fit in a profile's latest 50), whose anonymous pages must be theirs. */
export const VISITOR = 'u006';
/** Users who also had a legacy id that an `alias` merges into them. */
export const ALIASED = 6;

export type Message = Record<string, unknown>;

const DAY = 86_400_000;
const START = Date.parse('2024-03-01T00:00:00Z');
/** The end of the generated history: a day before the test's NOW (2024-06-01T12:00Z); events stop a day earlier. */
const END = Date.parse('2024-05-31T12:00:00Z');

/** A small, seeded linear congruential generator: the same numbers on every run and machine. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const PLANS = ['free', 'pro', 'enterprise'] as const;
const COUNTRIES = ['US', 'DE', 'FR', 'GB'] as const;
/** Each customer has a spending level, and each order is a multiple of it (Gamma-Gamma needs spend to vary by customer). */
const LEVELS = [10, 20, 40, 80] as const;
const MULTIPLES = [0.5, 1, 1.5, 2] as const;
const PAGES = ['Home', 'Pricing', 'Docs'] as const;

export const userId = (i: number): string => `u${String(i).padStart(3, '0')}`;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Each user: an identify at signup (plan, country, email), page views and product views every few days over an
 * active period, orders in it (some refunded), a `group` call for every fifth user. A third of the users stop
 * early (they churn), so churn has both classes at every cutoff.
 */
export function shopMessages(): Message[] {
  const random = generator(20240601);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const messages: Message[] = [];
  for (let i = 0; i < USERS; i++) {
    const id = userId(i);
    const signup = START + Math.floor(random() * 60) * DAY + Math.floor(random() * 86_400) * 1000;
    const churns = random() < 0.35;
    // A churner's last visit is at least 35 days before the end (a day after signup when they signed up later).
    const span = END - 35 * DAY - signup;
    const last = churns ? signup + Math.floor(random() * (span > 0 ? span : DAY)) : END;
    const plan = PLANS[i % 3] as string;
    const level = pick(LEVELS);
    const visitor = i < VISITORS ? `anon-${id}` : null;
    if (visitor) {
      // Before signup the user is an anonymous visitor; the identify below links the visits to them.
      for (const page of PAGES) {
        messages.push({
          type: 'page',
          anonymousId: visitor,
          name: page,
          messageId: `m-${id}-pre-${page}`,
          timestamp: iso(signup - DAY + PAGES.indexOf(page) * 60_000),
        });
      }
    }
    messages.push({
      type: 'identify',
      userId: id,
      ...(visitor ? { anonymousId: visitor } : {}),
      traits: { plan, country: pick(COUNTRIES), email: `${id}@example.com` },
      messageId: `m-${id}-signup`,
      timestamp: iso(signup),
    });
    if (i % 5 === 0) {
      const account = `acct-${i % 4}`;
      messages.push({
        type: 'group',
        userId: id,
        groupId: account,
        traits: { name: `Account ${i % 4}`, industry: i % 4 < 2 ? 'Retail' : 'Media' },
        messageId: `m-${id}-group`,
        timestamp: iso(signup + 60_000),
      });
    }
    let n = 0;
    for (let at = signup + DAY; at <= last - DAY; at += (2 + Math.floor(random() * 6)) * DAY) {
      n++;
      messages.push({
        type: 'page',
        userId: id,
        name: pick(PAGES),
        messageId: `m-${id}-p${n}`,
        timestamp: iso(at),
      });
      if (random() < 0.5) {
        messages.push({
          type: 'track',
          userId: id,
          event: 'Product Viewed',
          properties: { sku: `sku-${Math.floor(random() * 8)}` },
          messageId: `m-${id}-v${n}`,
          timestamp: iso(at + 120_000),
        });
      }
      if (random() < (i % 3 === 0 ? 0.12 : 0.3)) {
        const price = level * pick(MULTIPLES);
        messages.push({
          type: 'track',
          userId: id,
          event: 'Order Completed',
          properties: { revenue: price, order_id: `o-${id}-${n}` },
          messageId: `m-${id}-o${n}`,
          timestamp: iso(at + 300_000),
        });
        if (random() < 0.08) {
          messages.push({
            type: 'track',
            userId: id,
            event: 'Order Refunded',
            properties: { revenue: price, order_id: `o-${id}-${n}` },
            messageId: `m-${id}-r${n}`,
            timestamp: iso(at + 6 * 3_600_000),
          });
        }
      }
    }
  }
  return messages;
}

/** Legacy ids (each with a profile and an event of its own) that `alias` merges into existing users. */
export function legacyMessages(): Message[] {
  const messages: Message[] = [];
  for (let i = 0; i < ALIASED; i++) {
    const legacy = `legacy-${i}`;
    const at = START + (10 + i) * DAY;
    messages.push(
      {
        type: 'identify',
        userId: legacy,
        traits: { source: 'import' },
        messageId: `m-${legacy}-id`,
        timestamp: iso(at),
      },
      {
        type: 'track',
        userId: legacy,
        event: 'Newsletter Opened',
        messageId: `m-${legacy}-nl`,
        timestamp: iso(at + 60_000),
      },
    );
  }
  return messages;
}

/** The aliases: legacy-i becomes the user u(100 + i). */
export function aliasMessages(): Message[] {
  return Array.from({ length: ALIASED }, (_, i) => ({
    type: 'alias',
    previousId: `legacy-${i}`,
    userId: userId(100 + i),
    messageId: `m-alias-${i}`,
    timestamp: iso(Date.parse('2024-05-20T00:00:00Z') + i * 60_000),
  }));
}

/** Records the API must refuse one by one: no event name, an unknown type, no user or visitor id. */
export const BAD_RECORDS: readonly Message[] = [
  { type: 'track', userId: 'u-bad' },
  { type: 'teleport', userId: 'u-bad' },
  { type: 'identify', traits: { plan: 'pro' } },
];
