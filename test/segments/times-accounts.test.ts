import { type FixtureCase, runFixtures } from './harness/fixtures.js';
import type { Seed } from './harness/seed.js';
import { forEachEngine } from './harness/suite.js';
import { DAY, HOUR, iso, t } from './harness/time.js';

/** Times held in traits (the `parseTime` forms), the first_seen / last_seen built-ins, and account traits. */

const signups: Record<string, unknown> = {
  date: '2024-05-01',
  noSeconds: '2024-05-20T10:00Z',
  compactOffset: '2024-05-20T10:00:00+0200',
  badDay: '2023-02-29',
  badOffset: '2024-05-25T10:00:00+24:00',
  prose: 'May 1 2024',
  epochNumber: 1714557600000,
  preEpoch: '1969-12-31T23:59:59.9995Z',
  spaced: '2024-05-31 12:00:00.5',
  atT: '2024-06-01T12:00:00Z',
  hour24: '2024-05-02T24:00:00Z',
  nanos: '2024-05-20T10:00:00.123456789+01:00',
  yearOne: '0001-01-01T00:00:00.0001Z',
  lowercase: '2024-05-20t10:00:00z',
  noSecondsOffset: '2024-05-20T12:30-02:30',
};
const SIGNUP_USERS = ['nosignup', ...Object.keys(signups)];

const timeSeed: Seed = {
  profiles: [
    { id: 'nosignup', traits: {} },
    ...Object.entries(signups).map(([id, signup]) => ({ id, traits: { signup } })),
  ],
};
const signup = (op: string, value?: unknown) => ({
  type: 'trait',
  trait: 'signup',
  op,
  ...(value === undefined ? {} : { value }),
});

