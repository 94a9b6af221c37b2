import { expect } from 'vitest';
import type { Row } from '../../src/engines/engine.js';
import {
  bool,
  int,
  join,
  json,
  num,
  type Param,
  render,
  type Sql,
  sql,
  str,
  strList,
  trusted,
  ts,
} from '../../src/engines/sql.js';
import { compareText } from '../../src/segments/evaluate.js';
import type { ContractContext } from './engine.contract.js';

/** Bound values of every type, hostile text, and the scalar fragments of the segment dialect. */

export const HOSTILE: readonly string[] = [
  "'",
  "''",
  '"',
  '`',
  '\\',
  "\\'",
  "a'; DROP TABLE events; --",
  '-- comment',
  '/* comment */',
  '$1',
  '$$',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the text itself is the test: a template-like string.
  '${x}',
  '{p1:String}',
  '?',
  ':name',
  '%s',
  '%_',
  'é ñ ß',
  '日本語',
  '😀',
  '👩‍👩‍👧',
  '\u202e right-to-left',
  'zero\u200bwidth',
  'trailing bom\ufeff',
  '\t\n\r',
  '',
  ' ',
  'NULL',
  '\\N',
  'true',
  '1e400',
  '{"a":1}',
  'Σ İ',
  '\u0001\u001f\u007f',
];

/** `SELECT p0 AS v0, p1 AS v1, …`: one round trip for many values. */
async function roundTrip(context: ContractContext, params: readonly Param[]): Promise<Row> {
  const columns = params.map((param, i) => sql`${param} AS ${trusted(`v${i}`)}`);
  const [row] = await context.engine().query(sql`SELECT ${join(columns)}`);
  return row ?? {};
}

const asRow = (values: readonly unknown[]): Row => Object.fromEntries(values.map((value, i) => [`v${i}`, value]));

export function registerValueTests(context: ContractContext): void {
  const { engine, test } = context;

  test('params round-trip: hostile strings', async () => {
    expect(
      await roundTrip(
        context,
        HOSTILE.map((s) => str(s)),
      ),
    ).toEqual(asRow(HOSTILE));
  });

  test('params round-trip: NUL inside a string', async () => {
    const values = ['a\u0000b', '\u0000'];
    expect(
      await roundTrip(
        context,
        values.map((s) => str(s)),
      ),
    ).toEqual(asRow(values));
  });

  test('params round-trip: a leading U+FEFF', async () => {
    expect(await roundTrip(context, [str('\ufeffbom')])).toEqual({ v0: '\ufeffbom' });
  });

  test('params round-trip: numbers, integers, booleans, timestamps, lists, nulls', async () => {
    const dates = [
      new Date('1970-01-01T00:00:00.000Z'),
      new Date('2024-02-29T23:59:59.999Z'),
      new Date('1901-01-01T00:00:00.001Z'),
    ];
    const lists = [['a', "b'", '', '😀', '\\'], []];
    const params = [
      ...[0.1, -2.5, 1.5e300, 5e-324, 2 ** 53 + 2].map((n) => num(n)),
      ...[0, -9007199254740991, 9007199254740991].map((n) => int(n)),
      bool(true),
      bool(false),
      ...dates.map((d) => ts(d)),
      ...lists.map((l) => strList(l)),
      str(null),
      num(null),
      int(null),
      bool(null),
      ts(null),
    ];
    expect(await roundTrip(context, params)).toEqual(
      asRow([
        0.1,
        -2.5,
        1.5e300,
        5e-324,
        2 ** 53 + 2,
        0,
        -9007199254740991,
        9007199254740991,
        true,
        false,
        ...dates,
        ...lists,
        null,
        null,
        null,
        null,
        null,
      ]),
    );
  });

  test('params round-trip: JSON under a JSON column name', async () => {
    const value = { a: [1, null, { b: HOSTILE.join('') }], n: 2.5, t: true };
    const rows = await engine().query(sql`SELECT ${json(value)} AS properties, ${json(null)} AS traits`);
    expect(rows).toEqual([{ properties: value, traits: null }]);
  });

  test('JSON keeps its type under any column name', async () => {
    expect(await engine().query(sql`SELECT ${json({ a: 1 })} AS v`)).toEqual([{ v: { a: 1 } }]);
  });

  test('hostile values never change the SQL text', async () => {
    const shape = (value: string) =>
      render(
        sql`SELECT ${str(value)} AS v WHERE ${str(value)} IN (${str(value)}) AND ${json({ [value]: value })} <> ''`,
        engine().dialect,
      );
    const texts = new Set(HOSTILE.map((value) => shape(value).text));
    expect([...texts]).toEqual([shape('plain').text]);
    for (const value of HOSTILE) expect(shape(value).params.map((p) => p.value)).toContain(value);
  });

  test('boolean expressions come back as booleans', async () => {
    expect(await engine().query(sql`SELECT 1 < 2 AS yes, 2 < 1 AS no`)).toEqual([{ yes: true, no: false }]);
  });

  test('text compares by code point', async () => {
    const pairs: [string, string][] = [
      ['a', 'b'],
      ['Z', 'a'],
      ['é', 'z'],
      ['😀', '\uffff'],
      ['ab', 'a'],
      ['', 'a'],
      ['ß', 'ss'],
    ];
    const columns = pairs.map(
      ([a, b], i) => sql`CASE WHEN ${str(a)} < ${str(b)} THEN 1 ELSE 0 END AS ${trusted(`v${i}`)}`,
    );
    const [row] = await engine().query(sql`SELECT ${join(columns)}`);
    expect(row).toEqual(asRow(pairs.map(([a, b]) => (compareText(a, b) < 0 ? 1 : 0))));
  });

  test('epochMs and addMs', async () => {
    const d = engine().dialect;
    const at = new Date('2024-05-01T10:00:00.123Z');
    const shifted = (ms: number): Sql => d.epochMs(d.addMs(sql`${ts(at)}`, ms));
    const [row] = await engine().query(
      sql`SELECT ${d.epochMs(sql`${ts(at)}`)} AS v0, ${shifted(172_800_000)} AS v1, ${shifted(-1)} AS v2`,
    );
    expect(row).toEqual(asRow([at.getTime(), at.getTime() + 172_800_000, at.getTime() - 1]));
  });

  test('timestamp params far from today: exact, and ordered', async () => {
    // Window bounds reach far: `last: 999999w` starts in the year -17141. Years beyond 0–9999 and 1900–2299 included.
    const times = [
      -540_000_000_000_000, -62_135_596_800_000, -5_364_662_400_000, 0, 10_413_792_000_000, 253_402_300_799_999,
    ];
    const d = engine().dialect;
    const columns = times.flatMap((ms, i) => {
      const next = times[i + 1] ?? ms;
      return [
        sql`${d.epochMs(sql`${ts(new Date(ms))}`)} AS ${trusted(`v${2 * i}`)}`,
        sql`CASE WHEN ${ts(new Date(ms))} < ${ts(new Date(next))} THEN 1 ELSE 0 END AS ${trusted(`v${2 * i + 1}`)}`,
      ];
    });
    const [row] = await engine().query(sql`SELECT ${join(columns)}`);
    expect(row).toEqual(asRow(times.flatMap((ms, i) => [ms, i < times.length - 1 ? 1 : 0])));
  });
}
