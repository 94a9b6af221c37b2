import type { Account } from './accounts.js';
import { categories, categoryPath, features, type Product, plans, productPath } from './catalog.js';
import { type Order, productsProperty } from './orders.js';
import type { PersonaRates } from './personas.js';
import { at, type Random, type Weighted } from './random.js';
import { planAt, type SubscriptionChange } from './subscriptions.js';
import type { DraftMessage, Identity, Timeline } from './timeline.js';

/**
 * One visit, written as the messages a Segment-instrumented shop would send: `Session Started`, page views, the
 * e-commerce funnel, subscription changes and feature usage. A session lasts at most `SESSION_MAX_MS`.
 */

/** Steps are 5–50 s apart and a session has fewer than 40 steps, so it ends within 35 minutes. */
export const SESSION_MAX_MS = 45 * 60_000;

export interface SessionUser {
  readonly userId: string;
  readonly random: Random;
  readonly timeline: Timeline;
  readonly rates: PersonaRates;
  readonly taste: Weighted<Product>;
  readonly device: string;
  /** The first visit happens before sign-up, under an anonymous id only. */
  readonly anonymousFirstVisit: boolean;
  /** Traits sent with the sign-up `identify` (without `created_at`, which is the sign-up time). */
  readonly signupTraits: Readonly<Record<string, unknown>>;
  readonly account: Account | null;
  readonly subscription: readonly SubscriptionChange[];
  /** Window shoppers must have put something in a cart at least once: their sign-up session always does. */
  readonly cartOnSignup: boolean;
}

export interface SessionPlan {
  readonly at: number;
  readonly signup: boolean;
  readonly order: Order | null;
  /** The order is not the user's first. */
  readonly repeat: boolean;
  readonly change: SubscriptionChange | null;
  /** A visit to the subscription's app (dashboards and features) rather than the shop. */
  readonly app: boolean;
}

const BLOG = ['gift-guide', 'care-tips', 'new-arrivals', 'behind-the-scenes', 'sustainability'];

class SessionWriter {
  private t: number;
  private identity: Identity;

  constructor(
    private readonly user: SessionUser,
    start: number,
    signup: boolean,
  ) {
    this.t = start;
    this.identity = signup && user.anonymousFirstVisit ? 'anonymous' : 'user';
  }

  get now(): number {
    return this.t;
  }

  private emit(message: DraftMessage): void {
    this.user.timeline.add(this.t, this.identity, message);
    this.t += this.user.random.int(5_000, 50_000);
  }

  track(event: string, properties: Record<string, unknown>): void {
    this.emit({ type: 'track', event, properties });
  }

  page(name: string, category: string, path: string): void {
    this.emit({ type: 'page', name, category, properties: { path } });
  }

  identify(traits: Record<string, unknown>): void {
    // The sign-up identify carries both ids: that is what links the anonymous visit to the user.
    if (this.identity === 'anonymous') this.identity = 'both';
    this.emit({ type: 'identify', traits });
  }

  group(account: Account): void {
    this.emit({ type: 'group', groupId: account.id, traits: { ...account.traits } });
  }
}

const productProperties = (product: Product) => ({ ...product, currency: 'USD' });

/** Writes one session of a user into their timeline. `n` numbers the user's sessions. */
export function writeSession(user: SessionUser, plan: SessionPlan, n: number): void {
  const { random } = user;
  const s = new SessionWriter(user, plan.at, plan.signup);
  s.track('Session Started', { session_id: `${user.userId}-s${n}`, device: user.device });
  if (plan.signup) signUp(s, user);
  if (plan.change) subscriptionChange(s, user, plan.change);
  else if (plan.app) appVisit(s, user, plan.at, random.int(1, 4));
  else if (plan.order) shop(s, user, plan.order, plan);
  else browse(s, user, n, plan.signup && user.cartOnSignup);
  if (!plan.app && random.chance(0.2)) appVisit(s, user, plan.at, 1);
}

function signUp(s: SessionWriter, user: SessionUser): void {
  const { random } = user;
  s.page('Home', 'Home', '/');
  if (random.chance(0.5)) {
    const product = user.taste.pick(random);
    s.page(product.name, 'Product', productPath(product));
    s.track('Product Viewed', productProperties(product));
  }
  s.page('Sign Up', 'Account', '/signup');
  s.identify({ ...user.signupTraits, plan: 'free', created_at: new Date(s.now).toISOString() });
  if (user.account) s.group(user.account);
}

