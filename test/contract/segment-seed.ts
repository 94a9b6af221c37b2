import type { CellValue, Engine } from '../../src/engines/engine.js';
import { ident, sql } from '../../src/engines/sql.js';
import type { UserData } from '../../src/segments/evaluate.js';
import { accounts, events, profiles, staticMembers, type Table } from '../../src/store/tables.js';

/**
 * A small data set for the differential smoke check, loaded straight into the tables with `stage` + `INSERT …
 * SELECT` (the only write path every engine shares), and the same data as the oracle's `UserData`.
 */

export const WS = 'smoke';
export const AS_OF = new Date('2024-06-01T00:00:00Z');
export const STATIC_SEGMENT = 'static-1';

interface SeedProfile {
  readonly id: string;
  readonly traits: Record<string, unknown>;
  readonly account: string | null;
}

const PROFILES: readonly SeedProfile[] = [
  {
    id: 'u1',
    traits: {
      plan: 'pro',
      age: 31,
      signup: '2024-05-01',
      name: 'Ann ÖSTERGAARD',
      vip: true,
      address: { city: 'Oslo' },
      score: null,
    },
    account: 'a1',
  },
  {
    id: 'u2',
    traits: {
      plan: 'free',
      age: '40',
      signup: '2024-05-20T10:00:00+02:00',
      name: 'bob',
      vip: false,
      address: { city: 'Bergen' },
    },
    account: 'a2',
  },
  {
    id: 'u3',
    traits: { plan: 'team', age: 25.5, signup: 'not a date', name: 'ΟΔΟΣ', vip: 'true', score: 7 },
    account: null,
  },
  { id: 'u4', traits: {}, account: null },
  { id: 'u5', traits: { plan: 'pro', age: 60, signup: '2024-04-30T23:59:59.999Z', name: 'İnci' }, account: 'missing' },
];

const ACCOUNTS: Readonly<Record<string, Record<string, unknown>>> = {
  a1: { tier: 'gold', seats: 50 },
  a2: { tier: 'silver', seats: null },
};

/** [user (null: anonymous), name, time, properties] */
const EVENTS: readonly [string | null, string, string, Record<string, unknown>][] = [
  ['u1', 'Order Completed', '2024-05-01T00:00:00Z', { revenue: 10, products: [{ price: 3 }] }],
  ['u1', 'Order Completed', '2024-05-02T00:00:00Z', { revenue: 20, products: [{ price: 7 }, { price: 1 }] }],
  ['u1', 'Viewed', '2024-05-25T00:00:00Z', {}],
  ['u1', 'Order Completed', '2024-06-01T00:00:00Z', { revenue: 5 }],
  ['u1', 'Order Completed', '2024-06-02T00:00:00Z', { revenue: 100 }],
  ['u2', 'Viewed', '2024-05-02T00:00:00Z', { page: '/pricing' }],
  ['u2', 'Order Completed', '2024-05-03T00:00:00Z', { revenue: '15' }],
  ['u2', 'Order Completed', '2024-05-03T00:00:00Z', { revenue: 15.5, coupon: 'SAVE' }],
  ['u3', 'Viewed', '2024-05-10T00:00:00Z', {}],
  ['u3', 'Viewed', '2024-05-10T00:00:00Z', { again: true }],
  ['u3', 'Order Completed', '2024-05-10T00:00:00Z', { revenue: null }],
  ['u5', 'Signed Up', '2024-03-01T00:00:00Z', {}],
  ['ghost', 'Order Completed', '2024-05-05T00:00:00Z', { revenue: 999 }],
  [null, 'Order Completed', '2024-05-05T00:00:00Z', { revenue: 1 }],
];

const STATIC: readonly string[] = ['u2', 'u4', 'ghost'];

async function append(engine: Engine, table: Table, rows: CellValue[][]): Promise<void> {
  const staging = await engine.stage(table, rows);
  await engine.run(sql`INSERT INTO ${ident(table.name)} SELECT * FROM ${staging}`);
}

export async function loadSeed(engine: Engine): Promise<void> {
  const epoch = new Date(0);
  const times = (id: string) => EVENTS.filter(([user]) => user === id).map(([, , at]) => Date.parse(at));
  await append(
    engine,
    profiles,
    PROFILES.map((p) => {
      const t = times(p.id);
      const span = t.length === 0 ? [null, null] : [new Date(Math.min(...t)), new Date(Math.max(...t))];
      return [WS, p.id, p.traits, {}, p.account, span[0] ?? null, span[1] ?? null, epoch];
    }),
  );
  await append(
    engine,
    accounts,
    Object.entries(ACCOUNTS).map(([id, traits]) => [WS, id, traits, {}, epoch]),
  );
  await append(
    engine,
    events,
    EVENTS.map(([user, name, at, properties], i) => [
      WS,
      `m${i}`,
      'track',
      name,
      user,
      user === null ? 'anon' : null,
      new Date(at),
      epoch,
      properties,
      null,
      null,
    ]),
  );
  await append(
    engine,
    staticMembers,
    STATIC.map((user) => [WS, STATIC_SEGMENT, user]),
  );
}

/** The seed as the oracle sees it: events up to `asOf`, as `loadUserData` reads them. */
export function seedUsers(): UserData[] {
  return PROFILES.map((p) => ({
    userId: p.id,
    traits: p.traits,
    account: p.account === null ? null : (ACCOUNTS[p.account] ?? null),
    events: EVENTS.flatMap(([user, name, at, properties], i) =>
      user === p.id && Date.parse(at) <= AS_OF.getTime()
        ? [{ messageId: `m${i}`, name, ts: Date.parse(at), properties }]
        : [],
    ),
    staticSegments: new Set(STATIC.includes(p.id) ? [STATIC_SEGMENT] : []),
  }));
}
