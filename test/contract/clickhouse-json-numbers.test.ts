import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openChdbEngine } from '../../src/engines/chdb/connection.js';
import { clickhouseDialect } from '../../src/engines/clickhouse/dialect.js';
import type { Engine } from '../../src/engines/engine.js';
import { sql, strList, trusted } from '../../src/engines/sql.js';
import { lookup } from '../../src/segments/evaluate.js';

/**
 * ClickHouse's JSON functions parse with simdjson, which rejects a whole document holding an integer outside
 * Int64/UInt64 (`JSON.stringify(1e20)` writes `100000000000000000000`); the dialect rewrites such integers as doubles
 * first. Checked against `JSON.parse` on generated documents mixing wide integers with strings that look like them.
 */

let engine: Engine;
beforeAll(async () => {
  engine = await openChdbEngine();
});
afterAll(async () => {
  await engine?.close();
});

const digits = (min: number, max: number) => fc.stringMatching(new RegExp(`^[1-9][0-9]{${min - 1},${max - 1}}$`));
const numberText = fc.oneof(
  digits(19, 24),
  digits(19, 24).map((s) => `-${s}`),
  digits(19, 22).map((s) => `${s}.5`),
  digits(20, 21).map((s) => `${s}e2`),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
  fc.integer().map(String),
  fc.constantFrom('0.12345678901234567890123', '1e-1234567890123456789', '-0', '18446744073709551615'),
);
const stringText = fc
  .oneof(
    fc.string(),
    digits(19, 30),
    digits(19, 24).map((s) => `":${s},"`),
    fc.constantFrom('\\', '"', ':12345678901234567890123,', '[12345678901234567890123]'),
  )
  .map((s) => JSON.stringify(s));
const value = fc.oneof({ weight: 3, arbitrary: numberText }, stringText);
const document = fc
  .record({ n: value, s: value, a: fc.array(value, { maxLength: 3 }), o: value, spaced: fc.boolean() })
  .map(({ n, s, a, o, spaced }) => {
    const gap = spaced ? ' ' : '';
    return `{"n":${gap}${n},${gap}"s":${s},"a":[${a.join(`,${gap}`)}],"o":{"x":${o}}}`;
  });

const PATHS: readonly (readonly string[])[] = [['n'], ['s'], ['a', '0'], ['a', '1'], ['a', '2'], ['o', 'x']];

describe('ClickHouse JSON numbers against JSON.parse', () => {
  it('reads documents holding integers beyond 64 bits, key by key', async () => {
    const docs = fc.sample(document, { numRuns: 2000, seed: 11 });
    const mismatches: string[] = [];
    for (const path of PATHS) {
      for (const type of ['number', 'string'] as const) {
        const read = clickhouseDialect.jsonTyped(trusted('x'), path, type);
        const [row] = await engine.query(sql`SELECT arrayMap(x -> ${read}, ${strList(docs)}) AS v`);
        const got = row?.['v'] as unknown[];
        docs.forEach((doc, i) => {
          const found = lookup(JSON.parse(doc), path);
          const want = typeof found === type ? found : null;
          if ((got[i] ?? null) !== want) mismatches.push(`${doc} ${path.join('.')} ${type}: ${String(got[i])}`);
        });
      }
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
  });
});
