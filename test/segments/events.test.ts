import { type FixtureCase, runFixtures } from './harness/fixtures.js';
import type { EventSeed, Seed } from './harness/seed.js';
import { forEachEngine } from './harness/suite.js';
import { DAY, HOUR, iso, MINUTE, t } from './harness/time.js';

/** Event leaves: counts in windows with every boundary, has-not-done, and property filters. */

const S = Date.parse('2024-05-10T00:00:00Z');
const U = Date.parse('2024-05-20T00:00:00Z');
const P = 'Purchase';
const purchase = (id: string, user: string, at: number): EventSeed => ({ id, user, name: P, at });

const windowSeed: Seed = {
  profiles: ['edge30', 'inside30', 'atT', 'afterT', 'none', 'other', 'many', 'twoEqual', 'since', 'until', 'old'].map(
    (id) => ({ id }),
  ),
  events: [
    purchase('e1', 'edge30', t - 30 * DAY),
    purchase('i1', 'inside30', t - 30 * DAY + 1),
    purchase('t1', 'atT', t),
    purchase('a1', 'afterT', t + 1),
    { id: 'o1', user: 'other', name: 'Other', at: t - DAY },
    { id: 'o2', user: 'other', name: 'purchase', at: t - DAY },
    purchase('m1', 'many', t - DAY),
    purchase('m2', 'many', t - 2 * DAY),
    purchase('m3', 'many', t - 3 * DAY),
    purchase('q1', 'twoEqual', t - 5 * DAY),
    purchase('q2', 'twoEqual', t - 5 * DAY),
    purchase('s1', 'since', S),
    purchase('u1', 'until', U),
    purchase('d1', 'old', t - 100 * DAY),
  ],
};
const ALL = windowSeed.profiles.map((p) => p.id);
const not = (...ids: string[]) => ALL.filter((id) => !ids.includes(id));
const IN_30D = ['inside30', 'atT', 'many', 'twoEqual', 'since', 'until'];

const ev = (window?: unknown, count?: [string, number]) => ({
  type: 'event',
  event: P,
  ...(window ? { window } : {}),
  ...(count ? { count: { op: count[0], value: count[1] } } : {}),
});
const last30 = { last: '30d' };

const windowCases: FixtureCase[] = [
  { name: 'last 30d: T-30d excluded, T included, after T invisible', rule: ev(last30), expect: IN_30D },
  { name: 'has not done (= 0), users without events included', rule: ev(last30, ['=', 0]), expect: not(...IN_30D) },
  { name: '< 1 is has not done', rule: ev(last30, ['<', 1]), expect: not(...IN_30D) },
  { name: '< 2 includes zero', rule: ev(last30, ['<', 2]), expect: not('many', 'twoEqual') },
  { name: '>= 2 counts events with equal timestamps', rule: ev(last30, ['>=', 2]), expect: ['many', 'twoEqual'] },
  { name: '= 3', rule: ev(last30, ['=', 3]), expect: ['many'] },
  { name: '> 2', rule: ev(last30, ['>', 2]), expect: ['many'] },
  { name: '!= 1 includes zero', rule: ev(last30, ['!=', 1]), expect: not('inside30', 'atT', 'since', 'until') },
  { name: 'no window: everything up to T', rule: ev(), expect: not('afterT', 'none', 'other') },
  { name: '<= 1 without a window', rule: ev(undefined, ['<=', 1]), expect: not('many', 'twoEqual') },
  {
    name: 'since inclusive, until exclusive',
    rule: ev({ since: iso(S), until: iso(U) }),
    expect: ['since'],
  },
  {
    name: 'since without until runs to T',
    rule: ev({ since: iso(S) }),
    expect: ['since', 'until', 'twoEqual', 'many', 'atT'],
  },
  { name: 'since exactly T', rule: ev({ since: iso(t) }), expect: ['atT'] },
  { name: 'since after T: an empty window', rule: ev({ since: iso(t + 1) }), expect: [] },
  { name: 'has not done in an empty window: everyone', rule: ev({ since: iso(t + 1) }, ['=', 0]), expect: ALL },
  {
    name: 'until after T still hides events after T',
    rule: ev({ since: iso(S), until: iso(t + DAY) }),
    expect: ['since', 'until', 'twoEqual', 'many', 'atT'],
  },
  {
    name: 'until exactly T excludes an event at T',
    rule: ev({ since: iso(S), until: iso(t) }),
    expect: ['since', 'until', 'twoEqual', 'many'],
  },
  { name: 'date-only since', rule: ev({ since: '2024-05-20' }), expect: ['until', 'twoEqual', 'many', 'atT'] },
  { name: 'an earlier T: its edge is included', rule: ev(last30), asOf: new Date(t - 30 * DAY), expect: ['edge30'] },
  { name: 'a later T sees later events', rule: ev({ last: '1h' }), asOf: new Date(t + 1), expect: ['atT', 'afterT'] },
  { name: 'last 1m', rule: ev({ last: '1m' }), expect: ['atT'] },
  { name: 'last 1m, one minute after T', rule: ev({ last: '1m' }), asOf: new Date(t + MINUTE), expect: ['afterT'] },
  {
    name: 'the longest window reaches back ~19,000 years',
    rule: ev({ last: '999999w' }),
    expect: not('afterT', 'none', 'other'),
  },
  { name: 'event names are case-sensitive', rule: { type: 'event', event: 'purchase' }, expect: ['other'] },
  {
    name: 'only some users (real-time mode)',
    rule: ev(last30, ['=', 0]),
    users: ['edge30', 'many', 'none', 'nobody'],
    expect: ['edge30', 'none'],
  },
  { name: 'an empty user list', rule: ev(last30, ['=', 0]), users: [], expect: [] },
  { name: 'a window in hours', rule: ev({ last: '25h' }), expect: ['atT', 'many'] },
  {
    name: 'a week window',
    rule: ev({ last: '1w' }, ['>=', 1]),
    asOf: new Date(t - 2 * DAY + HOUR),
    expect: ['many', 'twoEqual'],
  },
];

