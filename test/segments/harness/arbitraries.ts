import fc from 'fast-check';
import type { EventSeed, Seed } from './seed.js';
import { DAY, HOUR, iso, t } from './time.js';

/**
 * Random data sets and random rules over small domains, so rules actually match: five users, three event names,
 * a few values per type with missing, JSON null and wrong-typed ones mixed in, event times clustered on window edges
 * (many equal timestamps), and stored times in every accepted and several rejected ISO spellings.
 */

export const USERS = ['u0', 'u1', 'u2', 'u3', 'u4'] as const;
/** Has events but no profile: never a member (direct loading only). */
export const GHOST = 'ghost';
const NAMES = ['A', 'B', 'C'] as const;
const STRINGS = ['free', 'pro', 'Pro', 'PRO', '', 'ΟΔΟΣ', 'οδοσ', 'straße', 'x', '3'];
const NUMBERS = [-1.5, 0, 1, 2, 3, 10];
const NEEDLES = ['', 'pro', 'R', 'ο', 'Σ', 'ß', 'x', '3', 'İ'];
const DURATIONS = ['1h', '1d', '7d', '30d'];

/** Times a rule may name: all valid, many on the edges of the windows the data clusters on. */
const RULE_TIMES = [
  iso(t),
  iso(t - 1),
  iso(t + 1),
  iso(t - DAY),
  iso(t - 30 * DAY),
  '2024-05-31',
  '2024-06-01',
  '2024-05-31T12:00Z',
  '1969-12-31T23:59:59.999Z',
];

const EVENT_TIMES = [t, t - 1, t + 1, t - HOUR, t - DAY, t - 7 * DAY, t - 30 * DAY, t - 30 * DAY + 1, t + HOUR];
const eventTime = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...EVENT_TIMES) },
  { weight: 3, arbitrary: fc.integer({ min: -1, max: 40 }).map((k) => t - k * 12 * HOUR) },
  { weight: 1, arbitrary: fc.integer({ min: -4, max: 180 }).map((k) => t - k * 6 * HOUR) },
);

/** Stored time text: accepted spellings and near misses (impossible dates, hour 24, bad offsets). */
const storedTime = fc
  .tuple(
    fc.constantFrom('2024-05-31', '2024-06-01', '2023-02-29', '2024-02-29', '1969-12-31', '2024-04-31'),
    fc.constantFrom('T', ' '),
    fc.constantFrom('', '12:00', '11:59:59.9995', '12:00:00', '24:00:00', '23:59:59.999'),
    fc.constantFrom('', 'Z', '+01:00', '-0230', '+24:00', '+00:60'),
  )
  .map(([date, sep, time, zone]) => (time === '' ? date : `${date}${sep}${time}${zone}`));

const scalar = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...STRINGS) },
  { weight: 2, arbitrary: fc.constantFrom(...NUMBERS) },
  { weight: 1, arbitrary: fc.boolean() },
);
const stored = fc.oneof({ weight: 6, arbitrary: scalar }, { weight: 1, arbitrary: fc.constant(null) });
const nested = fc.oneof(
  fc.record({ k: stored }, { requiredKeys: [] }),
  fc.array(stored, { minLength: 1, maxLength: 3 }),
  stored,
);

const traits = fc.record(
  { plan: stored, n: fc.oneof(fc.constantFrom(...NUMBERS), stored), t: fc.oneof(storedTime, stored), addr: nested },
  { requiredKeys: [] },
);
const properties = fc.record(
  { x: stored, n: fc.oneof(fc.constantFrom(...NUMBERS), stored), s: nested, t: storedTime },
  { requiredKeys: [] },
);

/**
 * A data set. `direct` adds what only direct loading can write: events of a user without a profile, and (unless
 * `micros` is false: a store that keeps milliseconds only) times with microseconds. Without them the data sets are
 * the same ones, with the microseconds dropped.
 */
