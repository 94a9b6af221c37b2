import { parseTime } from '../../src/segments/ir/lower.js';
import type { ValueType } from '../../src/segments/ir/nodes.js';

/**
 * JSON documents and key paths for the fragment tests: every JSON type at every path, missing keys, JSON null,
 * wrong types, nested objects, array indexes (and object keys that look like them), dotted and non-ASCII keys,
 * inherited property names, and time text in every accepted spelling and several near misses. A string is raw JSON
 * text, stored as written.
 */
export const DOCS: readonly (Readonly<Record<string, unknown>> | string)[] = [
  {
    n: 10,
    s: 'Widget',
    b: true,
    t: '2024-05-01T10:00:00Z',
    deep: { a: { b: 1.5 } },
    products: [{ price: 3 }, { price: 4.5 }],
    '0': 'zero-key',
    e: '',
    nul: null,
    'dotted.key': 'dot',
    é: 'accent',
    big: 2 ** 53 + 2,
    list: [1, 'two', null, true, { k: 'v' }],
  },
  { n: '10', s: 5, b: 'true', t: '2024-05-01', deep: { a: null }, products: { '0': { price: 7 } }, '0': 0, list: [] },
  {},
  {
    n: -0.5,
    s: '',
    b: false,
    t: '2024-05-01 10:00',
    deep: { a: { b: '1.5' } },
    products: [{}, { price: null }],
    list: { '1': 'key one' },
  },
  {
    n: 1e21,
    s: 'ÄÖÜ 😀 "quoted" \\ back',
    b: 0,
    t: '2024-05-01T10:00:30.123456789+05:30',
    deep: 'flat',
    products: 'none',
  },
  { n: null, s: null, b: null, t: null, deep: null },
  { n: [1], s: ['a'], b: [true], t: ['2024-05-01'], deep: [{ a: { b: 2 } }] },
  { n: { v: 1 }, s: { v: 'a' }, b: { v: true }, t: '2024-05-01T10:00+0530', dotted: { key: 'nested dot' } },
  // Raw text: JSON.stringify would write -0 as 0.
  '{"n": -0, "s": "Σ", "b": true, "t": "2000-02-29T00:00:00.5", "list": [0, 1.0, "1", true]}',
  { n: 0, s: 'x', b: false },
  { n: 0.1, s: 'x', t: 1714557600000 },
  { t: '2024-02-30' },
  { t: '2023-02-29T10:00:00Z' },
  { t: '2024-05-01T24:00:00Z' },
  { t: '2024-05-01T10:00:00+24:00' },
  { t: 'yesterday' },
  { t: '2024-5-1' },
  { t: '1969-12-31T23:59:59.9999Z' },
  { t: '0001-01-01T00:00:00-23:59' },
  { t: '2024-05-01T10:00Z' },
  { t: '2024-05-01T10:00:00.1-0230' },
  { constructor: 1, toString: 'own' },
];

export const PATHS: readonly (readonly string[])[] = [
  ['n'],
  ['s'],
  ['b'],
  ['t'],
  ['deep'],
  ['deep', 'a'],
  ['deep', 'a', 'b'],
  ['deep', '0', 'a', 'b'],
  ['products', '0', 'price'],
  ['products', '1', 'price'],
  ['products', '2', 'price'],
  ['0'],
  ['missing'],
  ['missing', 'deeper'],
  ['nul'],
  ['e'],
  ['dotted.key'],
  ['dotted', 'key'],
  ['é'],
  ['list', '1'],
  ['list', '01'],
  ['list', '2'],
  ['list', '4', 'k'],
  ['big'],
  ['constructor'],
  ['toString'],
];

/** -0 and 0 are one number to every predicate (`===`, `<`, `in`); SQL engines return 0 for JSON `-0`. */
export const zeroSign = (value: unknown): unknown => (Object.is(value, -0) ? 0 : value);

/** The oracle's typed reading (`typedValue` in segments/evaluate.ts, which is not exported), as SQL returns it. */
/** A document as the store holds it and the oracle reads it. */
export const parsedDoc = (doc: (typeof DOCS)[number]): unknown => (typeof doc === 'string' ? JSON.parse(doc) : doc);

export function oracleTyped(value: unknown, type: ValueType): number | string | boolean | null {
  switch (type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? value : null;
    case 'string':
      return typeof value === 'string' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'time':
      return typeof value === 'string' ? parseTime(value) : null;
  }
}

/** The oracle's count_distinct key: type and value (`aggregate` in evaluate.ts). */
export function oracleScalarKey(value: unknown): string | null {
  return ['string', 'number', 'boolean'].includes(typeof value) ? `${typeof value}:${String(value)}` : null;
}

/** Replaces keys by the order they first appear, so two key schemes that group alike compare equal. */
export function keyShape(keys: readonly (string | null)[]): (number | null)[] {
  const seen = new Map<string, number>();
  return keys.map((key) => {
    if (key === null) return null;
    if (!seen.has(key)) seen.set(key, seen.size);
    return seen.get(key) ?? null;
  });
}
