import { describe, expect, it } from 'vitest';
import { lowerCheck } from './harness/differential.js';
import { type FixtureCase, runFixtures } from './harness/fixtures.js';
import type { Seed } from './harness/seed.js';
import { forEachEngine } from './harness/suite.js';
import { DAY, T, t } from './harness/time.js';

/** and / or / not nesting, references to saved dynamic segments, and the errors lowering reports. */

const seed: Seed = {
  profiles: [
    { id: 'a', traits: { plan: 'pro' } },
    { id: 'b', traits: { plan: 'pro' } },
    { id: 'c', traits: { plan: 'free' } },
    { id: 'd', traits: {} },
    { id: 'e', traits: { plan: null } },
  ],
  events: [
    { id: 'a1', user: 'a', name: 'Purchase', at: t - DAY, properties: { amount: 10 } },
    { id: 'c1', user: 'c', name: 'Purchase', at: t - DAY, properties: { amount: 30 } },
    { id: 'e1', user: 'e', name: 'Purchase', at: t - 40 * DAY, properties: { amount: 5 } },
  ],
};

const pro = { type: 'trait', trait: 'plan', op: '=', value: 'pro' };
const bought = { type: 'event', event: 'Purchase', window: { last: '30d' } };
const not = (rule: unknown) => ({ type: 'not', rule });
const and = (...rules: unknown[]) => ({ type: 'and', rules });
const or = (...rules: unknown[]) => ({ type: 'or', rules });
const big = { type: 'aggregate', fn: 'sum', event: 'Purchase', property: 'amount', op: '>=', value: 20 };

const cases: FixtureCase[] = [
  { name: 'and', rule: and(pro, bought), expect: ['a'] },
  { name: 'or', rule: or(pro, bought), expect: ['a', 'b', 'c'] },
  { name: 'not trait includes missing and null', rule: not(pro), expect: ['c', 'd', 'e'] },
  { name: 'not not', rule: not(not(pro)), expect: ['a', 'b'] },
  { name: 'not event includes users without events', rule: not(bought), expect: ['b', 'd', 'e'] },
  { name: 'and of nots', rule: and(not(pro), not(bought)), expect: ['d', 'e'] },
  { name: 'de Morgan: not or', rule: not(or(pro, bought)), expect: ['d', 'e'] },
  { name: 'or of ands', rule: or(and(pro, not(bought)), and(not(pro), bought)), expect: ['b', 'c'] },
  { name: 'one child', rule: and(or(pro)), expect: ['a', 'b'] },
  { name: 'not of !=', rule: not({ ...pro, op: '!=' }), expect: ['a', 'b'] },
  { name: 'not of not_exists', rule: not({ type: 'trait', trait: 'plan', op: 'not_exists' }), expect: ['a', 'b', 'c'] },
  { name: 'not aggregate includes users without a value', rule: not(big), expect: ['a', 'b', 'd', 'e'] },
  {
    name: 'deep nesting of every leaf kind',
    rule: and(
      or(not(pro), bought),
      not(and({ type: 'trait', trait: 'plan', op: 'exists' }, big)),
      or(not({ type: 'sequence', steps: [{ event: 'Purchase' }, { event: 'Purchase' }] }), pro),
    ),
    expect: ['a', 'd', 'e'],
  },
  { name: 'a saved segment', rule: { type: 'segment', segment: 'pro' }, expect: ['a', 'b'] },
  { name: 'not a saved segment', rule: not({ type: 'segment', segment: 'pro' }), expect: ['c', 'd', 'e'] },
  { name: 'segments of segments', rule: { type: 'segment', segment: 'proActive' }, expect: ['a'] },
  { name: 'the same segment twice is no cycle', rule: { type: 'segment', segment: 'diamond' }, expect: ['a'] },
  {
    name: 'a referenced segment is evaluated at the same T',
    rule: { type: 'segment', segment: 'active' },
    asOf: new Date(t - 35 * DAY),
    expect: ['e'],
  },
];

const segments = {
  pro,
  active: bought,
  proActive: and({ type: 'segment', segment: 'pro' }, { type: 'segment', segment: 'active' }),
  diamond: and({ type: 'segment', segment: 'proActive' }, { type: 'segment', segment: 'pro' }),
  loopA: { type: 'segment', segment: 'loopB' },
  loopB: and(pro, { type: 'segment', segment: 'loopA' }),
  self: or(pro, { type: 'segment', segment: 'self' }),
};

describe('lowering errors', () => {
  const issues = (rule: unknown) => {
    const lowered = lowerCheck({ rule, asOf: T, segments });
    if (lowered.ok) throw new Error(`expected issues for ${JSON.stringify(rule)}`);
    return lowered.issues.map((i) => ({ code: i.code, path: i.path }));
  };

  it('an unknown segment', () => {
    expect(issues(and(pro, { type: 'segment', segment: 'nope' }))).toEqual([
      { code: 'unknown_segment', path: 'rule.rules[1].segment' },
    ]);
  });

  it('a cycle through two segments', () => {
    expect(issues({ type: 'segment', segment: 'loopA' })).toEqual([
      { code: 'segment_cycle', path: 'rule.segment→loopA.segment→loopB.rules[1].segment' },
    ]);
  });

  it('a segment that refers to itself', () => {
    expect(issues({ type: 'segment', segment: 'self' }).map((i) => i.code)).toEqual(['segment_cycle']);
  });

  it('a window that ends before it starts', () => {
    expect(issues({ ...bought, window: { since: '2024-05-02', until: '2024-05-01' } })).toEqual([
      { code: 'impossible_window', path: 'rule.window.until' },
    ]);
  });

  it('an impossible date is not a time', () => {
    expect(issues({ type: 'trait', trait: 'signup', op: 'before', value: '2023-02-29' })).toEqual([
      { code: 'invalid_value', path: 'rule.value' },
    ]);
  });

  it('booleans have no order', () => {
    expect(issues({ type: 'trait', trait: 'flag', op: '>', value: true })).toEqual([
      { code: 'invalid_value', path: 'rule.value' },
    ]);
  });

  it('in takes one type', () => {
    expect(issues({ type: 'trait', trait: 'v', op: 'in', value: [1, '1'] })).toEqual([
      { code: 'invalid_value', path: 'rule.value' },
    ]);
  });
});

forEachEngine('logic', (suite) => {
  runFixtures(suite, 'and / or / not and segment references', seed, cases, { segments });
});
