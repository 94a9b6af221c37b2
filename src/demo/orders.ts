import { DAY_MS, inHolidaySales, SEASON_MAX, season, weightedTimes } from './calendar.js';
import { type Coupon, coupons, type Product, products } from './catalog.js';
import type { Persona } from './personas.js';
import { type Random, Weighted } from './random.js';

/** When a user orders and what is in the basket; the persona decides both. */

export interface OrderLine {
  readonly product: Product;
  readonly quantity: number;
}

export interface Order {
  readonly orderId: string;
  readonly lines: readonly OrderLine[];
  readonly coupon: Coupon | null;
  readonly subtotal: number;
  readonly discount: number;
  /** What the shop keeps: subtotal − discount, before shipping and tax (the Segment spec's `revenue`). */
  readonly revenue: number;
  readonly shipping: number;
  readonly tax: number;
  readonly total: number;
}

/** The span in which a user's sessions may start. */
export interface Window {
  readonly from: number;
  readonly to: number;
}

const cents = (value: number): number => Math.round(value * 100) / 100;

/**
 * The times of a user's orders. A time equal to `window.from` means "in the sign-up session".
 * - loyal_big_spender: an order in the sign-up session, then one every 10–24 days until the end.
 * - regular: at least two orders; the first soon after sign-up, then gaps averaging 60–150 days.
 * - bargain_hunter: 3–7 orders a year (at least one), clustered in sales seasons.
 * - drifting_churner: 2–5 orders, the first within two weeks of sign-up, later ones ever rarer.
 * - one_time_buyer: exactly one, in the sign-up session or within 60 days.
 * - window_shopper: none.
 * - new_signup: none (50 %), one (40 %) or two (10 %).
 */
export function orderTimes(random: Random, persona: Persona, window: Window): number[] {
  const { from, to } = window;
  const span = to - from;
  switch (persona) {
    case 'loyal_big_spender': {
      const times: number[] = [];
      for (let t = from; t < to; t += random.between(10, 24) * DAY_MS) times.push(t);
      return times;
    }
    case 'regular': {
      const first = random.chance(0.7) ? from : Math.min(to, from + random.exponential(20 * DAY_MS));
      const meanGap = random.between(60, 150) * DAY_MS;
      const times = [first];
      for (let t = first + random.exponential(meanGap); t < to; t += random.exponential(meanGap)) times.push(t);
      if (times.length < 2) times.push(random.between(first, to));
      return times;
    }
    case 'bargain_hunter': {
      const count = Math.min(12, Math.max(1, Math.round((span / (365 * DAY_MS)) * random.between(3, 7))));
      const sales = (t: number) => season(t) ** 2;
      return weightedTimes(random, from, to, count, sales, SEASON_MAX ** 2);
    }
    case 'drifting_churner': {
      const tau = span / 3;
      const first = from + random.between(0, Math.min(14 * DAY_MS, span / 4));
      const later = weightedTimes(random, first, to, random.int(1, 4), (t) => Math.exp(-(t - from) / tau), 1);
      return [first, ...later];
    }
    case 'one_time_buyer':
      return [random.chance(0.6) ? from : Math.min(to, from + random.between(1, 60) * DAY_MS)];
    case 'window_shopper':
      return [];
    case 'new_signup': {
      const roll = random.next();
      if (roll < 0.5) return [];
      const first = random.between(from, to);
      return roll < 0.9 ? [first] : [first, random.between(first, to)];
    }
  }
}

/** How a user picks products: favourite categories, and a taste for expensive or cheap things. */
export function productTaste(random: Random, persona: Persona): Weighted<Product> {
  const categories = [...new Set(products.map((p) => p.category))];
  const favourites = new Set([random.pick(categories), random.pick(categories)]);
  const priceBias = persona === 'loyal_big_spender' ? 0.6 : persona === 'bargain_hunter' ? -0.7 : 0;
  return new Weighted(products.map((p) => [p, (favourites.has(p.category) ? 4 : 1) * p.price ** priceBias] as const));
}

/** Basket sizes: big spenders buy several (premium) products, others mostly one or two. */
function lineCount(random: Random, persona: Persona): number {
  if (persona === 'loyal_big_spender') return random.int(2, 4);
  const roll = random.next();
  return roll < 0.55 ? 1 : roll < 0.85 ? 2 : roll < 0.95 ? 3 : 4;
}

/** The coupon of an order, if any: seasonal codes in their season, a welcome code on a first order. */
export function couponFor(random: Random, persona: Persona, chance: number, at: number, first: boolean): Coupon | null {
  if (!random.chance(chance)) return null;
  if (persona === 'loyal_big_spender') return coupons.loyalty;
  const date = new Date(at);
  const month = date.getUTCMonth();
  if (inHolidaySales(at)) return month === 10 ? coupons.blackFriday : coupons.holiday;
  if (first) return coupons.welcome;
  if (month >= 2 && month <= 4) return coupons.spring;
  if (month >= 5 && month <= 7) return coupons.summer;
  return coupons.flash;
}

/** A basket of distinct products with totals computed the way the shop's checkout would. */
export function buildOrder(
  random: Random,
  persona: Persona,
  taste: Weighted<Product>,
  orderId: string,
  coupon: Coupon | null,
): Order {
  const wanted = lineCount(random, persona);
  const chosen = new Map<string, OrderLine>();
  for (let tries = 0; chosen.size < wanted && tries < wanted * 5; tries++) {
    const product = taste.pick(random);
    if (chosen.has(product.product_id)) continue;
    const roll = random.next();
    const bulk = persona === 'loyal_big_spender' ? 0.3 : 0.15;
    chosen.set(product.product_id, { product, quantity: roll < bulk ? 2 : roll < bulk + 0.04 ? 3 : 1 });
  }
  const lines = [...chosen.values()];
  const subtotal = cents(lines.reduce((sum, line) => sum + line.product.price * line.quantity, 0));
  const discount = coupon ? cents(subtotal * coupon.rate) : 0;
  const revenue = cents(subtotal - discount);
  const shipping = revenue >= 50 ? 0 : 4.99;
  const tax = cents(revenue * 0.08);
  return { orderId, lines, coupon, subtotal, discount, revenue, shipping, tax, total: cents(revenue + shipping + tax) };
}

/** The Segment e-commerce `products` array of an order or cart. */
export function productsProperty(lines: readonly OrderLine[]): Record<string, unknown>[] {
  return lines.map(({ product, quantity }) => ({ ...product, quantity }));
}