function subscriptionChange(s: SessionWriter, user: SessionUser, change: SubscriptionChange): void {
  const { plan, mrr } = plans[change.plan];
  const subscriptionId = `${user.userId}-sub`;
  if (change.kind === 'started') {
    s.page('Pricing', 'SaaS', '/pricing');
    s.track('Subscription Started', { subscription_id: subscriptionId, plan, mrr, billing_interval: 'month' });
    s.identify({ plan });
    return;
  }
  s.page('Billing', 'SaaS', '/account/billing');
  const previous = change.previous ? plans[change.previous] : null;
  if (change.kind === 'changed') {
    s.track('Subscription Changed', {
      subscription_id: subscriptionId,
      plan,
      mrr,
      previous_plan: previous?.plan ?? null,
      previous_mrr: previous?.mrr ?? 0,
      billing_interval: 'month',
    });
    s.identify({ plan });
    return;
  }
  // A cancellation names the plan given up; `mrr` is what the user pays from now on: nothing.
  s.track('Subscription Canceled', { subscription_id: subscriptionId, plan, mrr: 0, previous_mrr: mrr });
  s.identify({ plan: 'free' });
}

function appVisit(s: SessionWriter, user: SessionUser, start: number, count: number): void {
  const plan = planAt(user.subscription, start);
  if (!plan) return;
  if (count > 1) s.page('Dashboard', 'SaaS', '/app');
  for (let i = 0; i < count; i++) s.track('Feature Used', { feature: user.random.pick(features[plan]), plan });
}

function viewProduct(s: SessionWriter, product: Product): void {
  s.page(product.name, 'Product', productPath(product));
  s.track('Product Viewed', productProperties(product));
}

function shop(s: SessionWriter, user: SessionUser, order: Order, plan: SessionPlan): void {
  const { random } = user;
  const first = at(order.lines, 0).product;
  const category = categories.find((c) => c.name === first.category) ?? at(categories, 0);
  const cartId = `${order.orderId}-cart`;
  // Returning customers often buy again straight from their order history, without the product pages.
  const again = plan.repeat && random.chance(0.5);
  if (again) s.page('Order History', 'Account', '/account/orders');
  else {
    s.page(category.name, 'Category', categoryPath(category));
    for (let extra = random.int(0, 1); extra > 0; extra--) viewProduct(s, user.taste.pick(random));
  }
  for (const line of order.lines) {
    if (!again) viewProduct(s, line.product);
    s.track('Product Added', { ...productProperties(line.product), quantity: line.quantity, cart_id: cartId });
  }
  s.page('Cart', 'Checkout', '/cart');
  const products = productsProperty(order.lines);
  const coupon = order.coupon ? { coupon: order.coupon.code } : {};
  s.track('Checkout Started', {
    order_id: order.orderId,
    value: order.subtotal,
    revenue: order.revenue,
    currency: 'USD',
    ...coupon,
    products,
  });
  s.page('Checkout', 'Checkout', '/checkout');
  s.track('Order Completed', {
    order_id: order.orderId,
    total: order.total,
    revenue: order.revenue,
    subtotal: order.subtotal,
    shipping: order.shipping,
    tax: order.tax,
    discount: order.discount,
    ...coupon,
    currency: 'USD',
    products,
  });
}

function browse(s: SessionWriter, user: SessionUser, n: number, forceCart: boolean): void {
  const { random, rates } = user;
  const landing = random.next();
  if (landing < 0.4) s.page('Home', 'Home', '/');
  else if (landing < 0.8) {
    const category = random.pick(categories);
    s.page(category.name, 'Category', categoryPath(category));
  } else {
    const post = random.pick(BLOG);
    s.page('Blog', 'Content', `/blog/${post}`);
  }
  let last: Product | null = null;
  const roll = random.next();
  for (let views = roll < 0.5 ? 1 : roll < 0.85 ? 2 : 3; views > 0; views--) {
    last = user.taste.pick(random);
    viewProduct(s, last);
  }
  if (!last || !(forceCart || random.chance(rates.addToCart))) return;
  const cartId = `${user.userId}-cart${n}`;
  s.track('Product Added', { ...productProperties(last), quantity: 1, cart_id: cartId });
  s.page('Cart', 'Checkout', '/cart');
  if (!random.chance(rates.abandonCheckout)) return;
  // An abandoned checkout: its order id never completes.
  s.track('Checkout Started', {
    order_id: `${user.userId}-a${n}`,
    value: last.price,
    revenue: last.price,
    currency: 'USD',
    products: productsProperty([{ product: last, quantity: 1 }]),
  });
  s.page('Checkout', 'Checkout', '/checkout');
}