export function seedArb(options: { direct: boolean; micros?: boolean }): fc.Arbitrary<Seed> {
  const owners = options.direct ? [...USERS, GHOST] : [...USERS];
  const keep = options.micros ?? true;
  const micros = options.direct ? fc.constantFrom(0, 0, 0, 1, 500, 999).map((us) => (keep ? us : 0)) : fc.constant(0);
  const event = fc.record({
    user: fc.constantFrom(...owners),
    name: fc.constantFrom(...NAMES),
    at: eventTime,
    micros,
    properties,
  });
  return fc
    .record({
      profiles: fc.tuple(...USERS.map(() => fc.record({ traits, account: fc.constantFrom(undefined, 'a0', 'a1') }))),
      accounts: fc.tuple(fc.record({ tier: stored, n: stored }, { requiredKeys: [] }), traits),
      events: fc.array(event, { minLength: 20, maxLength: 60, size: 'medium' }),
    })
    .map(({ profiles, accounts, events }) => ({
      profiles: profiles.map((p, i) => ({
        id: USERS[i] as string,
        traits: p.traits,
        ...(p.account ? { account: p.account } : {}),
      })),
      accounts: [
        { id: 'a0', traits: accounts[0] },
        { id: 'a1', traits: accounts[1] },
      ],
      events: events.map(
        ({ micros: us, ...e }, i): EventSeed => ({
          ...e,
          ...(us ? { micros: us } : {}),
          id: `m${String(i).padStart(3, '0')}`,
        }),
      ),
    }));
}

const sortedPair = <T>(arb: fc.Arbitrary<T>, order: (x: T) => number) =>
  fc.tuple(arb, arb).map(([a, b]) => (order(a) <= order(b) ? [a, b] : [b, a]));

/** An operator with a value that fits it; `time` for first_seen / last_seen. */
function opValue(time: boolean): fc.Arbitrary<{ op: string; value?: unknown }> {
  const ruleTime = fc.constantFrom(...RULE_TIMES);
  const any = time ? ruleTime : scalar;
  const ordered = time ? ruleTime : fc.oneof(fc.constantFrom(...STRINGS), fc.constantFrom(...NUMBERS));
  const list = time
    ? fc.array(ruleTime, { minLength: 1, maxLength: 3 })
    : fc.oneof(
        fc.array(fc.constantFrom(...STRINGS), { minLength: 1, maxLength: 3 }),
        fc.array(fc.constantFrom(...NUMBERS), { minLength: 1, maxLength: 3 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 2 }),
      );
  const between = fc.oneof(
    sortedPair(fc.constantFrom(...NUMBERS), (n) => n),
    sortedPair(ruleTime, (s) => Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s)),
  );
  const pick = (ops: string[], value: fc.Arbitrary<unknown>) => fc.record({ op: fc.constantFrom(...ops), value });
  return fc.oneof(
    fc.record({ op: fc.constantFrom('exists', 'not_exists') }),
    pick(['=', '!='], any),
    pick(['>', '>=', '<', '<='], ordered),
    pick(['in', 'not_in'], list),
    pick(['contains', 'not_contains', 'starts_with', 'ends_with'], fc.constantFrom(...NEEDLES)),
    pick(['between'], time ? sortedPair(ruleTime, (s) => Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s)) : between),
    pick(['within_last', 'not_within_last'], fc.constantFrom(...DURATIONS)),
    pick(['before', 'after'], ruleTime),
  );
}

const windowArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.record({ last: fc.constantFrom(...DURATIONS) }) },
  fc.constantFrom(...RULE_TIMES).map((since) => ({ since })),
  fc
    .uniqueArray(fc.constantFrom(...RULE_TIMES.filter((s) => s.length > 10)), {
      minLength: 2,
      maxLength: 2,
      selector: (s) => Date.parse(s),
    })
    .map((pair) => {
      const [since, until] = [...pair].sort((a, b) => Date.parse(a) - Date.parse(b));
      return { since, until };
    }),
);

/** Drops keys whose value is undefined, so the rule is what a user would write. */
const clean = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

const filter = fc
  .tuple(fc.constantFrom('x', 'x', 'n', 'n', 's.k', 's.0', 't', 'nope'), opValue(false))
  .map(([property, ov]) => clean({ property, ...ov }));
