import { type FixtureCase, runFixtures } from './harness/fixtures.js';
import type { EventSeed, Seed } from './harness/seed.js';
import { forEachEngine } from './harness/suite.js';
import { DAY, HOUR, iso, t } from './harness/time.js';

/** Aggregate leaves: sum / avg / min / max over numbers only, count_distinct over scalars of any type. */

const order = (id: string, user: string, properties: Record<string, unknown>, at = t - 2 * DAY): EventSeed => ({
  id,
  user,
  name: 'Order',
  at,
  properties,
});

const events: EventSeed[] = [
  order('a1', 'sum1', { amount: 10, currency: 'EUR' }),
  order('a2', 'sum1', { amount: 20, currency: 'USD' }),
  order('a3', 'sum1', { currency: 'EUR' }),
  order('a4', 'sum1', { amount: null }),
  order('b1', 'strs', { amount: '10' }),
  order('b2', 'strs', { amount: '20' }),
  ...[1, '1', true, 1, 'a', 'A', null, {}, [1]].map((amount, i) => order(`c${i}`, 'mixed', { amount })),
  order('d1', 'neg', { amount: -5 }),
  order('d2', 'neg', { amount: 2.5 }),
  order('e1', 'allMissing', { note: 'no amount' }),
  order('f1', 'windowed', { amount: 100 }, t - 40 * DAY),
  order('f2', 'windowed', { amount: 1 }, t - DAY),
  order('g1', 'future', { amount: 50 }, t + HOUR),
  order('h1', 'nested', { items: [{ price: 7 }] }),
  order('h2', 'nested', { items: [{ price: 'x' }, { price: 3 }] }),
  order('i1', 'halves', { amount: 1 }),
  order('i2', 'halves', { amount: 2 }),
  { id: 'j1', user: 'otherEvent', name: 'Refund', at: t - DAY, properties: { amount: 5 } },
];
const seed: Seed = {
  profiles: [...new Set(events.map((e) => e.user)), 'none'].map((id) => ({ id })),
  events,
};
const BUYERS = ['sum1', 'strs', 'mixed', 'neg', 'allMissing', 'windowed', 'nested', 'halves'];

const agg = (fn: string, op: string, value: number, extra: Record<string, unknown> = {}) => ({
  type: 'aggregate',
  fn,
  event: 'Order',
  property: 'amount',
  op,
  value,
  ...extra,
});

