import { type FixtureCase, runFixtures } from './harness/fixtures.js';
import type { Seed } from './harness/seed.js';
import { forEachEngine } from './harness/suite.js';

/**
 * Trait leaves: every operator over one trait `v` holding a different JSON type per user (missing, JSON null, empty
 * string, strings, numbers, booleans, an object, an array), then nested and escaped key paths.
 */

const values: Record<string, unknown> = {
  null: null,
  empty: '',
  apple: 'Apple',
  banana: 'banana',
  n31: 31,
  s31: '31',
  neg: -2.5,
  yes: true,
  no: false,
  obj: { x: 1 },
  arr: [1, 2],
};
const ALL = ['missing', ...Object.keys(values)];
const except = (...ids: string[]) => ALL.filter((id) => !ids.includes(id));
const STRINGS = ['empty', 'apple', 'banana', 's31'];

const scalarSeed: Seed = {
  profiles: [
    { id: 'missing', traits: { other: 1 } },
    ...Object.entries(values).map(([id, v]) => ({ id, traits: { v } })),
  ],
};

const v = (op: string, value?: unknown) => ({
  type: 'trait',
  trait: 'v',
  op,
  ...(value === undefined ? {} : { value }),
});

const scalarCases: FixtureCase[] = [
  { name: '= number matches only the number', rule: v('=', 31), expect: ['n31'] },
  { name: '= string "31" matches only the string', rule: v('=', '31'), expect: ['s31'] },
  {
    name: '!= is the exact negation of = (missing, null, other types included)',
    rule: v('!=', 31),
    expect: except('n31'),
  },
  { name: '> 0 on numbers', rule: v('>', 0), expect: ['n31'] },
  { name: '>= boundary is inclusive', rule: v('>=', 31), expect: ['n31'] },
  { name: '< boundary is exclusive', rule: v('<', 31), expect: ['neg'] },
  { name: '<= negative fraction', rule: v('<=', -2.5), expect: ['neg'] },
  { name: '= true', rule: v('=', true), expect: ['yes'] },
  { name: '= false does not match missing', rule: v('=', false), expect: ['no'] },
  { name: '!= false', rule: v('!=', false), expect: except('no') },
  { name: '= empty string', rule: v('=', ''), expect: ['empty'] },
  { name: '!= empty string', rule: v('!=', ''), expect: except('empty') },
  { name: 'exists: present and not JSON null, any type', rule: v('exists'), expect: except('missing', 'null') },
  { name: 'not_exists: missing or JSON null', rule: v('not_exists'), expect: ['missing', 'null'] },
  { name: 'in strings', rule: v('in', ['Apple', 'banana']), expect: ['apple', 'banana'] },
  { name: 'in is case-sensitive', rule: v('in', ['apple', 'BANANA']), expect: [] },
  { name: 'in numbers', rule: v('in', [31, -2.5, 7]), expect: ['n31', 'neg'] },
  { name: 'in booleans', rule: v('in', [true]), expect: ['yes'] },
  { name: 'not_in is the exact negation of in', rule: v('not_in', [31, 7]), expect: except('n31') },
  { name: 'not_in strings keeps other types', rule: v('not_in', ['Apple', '']), expect: except('apple', 'empty') },
  { name: 'contains is case-insensitive', rule: v('contains', 'PP'), expect: ['apple'] },
  { name: 'contains "" matches every string', rule: v('contains', ''), expect: STRINGS },
  { name: 'contains never matches a number', rule: v('contains', '3'), expect: ['s31'] },
  { name: 'not_contains is the exact negation', rule: v('not_contains', 'AN'), expect: except('banana') },
  { name: 'starts_with', rule: v('starts_with', 'aPp'), expect: ['apple'] },
  { name: 'starts_with "" matches every string', rule: v('starts_with', ''), expect: STRINGS },
  { name: 'ends_with', rule: v('ends_with', 'NA'), expect: ['banana'] },
  { name: 'ends_with "" matches every string', rule: v('ends_with', ''), expect: STRINGS },
  { name: 'strings order by code point: > "B"', rule: v('>', 'B'), expect: ['banana'] },
  { name: 'strings order by code point: < "B"', rule: v('<', 'B'), expect: ['empty', 'apple', 's31'] },
  { name: '>= "" matches every string', rule: v('>=', ''), expect: STRINGS },
  { name: 'between numbers, both ends inclusive', rule: v('between', [-2.5, 31]), expect: ['n31', 'neg'] },
  { name: 'between a single point', rule: v('between', [31, 31]), expect: ['n31'] },
  { name: 'between an empty gap', rule: v('between', [0, 30]), expect: [] },
];