const orders: [string, Record<string, unknown>][] = [
  ['pro', { plan: 'pro', amount: 10, items: [{ sku: 'A' }] }],
  ['nullPlan', { plan: null }],
  ['emptyPlan', { plan: '' }],
  ['noPlan', { amount: 99 }],
  ['numPlan', { plan: 3 }],
  ['upperPro', { plan: 'PRO', coupon: true }],
  ['nested', { address: { city: 'Oslo' }, items: [{ sku: 'B' }, { sku: 'A' }] }],
  ['two', { plan: 'pro', amount: 2 }],
  ['two', { plan: 'free' }],
];
const filterSeed: Seed = {
  profiles: [...new Set(orders.map(([user]) => user)), 'none'].map((id) => ({ id })),
  events: orders.map(([user, properties], i) => ({ id: `o${i}`, user, name: 'Order', at: t - DAY, properties })),
};
const BUYERS = [...new Set(orders.map(([user]) => user))];
const order = (where: unknown[], count?: [string, number]) => ({
  type: 'event',
  event: 'Order',
  where,
  ...(count ? { count: { op: count[0], value: count[1] } } : {}),
});
const w = (property: string, op: string, value?: unknown) => ({
  property,
  op,
  ...(value === undefined ? {} : { value }),
});

const filterCases: FixtureCase[] = [
  { name: 'property =', rule: order([w('plan', '=', 'pro')]), expect: ['pro', 'two'] },
  {
    name: 'property != holds for missing and null',
    rule: order([w('plan', '!=', 'pro')]),
    expect: BUYERS.filter((u) => u !== 'pro'),
  },
  {
    name: 'has not done a matching event',
    rule: order([w('plan', '=', 'pro')], ['=', 0]),
    expect: ['nullPlan', 'emptyPlan', 'noPlan', 'numPlan', 'upperPro', 'nested', 'none'],
  },
  {
    name: 'property exists (empty string counts)',
    rule: order([w('plan', 'exists')]),
    expect: ['pro', 'emptyPlan', 'numPlan', 'upperPro', 'two'],
  },
  {
    name: 'property not_exists (null counts)',
    rule: order([w('plan', 'not_exists')]),
    expect: ['nullPlan', 'noPlan', 'nested'],
  },
  {
    name: 'property contains, case-insensitive',
    rule: order([w('plan', 'contains', 'R')]),
    expect: ['pro', 'upperPro', 'two'],
  },
  { name: 'property in', rule: order([w('plan', 'in', ['pro', 'PRO'])]), expect: ['pro', 'upperPro', 'two'] },
  { name: 'property not_in', rule: order([w('plan', 'not_in', ['pro'])]), expect: BUYERS.filter((u) => u !== 'pro') },
  { name: 'property = number is not the string', rule: order([w('plan', '=', 3)]), expect: ['numPlan'] },
  { name: 'property = "3" is not the number', rule: order([w('plan', '=', '3')]), expect: [] },
  { name: 'array element property', rule: order([w('items.1.sku', '=', 'A')]), expect: ['nested'] },
  { name: 'first array element', rule: order([w('items.0.sku', '=', 'A')]), expect: ['pro'] },
  { name: 'nested starts_with', rule: order([w('address.city', 'starts_with', 'os')]), expect: ['nested'] },
  {
    name: 'all filters hold on the same event',
    rule: order([w('plan', '=', 'pro'), w('amount', '>', 5)]),
    expect: ['pro'],
  },
  {
    name: 'filters across two events do not combine',
    rule: order([w('plan', '=', 'free'), w('amount', '<', 5)]),
    expect: [],
  },
  { name: 'count of matching events', rule: order([w('plan', 'ends_with', 'o')], ['>=', 2]), expect: [] },
  { name: 'boolean property', rule: order([w('coupon', '=', true)]), expect: ['upperPro'] },
  {
    name: 'boolean != true holds for missing',
    rule: order([w('coupon', '!=', true)]),
    expect: BUYERS.filter((u) => u !== 'upperPro'),
  },
  { name: 'between on a property', rule: order([w('amount', 'between', [2, 10])]), expect: ['pro', 'two'] },
];

forEachEngine('events', (suite) => {
  runFixtures(suite, 'event counts in windows', windowSeed, windowCases);
  runFixtures(suite, 'event property filters', filterSeed, filterCases);
  runFixtures(suite, 'event property filters, rows written directly', filterSeed, filterCases, { load: 'insert' });
});