/** Filters on a third of the leaves: a filter on a random path and operator rarely holds. */
const sometimes = <T>(arb: fc.Arbitrary<T>, never = 2) =>
  fc.oneof({ weight: never, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
const where = sometimes(fc.array(filter, { minLength: 1, maxLength: 2 }));

const traitLeaf = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('plan', 'n', 't', 'addr.k', 'addr.0', 'nope', 'account.tier', 'account.n', 'account.t'),
      opValue(false),
    )
    .map(([trait, ov]) => clean({ type: 'trait', trait, ...ov })),
  fc
    .tuple(fc.constantFrom('first_seen', 'last_seen'), opValue(true))
    .map(([trait, ov]) => clean({ type: 'trait', trait, ...ov })),
);
const countArb = fc.option(
  fc.record({ op: fc.constantFrom('=', '!=', '>', '>=', '<', '<='), value: fc.integer({ min: 0, max: 3 }) }),
  { nil: undefined },
);
const eventLeaf = fc
  .record({ event: fc.constantFrom(...NAMES), where, count: countArb, window: windowArb })
  .map((r) => clean({ type: 'event', ...r }));
const aggregateLeaf = fc
  .record({
    fn: fc.constantFrom('sum', 'avg', 'min', 'max', 'count_distinct'),
    event: fc.constantFrom(...NAMES),
    property: fc.constantFrom('n', 'n', 'n', 'x', 's.k', 's.1'),
    where,
    window: windowArb,
    op: fc.constantFrom('=', '!=', '>', '>=', '<', '<='),
    value: fc.constantFrom(-1, 0, 1, 1.5, 2, 3, 5),
  })
  .map((r) => clean({ type: 'aggregate', ...r }));
const sequenceLeaf = fc
  .record({
    steps: fc.array(
      fc
        .record({
          event: fc.constantFrom(...NAMES),
          where: sometimes(fc.array(filter, { minLength: 1, maxLength: 1 }), 4),
        })
        .map((s) => clean(s)),
      { minLength: 2, maxLength: 3 },
    ),
    within: fc.option(fc.constantFrom('1m', '12h', '1d', '7d', '30d'), { nil: undefined }),
    window: windowArb,
  })
  .map((r) => clean({ type: 'sequence', ...r }));

const leaf = fc.oneof(
  { weight: 3, arbitrary: traitLeaf },
  { weight: 3, arbitrary: eventLeaf },
  { weight: 2, arbitrary: aggregateLeaf },
  { weight: 2, arbitrary: sequenceLeaf },
);

/** A rule of every leaf kind, nested through and / or / not up to a small depth. */
export const ruleArb: fc.Arbitrary<unknown> = fc.letrec<{ rule: unknown }>((tie) => ({
  rule: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'rule' },
    { weight: 4, arbitrary: leaf },
    fc.record({ type: fc.constant('and'), rules: fc.array(tie('rule'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ type: fc.constant('or'), rules: fc.array(tie('rule'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ type: fc.constant('not'), rule: tie('rule') }),
  ),
})).rule;

/** Whether a rule compiles to a query joining both the events scan and `accounts` (see `ACCOUNTS_WITH_EVENTS`). */
function joinsAccountsAndEvents(rule: unknown): boolean {
  const leaves: Record<string, unknown>[] = [];
  const walk = (node: unknown) => {
    if (typeof node !== 'object' || node === null) return;
    const r = node as Record<string, unknown>;
    if (r['type'] === 'and' || r['type'] === 'or') (r['rules'] as unknown[]).forEach(walk);
    else if (r['type'] === 'not') walk(r['rule']);
    else leaves.push(r);
  };
  walk(rule);
  const isTrait = (leaf: Record<string, unknown>, test: (name: string) => boolean) =>
    leaf['type'] === 'trait' && test(String(leaf['trait']));
  const account = leaves.some((leaf) => isTrait(leaf, (name) => name.startsWith('account.')));
  const events = leaves.some(
    (leaf) =>
      leaf['type'] === 'event' ||
      leaf['type'] === 'aggregate' ||
      isTrait(leaf, (name) => name === 'first_seen' || name === 'last_seen'),
  );
  return account && events;
}

/** `ruleArb`, without the rules that join accounts and events when the engine cannot run them. */
export const rulesArb = (options: { accountsWithEvents: boolean }): fc.Arbitrary<unknown> =>
  options.accountsWithEvents ? ruleArb : ruleArb.filter((rule) => !joinsAccountsAndEvents(rule));

export const asOfArb = fc
  .oneof(
    { weight: 4, arbitrary: fc.constant(t) },
    { weight: 3, arbitrary: fc.constantFrom(t - DAY, t + HOUR, t - 1) },
    { weight: 1, arbitrary: fc.constant(t - 30 * DAY) },
  )
  .map((ms) => new Date(ms));