const timeCases: FixtureCase[] = [
  { name: 'exists does not care about the type', rule: signup('exists'), expect: Object.keys(signups) },
  {
    name: 'after: only valid ISO times, zone and offset honoured',
    rule: signup('after', '2024-05-19'),
    expect: ['noSeconds', 'compactOffset', 'spaced', 'atT', 'nanos', 'noSecondsOffset'],
  },
  {
    name: 'before a millisecond after midnight (dates are UTC midnight)',
    rule: signup('before', '2024-05-01T00:00:00.001Z'),
    expect: ['date', 'preEpoch', 'yearOne'],
  },
  {
    name: 'between is inclusive at both ends, at millisecond precision',
    rule: signup('between', ['2024-05-20T08:00:00Z', '2024-05-20T09:00:00.123Z']),
    expect: ['compactOffset', 'nanos'],
  },
  {
    name: 'a time without seconds, with Z',
    rule: signup('between', ['2024-05-20T10:00:00Z', '2024-05-20T10:00:00Z']),
    expect: ['noSeconds'],
  },
  {
    name: 'a time without seconds, with an offset',
    rule: signup('between', ['2024-05-20T15:00:00Z', '2024-05-20T15:00:00Z']),
    expect: ['noSecondsOffset'],
  },
  { name: 'within_last: T-1d < v <= T', rule: signup('within_last', '1d'), expect: ['spaced', 'atT'] },
  {
    name: 'not_within_last is the exact negation (missing and invalid included)',
    rule: signup('not_within_last', '1d'),
    expect: SIGNUP_USERS.filter((u) => u !== 'spaced' && u !== 'atT'),
  },
  {
    name: 'sub-millisecond times before 1970 round down, like Date',
    rule: signup('between', ['1969-12-31T23:59:59.999Z', '1969-12-31T23:59:59.999Z']),
    expect: ['preEpoch'],
  },
  {
    name: 'sub-millisecond times in year 1 round down',
    rule: signup('between', ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00Z']),
    expect: ['yearOne'],
  },
  {
    name: 'an impossible date, an impossible offset, hour 24, prose, a number: no time',
    rule: signup('after', '0001-01-01'),
    expect: ['date', 'noSeconds', 'compactOffset', 'preEpoch', 'spaced', 'atT', 'nanos', 'noSecondsOffset'],
  },
  { name: '= on a time trait compares the text', rule: signup('=', '2024-05-01'), expect: ['date'] },
];

const seenSeed: Seed = {
  profiles: ['old', 'recent', 'edge', 'atT', 'future', 'mixed', 'none'].map((id) => ({ id })),
  events: [
    { id: 'o1', user: 'old', name: 'A', at: t - 60 * DAY },
    { id: 'o2', user: 'old', name: 'B', at: t - 2 * DAY },
    { id: 'r1', user: 'recent', name: 'A', at: t - HOUR },
    { id: 'e1', user: 'edge', name: 'C', at: t - 7 * DAY },
    { id: 't1', user: 'atT', name: 'A', at: t },
    { id: 'f1', user: 'future', name: 'A', at: t + DAY },
    { id: 'm1', user: 'mixed', name: 'B', at: t - 3 * DAY },
    { id: 'm2', user: 'mixed', name: 'A', at: t + DAY },
  ],
};
const seen = (trait: string, op: string, value?: unknown) => ({
  type: 'trait',
  trait,
  op,
  ...(value === undefined ? {} : { value }),
});
const WITH_EVENTS = ['old', 'recent', 'edge', 'atT', 'mixed'];

const seenCases: FixtureCase[] = [
  { name: 'first_seen exists: some event up to T', rule: seen('first_seen', 'exists'), expect: WITH_EVENTS },
  {
    name: 'first_seen not_exists: none, or only after T',
    rule: seen('first_seen', 'not_exists'),
    expect: ['future', 'none'],
  },
  { name: 'first_seen before', rule: seen('first_seen', 'before', iso(t - 30 * DAY)), expect: ['old'] },
  {
    name: 'last_seen within_last 7d excludes exactly T-7d',
    rule: seen('last_seen', 'within_last', '7d'),
    expect: ['old', 'recent', 'atT', 'mixed'],
  },
  {
    name: 'last_seen not_within_last 7d includes users never seen',
    rule: seen('last_seen', 'not_within_last', '7d'),
    expect: ['edge', 'future', 'none'],
  },
  { name: 'last_seen after is strict', rule: seen('last_seen', 'after', iso(t - HOUR)), expect: ['atT'] },
  {
    name: 'first_seen between, inclusive',
    rule: seen('first_seen', 'between', [iso(t - 7 * DAY), iso(t)]),
    expect: ['recent', 'edge', 'atT', 'mixed'],
  },
  { name: 'first_seen = a time', rule: seen('first_seen', '=', iso(t - 60 * DAY)), expect: ['old'] },
  { name: 'first_seen in times', rule: seen('first_seen', 'in', [iso(t - HOUR), iso(t)]), expect: ['recent', 'atT'] },
  {
    name: 'last_seen != is the exact negation',
    rule: seen('last_seen', '!=', iso(t)),
    expect: ['old', 'recent', 'edge', 'future', 'mixed', 'none'],
  },
  { name: 'last_seen >= T', rule: seen('last_seen', '>=', iso(t)), expect: ['atT'] },
  { name: 'a time is not text: contains never matches', rule: seen('first_seen', 'contains', '2024'), expect: [] },
  {
    name: 'a time is not text: not_contains always matches',
    rule: seen('last_seen', 'not_contains', '2024'),
    expect: [...WITH_EVENTS, 'future', 'none'],
  },
  {
    name: 'an earlier T hides later events',
    rule: seen('last_seen', 'after', iso(t - 3 * DAY)),
    asOf: new Date(t - 2 * DAY),
    expect: ['old'],
  },
  {
    name: 'an earlier T: first_seen not_exists',
    rule: seen('first_seen', 'not_exists'),
    asOf: new Date(t - 2 * DAY),
    expect: ['recent', 'atT', 'future', 'none'],
  },
];

const accountSeed: Seed = {
  profiles: [
    { id: 'ent', account: 'acme' },
    { id: 'ent2', account: 'acme', traits: { plan: 'free' } },
    { id: 'free', account: 'tiny' },
    { id: 'solo', traits: { 'account.plan': 'literal' } },
    { id: 'nobody' },
  ],
  accounts: [
    { id: 'acme', traits: { plan: 'enterprise', seats: 50, billing: { country: 'NO' } } },
    { id: 'tiny', traits: { plan: 'free', seats: 2, billing: null } },
    { id: 'orphan', traits: { plan: 'enterprise' } },
  ],
};
const acct = (trait: string, op: string, value?: unknown) => ({
  type: 'trait',
  trait,
  op,
  ...(value === undefined ? {} : { value }),
});

const accountCases: FixtureCase[] = [
  { name: 'account trait', rule: acct('account.plan', '=', 'enterprise'), expect: ['ent', 'ent2'] },
  {
    name: 'account trait != includes users without an account',
    rule: acct('account.plan', '!=', 'enterprise'),
    expect: ['free', 'solo', 'nobody'],
  },
  { name: 'account trait not_exists', rule: acct('account.plan', 'not_exists'), expect: ['solo', 'nobody'] },
  { name: 'account number', rule: acct('account.seats', '>', 10), expect: ['ent', 'ent2'] },
  { name: 'nested account trait', rule: acct('account.billing.country', '=', 'NO'), expect: ['ent', 'ent2'] },
  { name: 'account trait JSON null', rule: acct('account.billing', 'exists'), expect: ['ent', 'ent2'] },
  { name: 'a user trait with the same key', rule: acct('plan', '=', 'free'), expect: ['ent2'] },
  { name: 'an escaped dot is a user trait', rule: acct('account\\.plan', 'exists'), expect: ['solo'] },
];

forEachEngine('times and accounts', (suite) => {
  runFixtures(suite, 'times in traits', timeSeed, timeCases);
  runFixtures(suite, 'first_seen and last_seen', seenSeed, seenCases);
  runFixtures(suite, 'account traits', accountSeed, accountCases);
});