const pathSeed: Seed = {
  profiles: [
    { id: 'oslo', traits: { address: { city: 'Oslo', zip: '0150' }, products: [{ price: 10 }, { price: 20 }] } },
    { id: 'nullcity', traits: { address: { city: null }, products: [] } },
    { id: 'flat', traits: { address: 'Oslo', products: { '0': { price: 10 } } } },
    { id: 'dotted', traits: { 'address.city': 'Oslo', 'utm.source': 'ads' } },
    { id: 'nested', traits: { utm: { source: 'ads' }, 'a\\b': 1, '': { '': 'empty keys' } } },
    { id: 'none', traits: {} },
  ],
};
const PATH_USERS = ['oslo', 'nullcity', 'flat', 'dotted', 'nested', 'none'];
const tr = (trait: string, op: string, value?: unknown) => ({
  type: 'trait',
  trait,
  op,
  ...(value === undefined ? {} : { value }),
});

const pathCases: FixtureCase[] = [
  { name: 'nested key', rule: tr('address.city', '=', 'Oslo'), expect: ['oslo'] },
  { name: 'escaped dot names one key', rule: tr('address\\.city', '=', 'Oslo'), expect: ['dotted'] },
  { name: 'nested exists skips JSON null', rule: tr('address.city', 'exists'), expect: ['oslo'] },
  {
    name: 'nested not_exists: null, missing, or a parent that is no object',
    rule: tr('address.city', 'not_exists'),
    expect: PATH_USERS.filter((u) => u !== 'oslo'),
  },
  { name: 'parent exists as object or string', rule: tr('address', 'exists'), expect: ['oslo', 'nullcity', 'flat'] },
  { name: 'array index, and an object keyed "0"', rule: tr('products.0.price', '=', 10), expect: ['oslo', 'flat'] },
  { name: 'second array element', rule: tr('products.1.price', '>', 15), expect: ['oslo'] },
  { name: 'index past the end is missing', rule: tr('products.2.price', 'not_exists'), expect: PATH_USERS },
  { name: 'non-canonical index "00" is missing', rule: tr('products.00.price', 'exists'), expect: [] },
  { name: 'negative index is missing', rule: tr('products.-1.price', 'exists'), expect: [] },
  { name: 'escaped key with a dot', rule: tr('utm\\.source', '=', 'ads'), expect: ['dotted'] },
  { name: 'unescaped dots nest', rule: tr('utm.source', '=', 'ads'), expect: ['nested'] },
  { name: 'escaped backslash in a key', rule: tr('a\\\\b', '=', 1), expect: ['nested'] },
  { name: 'empty keys', rule: tr('.', '=', 'empty keys'), expect: ['nested'] },
  { name: 'a path through a string is missing', rule: tr('address.city.x', 'exists'), expect: [] },
  { name: 'a path through a string, negated', rule: tr('address.length', 'not_exists'), expect: PATH_USERS },
  { name: 'Object.prototype names are not keys', rule: tr('constructor', 'exists'), expect: [] },
  { name: 'inherited names are not keys', rule: tr('address.toString', 'not_exists'), expect: PATH_USERS },
  { name: 'array length is not a key', rule: tr('products.length', 'exists'), expect: [] },
];

/** Integers past 64 bits as `JSON.stringify` writes them (`1e20` is `100000000000000000000`), in arrays too. */
const wideSeed: Seed = {
  profiles: [
    { id: 'wide', traits: { n: 1e20, plan: 'pro', list: [3e19, 1] } },
    { id: 'negative', traits: { n: -1e19, plan: 'pro' } },
    { id: 'narrow', traits: { n: 5, plan: 'free', list: [1, 3e19] } },
  ],
};

const wideCases: FixtureCase[] = [
  { name: 'the rest of the document stays readable', rule: tr('plan', '=', 'pro'), expect: ['wide', 'negative'] },
  { name: 'a wide integer is a number', rule: tr('n', '>', 1e19), expect: ['wide'] },
  { name: 'a wide negative integer', rule: tr('n', '<', -9e18), expect: ['negative'] },
  { name: 'exists', rule: tr('n', 'exists'), expect: ['wide', 'negative', 'narrow'] },
  { name: 'the first element of an array', rule: tr('list.0', '=', 3e19), expect: ['wide'] },
  { name: 'after a wide element', rule: tr('list.1', '=', 1), expect: ['wide'] },
  { name: 'a wide last element', rule: tr('list.1', '>', 1e19), expect: ['narrow'] },
];

forEachEngine('traits', (suite) => {
  runFixtures(suite, 'trait operators over every JSON type', scalarSeed, scalarCases);
  runFixtures(suite, 'trait key paths', pathSeed, pathCases);
  runFixtures(suite, 'integers past 64 bits', wideSeed, wideCases);
});
