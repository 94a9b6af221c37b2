import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/engines/engine.js';
import { sql, str } from '../../../src/engines/sql.js';
import { memoryEngine } from '../../helpers.js';
import { scratch } from './files.js';

/** The import methods of the dialect, run on the real engine: what the import code relies on. */

let engine: Engine;
beforeAll(async () => {
  engine = await memoryEngine();
});
afterAll(async () => {
  await engine.close();
});
const write = scratch();
/** A bound text value as a fragment. */
const text = (value: string) => sql`${str(value)}`;
const one = async (expression: ReturnType<typeof sql>) =>
  (await engine.query(sql`SELECT ${expression} AS v`))[0]?.['v'];

describe('import dialect', () => {
  it('reads lines in file order with their numbers, blank lines kept, CRLF and gzip handled', async () => {
    const file = write('lines.txt.gz', ' a b\r\n\r\n"quoted, text\r\nlast');
    const rows = await engine.query(sql`SELECT line_no, line FROM ${engine.dialect.readLines(file)} ORDER BY line_no`);
    expect(rows.map((r) => [r['line_no'], r['line'] ?? ''])).toEqual([
      [1, ' a b'],
      [2, ''],
      [3, '"quoted, text'],
      [4, 'last'],
    ]);
  });

  it('splits fields at whitespace and commas, ignoring the ends', async () => {
    expect(await one(engine.dialect.splitFields(text(' 00004 0001\t19970101  2   29.33 ')))).toEqual([
      '00004',
      '0001',
      '19970101',
      '2',
      '29.33',
    ]);
    expect(await one(engine.dialect.splitFields(text('4,1,19970101,2,29.33')))).toHaveLength(5);
  });

  it('reads timestamps from text (offsets honoured), epoch numbers and formats, null when unreadable', async () => {
    const { dialect } = engine;
    const iso = async (value: unknown) => (value instanceof Date ? value.toISOString() : value);
    expect(await iso(await one(dialect.toTimestamp(text('2024-05-01T12:00:00+02:00'), 'text')))).toBe(
      '2024-05-01T10:00:00.000Z',
    );
    expect(await iso(await one(dialect.toTimestamp(text('2024-05-01'), 'text')))).toBe('2024-05-01T00:00:00.000Z');
    expect(await one(dialect.toTimestamp(text('yesterday'), 'text'))).toBeNull();
    expect(await iso(await one(dialect.toTimestamp(sql`1714557600`, 'number')))).toBe('2024-05-01T10:00:00.000Z');
    expect(await iso(await one(dialect.toTimestamp(sql`1714557600123`, 'number')))).toBe('2024-05-01T10:00:00.123Z');
    expect(await one(dialect.toTimestamp(sql`1e30`, 'number'))).toBeNull();
    expect(await iso(await one(dialect.parseTimestamp(text('12/1/2010 8:26'), '%m/%d/%Y %H:%M')))).toBe(
      '2010-12-01T08:26:00.000Z',
    );
    expect(await one(dialect.parseTimestamp(text('19971345'), '%Y%m%d'))).toBeNull();
  });

  it('classifies described column types', () => {
    const { dialect } = engine;
    expect(
      ['VARCHAR', 'BIGINT', 'DECIMAL(18,3)', 'DOUBLE', 'DATE', 'TIMESTAMP WITH TIME ZONE', 'BOOLEAN', 'TIME'].map((t) =>
        dialect.valueKind(t),
      ),
    ).toEqual(['text', 'number', 'number', 'number', 'timestamp', 'timestamp', 'boolean', 'other']);
  });

  it('hashes text to stable lowercase hex MD5', async () => {
    expect(await one(engine.dialect.md5Hex(text('abc')))).toBe('900150983cd24fb0d6963f7d28e17f72');
  });

  it('describes the columns of a CSV with hostile names, and sniffs its header', async () => {
    const file = write('cols.csv', '"a""b -- c",ünï,x\n1,2,3\n');
    const columns = await engine.query(engine.dialect.describe(sql`SELECT * FROM ${engine.dialect.readCsv(file)}`));
    expect(columns.map((c) => c['name'])).toEqual(['a"b -- c', 'ünï', 'x']);
    const [sniffed] = await engine.query(engine.dialect.sniffCsv(file));
    expect(sniffed).toEqual({ has_header: true, skip_rows: 0 });
  });
});
