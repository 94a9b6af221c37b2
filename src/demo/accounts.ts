import { pickCountry } from './geography.js';
import { at, Random, seedWords, Weighted } from './random.js';

/**
 * B2B accounts. Users are taken in blocks of 40 consecutive indexes; in each block about one user in four is a
 * business user, and the block's business users are cut, in index order, into accounts of 1–10 users (about 4 on
 * average). So membership depends only on (seed, index), never on how many users are generated, and an account's
 * members are near each other in the stream.
 */

export const ACCOUNT_BLOCK = 40;
export const B2B_SHARE = 0.25;

export type AccountPlan = 'team' | 'business' | 'enterprise';

export interface AccountTraits {
  readonly name: string;
  readonly industry: string;
  readonly employees: number;
  readonly company_size: string;
  readonly plan: AccountPlan;
  readonly country: string;
  readonly website: string;
}

export interface Account {
  /** `acc<block>-<n>`, e.g. `acc00012-3`. */
  readonly id: string;
  /** Where the account's people get their e-mail addresses. */
  readonly domain: string;
  readonly traits: AccountTraits;
}

const MEMBERSHIP_STREAM = 0xacc1;
const TRAITS_STREAM = 0xacc2;

const PREFIXES = (
  'Northwind Bluepeak Acme Globex Initech Vandelay Hooli Soylent Cyberdyne Tyrell Wonka Sterling Bright Summit ' +
  'Redwood Silverline Harbor Evergreen Ironclad Lumen Nimbus Orchid Quantum Riverstone Sapphire Trident Vertex ' +
  'Willow Zenith Aurora Beacon Cobalt Driftwood Falcon Granite Juniper Kestrel Meridian Polaris Tamarack'
).split(' ');

const INDUSTRIES: readonly (readonly [industry: string, suffixes: readonly string[]])[] = [
  ['Software', ['Labs', 'Systems', 'Software', 'Cloud']],
  ['Retail', ['Goods', 'Outfitters', 'Supply', 'Market']],
  ['Healthcare', ['Health', 'Clinics', 'Care', 'Medical']],
  ['Finance', ['Capital', 'Partners', 'Financial', 'Ventures']],
  ['Manufacturing', ['Industries', 'Works', 'Manufacturing', 'Components']],
  ['Education', ['Academy', 'Learning', 'Institute', 'Schools']],
  ['Media', ['Media', 'Studios', 'Publishing', 'Agency']],
  ['Logistics', ['Logistics', 'Freight', 'Shipping', 'Transport']],
  ['Hospitality', ['Hotels', 'Hospitality', 'Restaurants', 'Travel']],
];

const SIZES = new Weighted<readonly [band: string, min: number, max: number]>([
  [['1-10', 2, 10], 15],
  [['11-50', 11, 50], 30],
  [['51-200', 51, 200], 28],
  [['201-1000', 201, 1000], 18],
  [['1001-5000', 1001, 5000], 9],
]);

// Larger companies buy larger contracts.
const PLANS: Readonly<Record<string, Weighted<AccountPlan>>> = {
  '1-10': new Weighted([
    ['team', 8],
    ['business', 2],
  ]),
  '11-50': new Weighted([
    ['team', 6],
    ['business', 4],
  ]),
  '51-200': new Weighted([
    ['team', 25],
    ['business', 60],
    ['enterprise', 15],
  ]),
  '201-1000': new Weighted([
    ['business', 5],
    ['enterprise', 5],
  ]),
  '1001-5000': new Weighted([
    ['business', 15],
    ['enterprise', 85],
  ]),
};

// Account sizes: mostly small teams, a few bigger ones; mean about 4.
const MEMBERS = new Weighted(
  [1, 2, 3, 4, 5, 6, 8, 10].map((n, i) => [n, [6, 14, 16, 14, 10, 7, 4, 2][i] ?? 1] as const),
);

interface Block {
  readonly seed: number;
  readonly block: number;
  /** For each of the block's users, the account number within the block, or -1 for a consumer. */
  readonly members: readonly number[];
  readonly accounts: Map<number, Account>;
}

let cached: Block | undefined;

function membership(seed: number, block: number): Block {
  if (cached && cached.seed === seed && cached.block === block) return cached;
  const random = new Random(...seedWords(seed), MEMBERSHIP_STREAM, block);
  const members: number[] = [];
  let account = -1;
  let left = 0;
  for (let i = 0; i < ACCOUNT_BLOCK; i++) {
    if (!random.chance(B2B_SHARE)) {
      members.push(-1);
      continue;
    }
    if (left === 0) {
      account++;
      left = MEMBERS.pick(random);
    }
    members.push(account);
    left--;
  }
  cached = { seed, block, members, accounts: new Map() };
  return cached;
}

const slug = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]+/g, '-');

function describe(seed: number, block: number, n: number): Account {
  const random = new Random(...seedWords(seed), TRAITS_STREAM, block, n);
  const [industry, suffixes] = random.pick(INDUSTRIES);
  const name = `${random.pick(PREFIXES)} ${random.pick(suffixes)}`;
  const [band, min, max] = SIZES.pick(random);
  const domain = `${slug(name)}.example`;
  return {
    id: `acc${String(block).padStart(5, '0')}-${n}`,
    domain,
    traits: {
      name,
      industry,
      employees: random.int(min, max),
      company_size: band,
      plan: (PLANS[band] ?? new Weighted([['team', 1]])).pick(random),
      country: pickCountry(random),
      website: `https://www.${domain}`,
    },
  };
}

/** The account user `index` belongs to, or null for a consumer. */
export function accountOf(seed: number, index: number): Account | null {
  const block = Math.floor(index / ACCOUNT_BLOCK);
  const entry = membership(seed, block);
  const n = at(entry.members, index - block * ACCOUNT_BLOCK);
  if (n < 0) return null;
  let account = entry.accounts.get(n);
  if (!account) {
    account = describe(seed, block, n);
    entry.accounts.set(n, account);
  }
  return account;
}
