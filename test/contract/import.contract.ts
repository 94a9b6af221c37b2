import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect } from 'vitest';
import { type Sql, sql, str } from '../../src/engines/sql.js';
import type { ContractContext } from './engine.contract.js';

/** The bulk-import part of the dialect: files as relations (read by the engine itself) and value conversions. */

let dir: string | undefined;

/** Writes a file for the engine to read; the engine runs in this process, or on this machine. */
function file(name: string, content: string | Buffer): string {
  dir ??= mkdtempSync(joinPath(tmpdir(), 'strata-contract-'));
  const path = joinPath(dir, name);
  writeFileSync(path, content);
  return path;
}

export const IMPORT_TESTS = [
  'import: readLines numbers lines in file order, blank lines and CRLF included, .gz too',
  'import: readCsv with a sniffed header, types detected, dates left as text',
  'import: readJsonLines',
  'import: value conversions',
  'import: jsonObject and jsonArrayAgg build JSON from scalars',
  'import: readCsv with column types given, tab-separated files, a one-line file of text is a header',
  'import: toText keeps NULL, jsonObject embeds a JSON value',
] as const;

export function registerImportTests({ engine, test }: ContractContext): void {
  const [lines, csv, jsonl, values, jsonBuild, csvTypes, textAndJson] = IMPORT_TESTS;

  test(lines, async () => {
    const text = 'first\r\n\r\nthird, with a comma\n"quoted"\n';
    for (const path of [file('lines.txt', text), file('lines.txt.gz', gzipSync(text))]) {
      const rows = await engine().query(
        sql`SELECT line_no, line FROM ${engine().dialect.readLines(path)} ORDER BY line_no`,
      );
      expect(rows.map((r) => [r['line_no'], r['line'] ?? ''])).toEqual([
        [1, 'first'],
        [2, ''],
        [3, 'third, with a comma'],
        [4, '"quoted"'],
      ]);
    }
  });

  test(csv, async () => {
    const d = engine().dialect;
    const path = file('a.csv', 'name,amount,when\nann,1.5,2024-05-01T10:00:00Z\nbob,2,12/1/2010 8:26\n');
    const [sniffed] = await engine().query(d.sniffCsv(path));
    expect(sniffed?.['has_header']).toBe(true);
    const relation = d.readCsv(path, { header: true });
    const columns = await engine().query(d.describe(sql`SELECT * FROM ${relation}`));
    expect(columns.map((c) => [c['name'], d.valueKind(String(c['type']))])).toEqual([
      ['name', 'text'],
      ['amount', 'number'],
      ['when', 'text'],
    ]);
    const rows = await engine().query(sql`SELECT * FROM ${relation} AS r ORDER BY name`);
    expect(rows).toEqual([
      { name: 'ann', amount: 1.5, when: '2024-05-01T10:00:00Z' },
      { name: 'bob', amount: 2, when: '12/1/2010 8:26' },
    ]);
  });

  test(jsonl, async () => {
    const path = file('a.jsonl', '{"a": 1, "b": "x"}\n{"a": 2, "b": "y\'z"}\n');
    const rows = await engine().query(sql`SELECT a, b FROM ${engine().dialect.readJsonLines(path)} AS r ORDER BY a`);
    expect(rows).toEqual([
      { a: 1, b: 'x' },
      { a: 2, b: "y'z" },
    ]);
  });

  test(values, async () => {
    const d = engine().dialect;
    const text = (value: string): Sql => sql`${str(value)}`;
    const [row] = await engine().query(
      sql`SELECT ${d.toTimestamp(text('2024-05-01T10:00:00+02:00'), 'text')} AS v0,
                 ${d.toTimestamp(text('2024-05-01'), 'text')} AS v1,
                 ${d.toTimestamp(text('junk'), 'text')} AS v2,
                 ${d.toTimestamp(sql`1714557600`, 'number')} AS v3,
                 ${d.toTimestamp(sql`1714557600123`, 'number')} AS v4,
                 ${d.parseTimestamp(text('12/1/2010 8:26'), '%m/%d/%Y %H:%M')} AS v5,
                 ${d.parseTimestamp(text('nope'), '%m/%d/%Y %H:%M')} AS v6,
                 ${d.toNumber(text('1.5'))} AS v7,
                 ${d.toNumber(text('x'))} AS v8,
                 ${d.md5Hex(text('abc'))} AS v9,
                 ${d.splitFields(text(' , a b,,c  '))} AS v10`,
    );
    expect(row).toEqual({
      v0: new Date('2024-05-01T08:00:00Z'),
      v1: new Date('2024-05-01T00:00:00Z'),
      v2: null,
      v3: new Date('2024-05-01T10:00:00Z'),
      v4: new Date('2024-05-01T10:00:00.123Z'),
      v5: new Date('2010-12-01T08:26:00Z'),
      v6: null,
      v7: 1.5,
      v8: null,
      v9: '900150983cd24fb0d6963f7d28e17f72',
      v10: ['a', 'b', 'c'],
    });
  });

  test(jsonBuild, async () => {
    const d = engine().dialect;
    const item = d.jsonObject([
      ['n', sql`n`],
      ['key "q"', sql`${str("it's")}`],
    ]);
    const rows = await engine().query(
      sql`SELECT ${d.jsonArrayAgg(item, sql`n`)} AS properties
          FROM (SELECT 3 AS n UNION ALL SELECT 1 AS n UNION ALL SELECT 2 AS n) AS t`,
    );
    expect(rows).toEqual([
      {
        properties: [
          { n: 1, 'key "q"': "it's" },
          { n: 2, 'key "q"': "it's" },
          { n: 3, 'key "q"': "it's" },
        ],
      },
    ]);
  });

  test(csvTypes, async () => {
    const d = engine().dialect;
    const path = file('ids.tsv', 'id\tn -- "x"\tname\n00042\t1.5\tSigned Up\n007\t\t\n');
    const [sniffed] = await engine().query(d.sniffCsv(path));
    expect(sniffed?.['has_header']).toBe(true);
    const detected = await engine().query(d.describe(sql`SELECT * FROM ${d.readCsv(path, { header: true })}`));
    const names = detected.map((c) => String(c['name']));
    expect(names).toEqual(['id', 'n -- "x"', 'name']);
    expect(d.valueKind(String(detected[1]?.['type']))).toBe('number');
    const types = detected.map((c, i) => (i === 0 ? d.textType : String(c['type'])));
    const relation = d.readCsv(path, { header: true, types, names });
    const rows = await engine().query(sql`SELECT * FROM ${relation} AS r ORDER BY id`);
    expect(rows).toEqual([
      { id: '00042', 'n -- "x"': 1.5, name: 'Signed Up' },
      { id: '007', 'n -- "x"': null, name: null },
    ]);
    const [headerOnly] = await engine().query(d.sniffCsv(file('header.csv', 'user_id,event,when\n')));
    const [oneRow] = await engine().query(d.sniffCsv(file('one.csv', 'u1,A,2\n')));
    expect([headerOnly?.['has_header'], oneRow?.['has_header']]).toEqual([true, false]);
  });

  test(textAndJson, async () => {
    const d = engine().dialect;
    const [text] = await engine().query(
      sql`SELECT ${d.toText(sql`n`)} AS a, ${d.toText(sql`m`)} AS b
          FROM (SELECT 7 AS n, CASE WHEN 1 = 0 THEN 1 END AS m) AS t`,
    );
    expect(text).toEqual({ a: '7', b: null });
    const [json] = await engine().query(
      sql`SELECT ${d.jsonObject([
        ['list', sql`list`, 'json'],
        ['text', sql`${str('[1]')}`],
      ])} AS properties
          FROM (SELECT ${d.jsonArrayAgg(d.jsonObject([['n', sql`n`]]), sql`n`)} AS list
                FROM (SELECT 7 AS n UNION ALL SELECT 3 AS n) AS t) AS agg`,
    );
    expect(json).toEqual({ properties: { list: [{ n: 3 }, { n: 7 }], text: '[1]' } });
  });
}
