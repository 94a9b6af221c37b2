import { type FixtureCase, runFixtures } from './harness/fixtures.js';
import type { EventSeed, Seed } from './harness/seed.js';
import { forEachEngine } from './harness/suite.js';
import { DAY, HOUR, iso, MINUTE, t } from './harness/time.js';

/**
 * Sequence leaves: distinct events in step order, each at or after the previous (equal timestamps allowed), the last
 * no later than `within` after the first, all inside the window.
 */

const b = t - 10 * DAY;
let n = 0;
const e = (user: string, name: string, at: number, properties: Record<string, unknown> = {}): EventSeed => ({
  id: `${user}-${String(n++).padStart(3, '0')}`,
  user,
  name,
  at,
  properties,
});

const events: EventSeed[] = [
  e('basic', 'View', b),
  e('basic', 'Cart', b + HOUR),
  e('reverse', 'Cart', b),
  e('reverse', 'View', b + HOUR),
  e('equalTs', 'Cart', b),
  e('equalTs', 'View', b),
  e('oneView', 'View', b),
  e('twoViews', 'View', b),
  e('twoViews', 'View', b),
  // Two views at one time: taking the x=1 view for the plain step would leave none for the x=1 step.
  e('trap', 'Start', b),
  e('trap', 'View', b + HOUR, { x: 1 }),
  e('trap', 'View', b + HOUR, { x: 0 }),
  e('within', 'View', b),
  e('within', 'Cart', b + HOUR),
  e('within3', 'View', b),
  e('within3', 'Cart', b + 30 * MINUTE),
  e('within3', 'Buy', b + 2 * HOUR),
  e('windowed', 'View', t - 40 * DAY),
  e('windowed', 'Cart', t - DAY),
  e('afterT', 'View', t - HOUR),
  e('afterT', 'Cart', t + HOUR),
  e('restart', 'View', b),
  e('restart', 'Cart', b + 3 * HOUR),
  e('restart', 'View', b + 4 * HOUR),
  e('restart', 'Cart', b + 4 * HOUR + 30 * MINUTE),
  e('pricing', 'View', b, { page: 'pricing' }),
  e('pricing', 'Cart', b + HOUR),
  e('home', 'View', b, { page: 'home' }),
  e('home', 'Cart', b + HOUR),
];
const seed: Seed = { profiles: [...new Set(events.map((x) => x.user)), 'none'].map((id) => ({ id })), events };

type Step = string | { event: string; where: unknown[] };
const seq = (steps: Step[], extra: Record<string, unknown> = {}) => ({
  type: 'sequence',
  steps: steps.map((s) => (typeof s === 'string' ? { event: s } : s)),
  ...extra,
});
const VIEW_THEN_CART = ['basic', 'equalTs', 'within', 'within3', 'restart', 'pricing', 'home', 'windowed'];

const cases: FixtureCase[] = [
  { name: 'two steps in order; equal timestamps allowed', rule: seq(['View', 'Cart']), expect: VIEW_THEN_CART },
  { name: 'the reverse order', rule: seq(['Cart', 'View']), expect: ['reverse', 'equalTs', 'restart'] },
  { name: 'one event cannot fill two steps', rule: seq(['View', 'View']), expect: ['twoViews', 'trap', 'restart'] },
  { name: 'three steps of one name need three events', rule: seq(['View', 'View', 'View']), expect: [] },
  {
    name: 'equal timestamps: the right event for each step',
    rule: seq(['Start', 'View', { event: 'View', where: [{ property: 'x', op: '=', value: 1 }] }]),
    expect: ['trap'],
  },
  {
    name: 'within exactly at the limit',
    rule: seq(['View', 'Cart'], { within: '1h' }),
    expect: ['basic', 'equalTs', 'within', 'within3', 'restart', 'pricing', 'home'],
  },
  {
    name: 'within one minute short',
    rule: seq(['View', 'Cart'], { within: '59m' }),
    expect: ['equalTs', 'within3', 'restart'],
  },
  {
    name: 'within spans first to last step',
    rule: seq(['View', 'Cart', 'Buy'], { within: '2h' }),
    expect: ['within3'],
  },
  {
    name: 'within spans first to last, a minute short',
    rule: seq(['View', 'Cart', 'Buy'], { within: '119m' }),
    expect: [],
  },
  {
    name: 'a later start can satisfy within',
    rule: seq(['View', 'Cart'], { within: '30m' }),
    expect: ['equalTs', 'within3', 'restart'],
  },
  {
    name: 'all steps inside the window',
    rule: seq(['View', 'Cart'], { window: { last: '30d' } }),
    expect: VIEW_THEN_CART.filter((u) => u !== 'windowed'),
  },
  {
    name: 'since/until window',
    rule: seq(['View', 'Cart'], { window: { since: iso(b), until: iso(b + HOUR) } }),
    expect: ['equalTs', 'within3'],
  },
  { name: 'a step after T is invisible', rule: seq(['View', 'Cart'], { window: { last: '1d' } }), expect: [] },
  {
    name: 'a later T sees it',
    rule: seq(['View', 'Cart'], { window: { last: '1d' } }),
    asOf: new Date(t + 2 * HOUR),
    expect: ['afterT'],
  },
  {
    name: 'step filters',
    rule: seq([{ event: 'View', where: [{ property: 'page', op: '=', value: 'pricing' }] }, 'Cart']),
    expect: ['pricing'],
  },
  {
    name: 'negated step filter holds for missing',
    rule: seq([{ event: 'View', where: [{ property: 'page', op: '!=', value: 'pricing' }] }, 'Cart']),
    expect: ['basic', 'equalTs', 'within', 'within3', 'restart', 'home', 'windowed'],
  },
  {
    name: 'not sequence includes users without events',
    rule: { type: 'not', rule: seq(['View', 'Cart']) },
    expect: seed.profiles.map((p) => p.id).filter((id) => !VIEW_THEN_CART.includes(id)),
  },
];

forEachEngine('sequences', (suite) => {
  runFixtures(suite, 'sequences', seed, cases);
});
