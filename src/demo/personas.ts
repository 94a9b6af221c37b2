import { Random, seedWords } from './random.js';

/**
 * Planted behaviours. Each demo user gets one persona, a pure function of (seed, user index), and the persona's
 * rules shape the user's whole history. The rules are ground truth for the analyses built on the demo (RFM,
 * churn prediction, clustering) and are listed in docs/demo.md; the crisp ones are tested on the stored data.
 */

export type Persona =
  | 'loyal_big_spender'
  | 'bargain_hunter'
  | 'drifting_churner'
  | 'one_time_buyer'
  | 'window_shopper'
  | 'new_signup'
  | 'regular';

export const personas: readonly Persona[] = [
  'loyal_big_spender',
  'bargain_hunter',
  'drifting_churner',
  'one_time_buyer',
  'window_shopper',
  'new_signup',
  'regular',
];

/** Users per block; each block of 20 consecutive user indexes holds exactly these counts, in a seeded order. */
export const PERSONA_BLOCK = 20;
export const personaCounts: Readonly<Record<Persona, number>> = {
  loyal_big_spender: 1,
  bargain_hunter: 2,
  drifting_churner: 2,
  one_time_buyer: 4,
  window_shopper: 3,
  new_signup: 2,
  regular: 6,
};

const BLOCK: readonly Persona[] = personas.flatMap((persona) => Array<Persona>(personaCounts[persona]).fill(persona));

const PERSONA_STREAM = 0x5e75;

// The generator asks for consecutive users, so the last block's order is kept (one shuffle per 20 users).
let cached: { seed: number; block: number; order: readonly Persona[] } | undefined;

/**
 * The persona of user `index`: the block of 20 users it falls in is a seeded shuffle of the block composition,
 * so shares are exact for every full block (5 %, 10 %, 10 %, 20 %, 15 %, 10 %, 30 %) and independent of the
 * number of users generated.
 */
export function personaAt(seed: number, index: number): Persona {
  const block = Math.floor(index / PERSONA_BLOCK);
  if (!cached || cached.seed !== seed || cached.block !== block) {
    cached = { seed, block, order: new Random(...seedWords(seed), PERSONA_STREAM, block).shuffle(BLOCK) };
  }
  const persona = cached.order[index - block * PERSONA_BLOCK];
  if (!persona) throw new Error(`internal error: no persona at ${index}`);
  return persona;
}

/**
 * The numbers behind each persona that are simple rates. Sign-up windows live in `user-journey.ts`, order patterns
 * in `orders.ts`, subscription timing in `subscriptions.ts`.
 */
export interface PersonaRates {
  /** Browsing sessions per day (before seasonality), while the user is active. */
  readonly browsePerDay: number;
  /** Chance that a browsing session puts a product in the cart. */
  readonly addToCart: number;
  /** Chance that a cart in a browsing session goes on to an abandoned checkout. */
  readonly abandonCheckout: number;
  /** Chance of an order being made with a coupon (bargain hunters: always). */
  readonly coupon: number;
  /** Chance of starting the SaaS subscription (doubled for B2B users, at most 0.9). */
  readonly subscribe: number;
  /** Chance that a subscriber cancels (drifting churners: always). */
  readonly cancel: number;
  /** Chance of answering the NPS survey at all, how often they are asked, and the range of their scores. */
  readonly nps: { readonly chance: number; readonly everyDays: number; readonly low: number; readonly high: number };
  /** Chance that an order is refunded later. */
  readonly refund: number;
}

export const personaRates: Readonly<Record<Persona, PersonaRates>> = {
  loyal_big_spender: {
    browsePerDay: 0.02,
    addToCart: 0.3,
    abandonCheckout: 0.1,
    coupon: 0.1,
    subscribe: 0.7,
    cancel: 0,
    nps: { chance: 1, everyDays: 120, low: 9, high: 10 },
    refund: 0.03,
  },
  bargain_hunter: {
    browsePerDay: 0.03,
    addToCart: 0.35,
    abandonCheckout: 0.3,
    coupon: 1,
    subscribe: 0.1,
    cancel: 0.4,
    nps: { chance: 0.4, everyDays: 240, low: 5, high: 9 },
    refund: 0.08,
  },
  drifting_churner: {
    browsePerDay: 0.1,
    addToCart: 0.2,
    abandonCheckout: 0.2,
    coupon: 0.1,
    subscribe: 0.5,
    cancel: 1,
    nps: { chance: 1, everyDays: 0, low: 0, high: 6 },
    refund: 0.06,
  },
  one_time_buyer: {
    browsePerDay: 0.015,
    addToCart: 0.15,
    abandonCheckout: 0.2,
    coupon: 0.2,
    subscribe: 0.05,
    cancel: 0.5,
    nps: { chance: 0.25, everyDays: 0, low: 3, high: 9 },
    refund: 0.05,
  },
  window_shopper: {
    browsePerDay: 0.03,
    addToCart: 0.5,
    abandonCheckout: 0.3,
    coupon: 0,
    subscribe: 0,
    cancel: 0,
    nps: { chance: 0.15, everyDays: 0, low: 4, high: 8 },
    refund: 0,
  },
  new_signup: {
    browsePerDay: 0.15,
    addToCart: 0.3,
    abandonCheckout: 0.2,
    coupon: 0.3,
    subscribe: 0.2,
    cancel: 0,
    nps: { chance: 0, everyDays: 0, low: 0, high: 0 },
    refund: 0.02,
  },
  regular: {
    browsePerDay: 0.02,
    addToCart: 0.2,
    abandonCheckout: 0.15,
    coupon: 0.12,
    subscribe: 0.25,
    cancel: 0.25,
    nps: { chance: 0.4, everyDays: 200, low: 6, high: 10 },
    refund: 0.04,
  },
};
