import { type FixtureCase, runFixtures } from './harness/fixtures.js';
import type { Seed } from './harness/seed.js';
import { forEachEngine } from './harness/suite.js';
import { DAY, HOUR, iso, t } from './harness/time.js';

/**
 * Stored times finer than a millisecond (an import can write them): rules are in milliseconds, and a stored time
 * counts as its millisecond, rounded down, in SQL as in the evaluator.
 */

const b = t - 10 * HOUR;
const seed: Seed = {
  profiles: ['atTplus', 'edgeMicro', 'preEpoch', 'seqMicro', 'withinMicro'].map((id) => ({ id })),
  events: [
    { id: 'x1', user: 'atTplus', name: 'X', at: t, micros: 500 },
    { id: 'x2', user: 'edgeMicro', name: 'X', at: t - 30 * DAY, micros: 300 },
    { id: 'x3', user: 'preEpoch', name: 'X', at: -1, micros: 500 },
    { id: 's1', user: 'seqMicro', name: 'A', at: b, micros: 700 },
    { id: 's2', user: 'seqMicro', name: 'B', at: b, micros: 200 },
    { id: 'w1', user: 'withinMicro', name: 'A', at: b },
    { id: 'w2', user: 'withinMicro', name: 'B', at: b + HOUR, micros: 900 },
  ],
};
const x = (extra: Record<string, unknown> = {}) => ({ type: 'event', event: 'X', ...extra });
const seq = (a: string, c: string, extra: Record<string, unknown> = {}) => ({
  type: 'sequence',
  steps: [{ event: a }, { event: c }],
  ...extra,
});

const cases: FixtureCase[] = [
  { name: 'T + 0.5ms is T', rule: x({ window: { last: '30d' } }), expect: ['atTplus'] },
  {
    name: 'T-30d + 0.3ms is T-30d: outside the window',
    rule: x({ window: { last: '30d' }, count: { op: '=', value: 0 } }),
    expect: ['edgeMicro', 'preEpoch', 'seqMicro', 'withinMicro'],
  },
  { name: 'no window', rule: x(), expect: ['atTplus', 'edgeMicro', 'preEpoch'] },
  {
    name: 'since is inclusive at the millisecond',
    rule: x({ window: { since: iso(t - 30 * DAY) } }),
    expect: ['atTplus', 'edgeMicro'],
  },
  {
    name: 'until is exclusive at the millisecond',
    rule: x({ window: { since: iso(t - 31 * DAY), until: iso(t - 30 * DAY) } }),
    expect: [],
  },
  {
    name: 'first_seen before 1970 rounds down',
    rule: { type: 'trait', trait: 'first_seen', op: 'between', value: [iso(-1), iso(-1)] },
    expect: ['preEpoch'],
  },
  { name: 'last_seen at T', rule: { type: 'trait', trait: 'last_seen', op: '=', value: iso(t) }, expect: ['atTplus'] },
  { name: 'one millisecond: either order', rule: seq('A', 'B'), expect: ['seqMicro', 'withinMicro'] },
  { name: 'one millisecond: the other order', rule: seq('B', 'A'), expect: ['seqMicro'] },
  { name: 'within at the millisecond', rule: seq('A', 'B', { within: '1h' }), expect: ['seqMicro', 'withinMicro'] },
];

forEachEngine('microseconds', (suite) => {
  runFixtures(suite, 'stored times finer than a millisecond', seed, cases, { load: 'insert' });
});