const cases: FixtureCase[] = [
  { name: 'sum > 25', rule: agg('sum', '>', 25), expect: ['sum1', 'windowed'] },
  { name: 'sum = 30 ignores missing and null', rule: agg('sum', '=', 30), expect: ['sum1'] },
  {
    name: 'sum < 100: users without a numeric value have none',
    rule: agg('sum', '<', 100),
    expect: ['sum1', 'mixed', 'neg', 'halves'],
  },
  { name: 'sum <= 0', rule: agg('sum', '<=', 0), expect: ['neg'] },
  { name: 'sum >= 0', rule: agg('sum', '>=', 0), expect: ['sum1', 'mixed', 'windowed', 'halves'] },
  { name: 'sum != 30 still needs a value', rule: agg('sum', '!=', 30), expect: ['mixed', 'neg', 'windowed', 'halves'] },
  { name: 'avg over numbers only', rule: agg('avg', '=', 15), expect: ['sum1'] },
  { name: 'avg of a half', rule: agg('avg', '=', 1.5), expect: ['halves'] },
  { name: 'avg negative', rule: agg('avg', '=', -1.25), expect: ['neg'] },
  { name: 'min', rule: agg('min', '=', 10), expect: ['sum1'] },
  { name: 'min < 0', rule: agg('min', '<', 0), expect: ['neg'] },
  { name: 'max', rule: agg('max', '=', 2.5), expect: ['neg'] },
  { name: 'max >= 100 without a window', rule: agg('max', '>=', 100), expect: ['windowed'] },
  {
    name: 'sum in a window',
    rule: agg('sum', '<', 5, { window: { last: '30d' } }),
    expect: ['mixed', 'neg', 'windowed', 'halves'],
  },
  {
    name: 'sum in since/until',
    rule: agg('sum', '>', 0, { window: { since: iso(t - 50 * DAY), until: iso(t - 30 * DAY) } }),
    expect: ['windowed'],
  },
  { name: 'events after T are invisible', rule: agg('max', '=', 50), expect: [] },
  { name: 'events after T are visible later', rule: agg('max', '=', 50), asOf: new Date(t + HOUR), expect: ['future'] },
  {
    name: 'count_distinct of numbers and of strings',
    rule: agg('count_distinct', '=', 2),
    expect: ['sum1', 'strs', 'halves', 'neg', 'windowed'],
  },
  {
    name: 'count_distinct keeps types apart (1, "1", true, "a", "A")',
    rule: agg('count_distinct', '=', 5),
    expect: ['mixed'],
  },
  {
    name: 'count_distinct = 0: matched events without a scalar value',
    rule: agg('count_distinct', '=', 0),
    expect: ['allMissing', 'nested'],
  },
  {
    name: 'count_distinct >= 0: every user with a matching event',
    rule: agg('count_distinct', '>=', 0),
    expect: BUYERS,
  },
  {
    name: 'count_distinct < 1 needs a matching event',
    rule: agg('count_distinct', '<', 1),
    expect: ['allMissing', 'nested'],
  },
  {
    name: 'sum with a filter',
    rule: agg('sum', '=', 10, { where: [{ property: 'currency', op: '=', value: 'EUR' }] }),
    expect: ['sum1'],
  },
  {
    name: 'a filter that matches nothing leaves no value',
    rule: agg('sum', '<', 1000, { where: [{ property: 'currency', op: '=', value: 'GBP' }] }),
    expect: [],
  },
  {
    name: 'a nested property, strings skipped',
    rule: { ...agg('sum', '=', 7), property: 'items.0.price' },
    expect: ['nested'],
  },
  { name: 'second element', rule: { ...agg('max', '=', 3), property: 'items.1.price' }, expect: ['nested'] },
  {
    name: 'another event name does not count',
    rule: { ...agg('sum', '=', 5), event: 'Refund' },
    expect: ['otherEvent'],
  },
  {
    name: 'not (sum > 25) includes users without a value',
    rule: { type: 'not', rule: agg('sum', '>', 25) },
    expect: ['strs', 'mixed', 'neg', 'allMissing', 'future', 'nested', 'halves', 'otherEvent', 'none'],
  },
];

/** Number spellings only the direct path can store: JSON text the ingestion path would normalise. */
const rawSeed: Seed = {
  profiles: [{ id: 'spellings' }, { id: 'plain' }],
  events: [
    { id: 'r1', user: 'spellings', name: 'Order', at: t - DAY, rawProperties: '{"amount": 1.0}' },
    { id: 'r2', user: 'spellings', name: 'Order', at: t - DAY, rawProperties: '{"amount": 1e0}' },
    { id: 'r3', user: 'spellings', name: 'Order', at: t - DAY, rawProperties: '{"amount": 10E-1}' },
    { id: 'r4', user: 'spellings', name: 'Order', at: t - DAY, rawProperties: '{"amount": 18446744073709551615}' },
    { id: 'p1', user: 'plain', name: 'Order', at: t - DAY, properties: { amount: 1 } },
  ],
};

forEachEngine('aggregates', (suite) => {
  runFixtures(suite, 'aggregates', seed, cases);
  runFixtures(
    suite,
    'aggregates over raw JSON spellings',
    rawSeed,
    [
      {
        name: 'one value however it is spelt, plus one huge one',
        rule: agg('count_distinct', '=', 2),
        expect: ['spellings'],
      },
      { name: 'huge integers are numbers', rule: agg('max', '>', 1e19), expect: ['spellings'] },
      { name: 'min of equal spellings', rule: agg('min', '=', 1), expect: ['spellings', 'plain'] },
    ],
    { load: 'insert' },
  );
});
