/**
 * The demo shop's product catalogue: 60 products in 8 categories, fixed (not seeded) so product ids, SKUs and
 * prices mean the same thing in every demo database.
 */

export interface Category {
  readonly name: string;
  /** URL segment of the category page, `/c/<slug>`. */
  readonly slug: string;
}

export interface Product {
  readonly product_id: string;
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly price: number;
}

const CATEGORIES: readonly (Category & { readonly code: string; readonly items: readonly [string, number][] })[] = [
  {
    name: 'Electronics',
    slug: 'electronics',
    code: 'ELC',
    items: [
      ['Wireless Earbuds', 79.99],
      ['Noise-Cancelling Headphones', 249.99],
      ['Smart Watch', 199.99],
      ['Bluetooth Speaker', 59.99],
      ['4K Action Camera', 299.99],
      ['E-Reader', 129.99],
      ['Portable Charger', 29.99],
      ['Mechanical Keyboard', 119.99],
    ],
  },
  {
    name: 'Home',
    slug: 'home',
    code: 'HOM',
    items: [
      ['Linen Duvet Cover', 89.99],
      ['Memory Foam Pillow', 39.99],
      ['Scented Candle Set', 24.99],
      ['Ceramic Vase', 34.99],
      ['Wool Throw Blanket', 69.99],
      ['Smart LED Bulbs 4-Pack', 44.99],
      ['Robot Vacuum', 349.99],
      ['Air Purifier', 179.99],
    ],
  },
  {
    name: 'Kitchen',
    slug: 'kitchen',
    code: 'KIT',
    items: [
      ["Chef's Knife", 89.99],
      ['Cast Iron Skillet', 44.99],
      ['Espresso Machine', 449.99],
      ['Pour-Over Coffee Set', 39.99],
      ['Stand Mixer', 379.99],
      ['Bamboo Cutting Board', 24.99],
      ['Glass Storage Set', 32.99],
    ],
  },
  {
    name: 'Apparel',
    slug: 'apparel',
    code: 'APP',
    items: [
      ['Organic Cotton T-Shirt', 24.99],
      ['Slim Fit Jeans', 69.99],
      ['Merino Sweater', 89.99],
      ['Rain Jacket', 129.99],
      ['Running Shoes', 119.99],
      ['Leather Belt', 39.99],
      ['Wool Socks 3-Pack', 19.99],
      ['Down Parka', 279.99],
    ],
  },
  {
    name: 'Beauty',
    slug: 'beauty',
    code: 'BEA',
    items: [
      ['Vitamin C Serum', 34.99],
      ['Hydrating Moisturizer', 28.99],
      ['Mineral Sunscreen', 19.99],
      ['Ionic Hair Dryer', 149.99],
      ['Beard Trimmer', 59.99],
      ['Eau de Parfum 50ml', 89.99],
      ['Lip Balm Set', 12.99],
    ],
  },
  {
    name: 'Sports & Outdoors',
    slug: 'sports-outdoors',
    code: 'SPO',
    items: [
      ['Yoga Mat', 39.99],
      ['Adjustable Dumbbells', 299.99],
      ['Insulated Water Bottle', 29.99],
      ['Trail Backpack', 99.99],
      ['Two-Person Tent', 189.99],
      ['Resistance Bands', 19.99],
      ['Cycling Helmet', 79.99],
      ['Foam Roller', 24.99],
    ],
  },
  {
    name: 'Books',
    slug: 'books',
    code: 'BOO',
    items: [
      ['The Data-Driven Marketer', 24.99],
      ['Cooking for Two', 29.99],
      ['Mystery of the Fjord', 14.99],
      ['A Brief History of Maps', 18.99],
      ['Mindful Mornings', 16.99],
      ['Startup Field Guide', 27.99],
      ["Children's Atlas", 22.99],
    ],
  },
  {
    name: 'Toys & Games',
    slug: 'toys-games',
    code: 'TOY',
    items: [
      ['Building Blocks Set', 49.99],
      ['Wooden Train Set', 64.99],
      ['Strategy Board Game', 39.99],
      ['Plush Bear', 19.99],
      ['Remote-Control Car', 89.99],
      ['1000-Piece Puzzle', 17.99],
      ['Junior Science Kit', 34.99],
    ],
  },
];

export const categories: readonly Category[] = CATEGORIES.map(({ name, slug }) => ({ name, slug }));

/** Products in catalogue order; `product_id` is `p001`…`p060`, `sku` is `<category code>-<nn>`. */
export const products: readonly Product[] = CATEGORIES.flatMap((category) =>
  category.items.map(([name, price], i) => ({
    sku: `${category.code}-${String(i + 1).padStart(2, '0')}`,
    name,
    category: category.name,
    price,
  })),
).map((product, i) => ({ product_id: `p${String(i + 1).padStart(3, '0')}`, ...product }));

/** Products of each category, by category name. */
export const productsByCategory: ReadonlyMap<string, readonly Product[]> = new Map(
  categories.map((category) => [category.name, products.filter((p) => p.category === category.name)]),
);

/** The category page path, `/c/<slug>`. */
export const categoryPath = (category: Category): string => `/c/${category.slug}`;
/** The product page path, `/p/<sku>`. */
export const productPath = (product: Product): string => `/p/${product.sku.toLowerCase()}`;

/** Coupon codes and the share of the subtotal they take off; the seasonal ones are used in their season. */
export const coupons = {
  welcome: { code: 'WELCOME10', rate: 0.1 },
  loyalty: { code: 'LOYAL10', rate: 0.1 },
  spring: { code: 'SPRING15', rate: 0.15 },
  summer: { code: 'SUMMER20', rate: 0.2 },
  flash: { code: 'FLASH35', rate: 0.35 },
  blackFriday: { code: 'BLACKFRIDAY30', rate: 0.3 },
  holiday: { code: 'HOLIDAY25', rate: 0.25 },
} as const;

export type Coupon = (typeof coupons)[keyof typeof coupons];

/** SaaS plans of the shop's "Pro tools" subscription, with their monthly recurring revenue. */
export const plans = {
  starter: { plan: 'starter', mrr: 19 },
  pro: { plan: 'pro', mrr: 49 },
  business: { plan: 'business', mrr: 149 },
} as const;

export type PlanName = keyof typeof plans;
export const planOrder: readonly PlanName[] = ['starter', 'pro', 'business'];

/** Features of the subscription, by the plan that unlocks them; a plan includes the lower plans' features. */
export const features: Readonly<Record<PlanName, readonly string[]>> = {
  starter: ['dashboards', 'reports', 'export'],
  pro: ['dashboards', 'reports', 'export', 'segments', 'alerts', 'integrations'],
  business: ['dashboards', 'reports', 'export', 'segments', 'alerts', 'integrations', 'api', 'sso', 'audit_log'],
};
