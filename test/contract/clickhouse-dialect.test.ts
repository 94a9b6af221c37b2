import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openChdbEngine } from '../../src/engines/chdb/connection.js';
import { clickhouseDialect } from '../../src/engines/clickhouse/dialect.js';
import { ISO_TIME_CAPTURE } from '../../src/engines/clickhouse/iso-time.js';
import { foldCaseSql } from '../../src/engines/clickhouse/segment-dialect.js';
import type { Engine } from '../../src/engines/engine.js';
import { type Sql, sql, strList, trusted } from '../../src/engines/sql.js';
import { foldCase, isoTimePattern, parseTime } from '../../src/segments/ir/lower.js';

/**
 * The two places where the ClickHouse dialect reimplements the oracle instead of calling a built-in: ISO-8601 time
 * arithmetic and case folding. Checked over generated and exhaustive inputs, beyond the contract's fixed corpus.
 */

let engine: Engine;
beforeAll(async () => {
  engine = await openChdbEngine();
});
afterAll(async () => {
  await engine?.close();
});

/** Applies `fragment` to every text through one array parameter: `arrayMap(x -> fragment(x), texts)`. */
async function mapTexts(texts: readonly string[], fragment: (x: Sql) => Sql): Promise<unknown[]> {
  const [row] = await engine.query(sql`SELECT arrayMap(x -> ${fragment(trusted('x'))}, ${strList(texts)}) AS v`);
  return row?.['v'] as unknown[];
}

const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
const timeText = fc
  .record({
    year: fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')),
    month: two(13),
    day: two(32),
    sep: fc.constantFrom('T', ' '),
    hour: two(25),
    minute: two(60),
    second: fc.option(two(60)),
    fraction: fc.option(fc.stringMatching(/^[0-9]{1,9}$/)),
    zone: fc.oneof(
      fc.constantFrom('', 'Z'),
      fc.tuple(fc.constantFrom('+', '-'), two(24), fc.constantFrom(':', ''), two(60)).map((parts) => parts.join('')),
    ),
    dateOnly: fc.boolean(),
  })
  .map((t) => {
    const date = `${t.year}-${t.month}-${t.day}`;
    if (t.dateOnly) return date;
    const seconds = t.second === null ? '' : `:${t.second}${t.fraction === null ? '' : `.${t.fraction}`}`;
    return `${date}${t.sep}${t.hour}:${t.minute}${seconds}${t.zone}`;
  });

describe('ClickHouse dialect against the oracle', () => {
  it('reads ISO-8601 text to the same millisecond as parseTime, and rejects what it rejects', async () => {
    const texts = fc.sample(timeText, { numRuns: 5000, seed: 42 });
    texts.push('0000-02-29', '1969-12-31T23:59:59.9999Z', '9999-12-31T23:59:59.999999999-23:59', 'x', '');
    const got = await mapTexts(texts, (x) => clickhouseDialect.jsonTyped(sql`toJSONString(${x})`, [], 'time'));
    const mismatches = texts.filter((text, i) => (got[i] ?? null) !== parseTime(text));
    expect(mismatches).toEqual([]);
    expect(texts.filter((text) => parseTime(text) !== null).length).toBeGreaterThan(500);
  });

  it('extracts with a pattern that accepts everything isoTimePattern accepts', () => {
    const gate = new RegExp(isoTimePattern);
    const capture = new RegExp(ISO_TIME_CAPTURE);
    for (const text of fc.sample(timeText, { numRuns: 5000, seed: 7 })) {
      if (gate.test(text)) expect(capture.test(text), text).toBe(true);
    }
  });

  it('folds case as foldCase for every cased code point, alone and in context', async () => {
    const cased: string[] = [];
    for (let cp = 0; cp <= 0x1ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const c = String.fromCodePoint(cp);
      if (c.toLowerCase() !== c || c.toUpperCase() !== c) cased.push(c, `A${c}`, `${c}b`, `a${c}${c}`);
    }
    const texts = cased.map((c) => `${c} Σ`);
    const folded = await mapTexts(texts, (x) => foldCaseSql(x));
    expect(texts.filter((text, i) => folded[i] !== foldCase(text))).toEqual([]);
  });
});
