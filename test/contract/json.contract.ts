import { expect } from 'vitest';
import type { CellValue, Engine, Row } from '../../src/engines/engine.js';
import type { AggregateFn } from '../../src/engines/segment-dialect.js';
import { join, type Sql, sql, str, trusted } from '../../src/engines/sql.js';
import { lookup, testValue } from '../../src/segments/evaluate.js';
import { foldCase } from '../../src/segments/ir/lower.js';
import type { Predicate, ValueType } from '../../src/segments/ir/nodes.js';
import { events } from '../../src/store/tables.js';
import type { ContractContext } from './engine.contract.js';
import { DOCS, keyShape, oracleScalarKey, oracleTyped, PATHS, parsedDoc, zeroSign } from './json-corpus.js';

/** The segment dialect's JSON, text and aggregate fragments against the oracle's helpers (`lookup`, `testValue`). */

const W = 'contract-json';
const id = (i: number) => `d${String(i).padStart(2, '0')}`;
const event = (w: string, messageId: string, user: string, name: string, properties: unknown): CellValue[] => [
  w,
  messageId,
  'track',
  name,
  user,
  null,
  new Date(Date.UTC(2024, 4, 1)),
  new Date(0),
  properties as CellValue,
  null,
  null,
];

const loaded = new WeakMap<Engine, Promise<void>>();

/** Stores the corpus once per engine, one event per document. */
function corpus(engine: Engine): Promise<void> {
  let done = loaded.get(engine);
  if (!done) {
    done = (async () => {
      const staging = await engine.stage(
        events,
        DOCS.map((doc, i) => event(W, id(i), 'u', 'doc', doc)),
      );
      await engine.run(sql`INSERT INTO events SELECT * FROM ${staging}`);
    })();
    loaded.set(engine, done);
  }
  return done;
}

/** One column per path: `fragment(properties, path) AS v<i>`, one row per document in corpus order. */
async function perPath(engine: Engine, fragment: (column: Sql, path: readonly string[]) => Sql): Promise<Row[]> {
  await corpus(engine);
  const columns = PATHS.map((path, i) => sql`${fragment(sql`properties`, path)} AS ${trusted(`v${i}`)}`);
  return engine.query(sql`SELECT ${join(columns)} FROM events WHERE workspace = ${str(W)} ORDER BY message_id`);
}

const expected = (read: (value: unknown) => unknown): Row[] =>
  DOCS.map((doc) => Object.fromEntries(PATHS.map((path, i) => [`v${i}`, read(lookup(parsedDoc(doc), path))])));

/** A predicate every value of the type passes (and nothing else). */
function anyValue(type: ValueType): Predicate {
  if (type === 'string') return { kind: 'text', op: 'contains', value: '', negate: false };
  if (type === 'boolean') return { kind: 'in', type, values: [true, false], negate: false };
  return {
    kind: 'range',
    type,
    low: -Infinity,
    lowInclusive: true,
    high: Infinity,
    highInclusive: true,
    negate: false,
  };
}

/** Typed values as SQL returns them; each also passes the oracle's own predicate test. */
async function checkTyped(engine: Engine, type: ValueType): Promise<void> {
  const rows = await perPath(engine, (column, path) => engine.dialect.jsonTyped(column, path, type));
  expect(rows).toEqual(expected((value) => zeroSign(oracleTyped(value, type))));
  DOCS.forEach((doc, d) => {
    PATHS.forEach((path, p) => {
      const v = rows[d]?.[`v${p}`] as number | string | boolean | null;
      const raw = lookup(parsedDoc(doc), path);
      // A value SQL reads passes the oracle's own test for exactly it; a NULL is one no test of the type accepts.
      const predicate = v === null ? anyValue(type) : ({ kind: 'in', type, values: [v], negate: false } as const);
      expect(testValue(raw, predicate), `${id(d)} ${path.join('.')}`).toBe(v !== null);
    });
  });
}

const TEXTS = ['Hello World', 'ÄÖÜ straße', 'İstanbul', 'ΟΔΟΣ οδος', '50% off_now', '', '😀 Emoji', 'MiXeD\u0000nul'];
const NEEDLES = ['hello', 'world', 'äö', 'ß', 'istanbul', 'οδοσ', 'σ', '%', '_', '', '😀', 'nul', 'x'];
const OPS = ['contains', 'starts_with', 'ends_with'] as const;

function aggregates(engine: Engine, fn: AggregateFn): Sql {
  const d = engine.dialect;
  const amount =
    fn === 'count_distinct'
      ? d.jsonScalarKey(sql`properties`, ['amount'])
      : d.jsonTyped(sql`properties`, ['amount'], 'number');
  return d.aggregateIf(fn, amount, sql`name = ${str('buy')}`);
}

export function registerJsonTests({ engine, test }: ContractContext): void {
  test('jsonTyped number', () => checkTyped(engine(), 'number'));
  test('jsonTyped string', () => checkTyped(engine(), 'string'));
  test('jsonTyped boolean', () => checkTyped(engine(), 'boolean'));
  test('jsonTyped time', () => checkTyped(engine(), 'time'));

  test('jsonPresent', async () => {
    const rows = await perPath(engine(), (column, path) => engine().dialect.jsonPresent(column, path));
    expect(rows).toEqual(expected((value) => value !== undefined));
  });

  test('jsonScalarKey groups values as the oracle does', async () => {
    const rows = await perPath(engine(), (column, path) => engine().dialect.jsonScalarKey(column, path));
    const fromSql = rows.flatMap((row) => PATHS.map((_, i) => row[`v${i}`] as string | null));
    const fromOracle = DOCS.flatMap((doc) => PATHS.map((path) => oracleScalarKey(lookup(parsedDoc(doc), path))));
    expect(keyShape(fromSql)).toEqual(keyShape(fromOracle));
  });

  test('jsonScalarKey: -0.0 and 0 are one value', async () => {
    const doc = sql`${str('{"a": 0, "b": -0.0, "c": -0, "d": 0.0}')}`;
    const keys = ['a', 'b', 'c', 'd'].map(
      (key, i) => sql`${engine().dialect.jsonScalarKey(doc, [key])} AS ${trusted(`v${i}`)}`,
    );
    const [row] = await engine().query(sql`SELECT ${join(keys)}`);
    expect(new Set(Object.values(row ?? {})).size).toBe(1);
  });

  test('jsonText and jsonNumber on scalars', async () => {
    const d = engine().dialect;
    const doc = sql`${str('{"s": "a \\"q\\" é", "i": 42, "f": -2.5, "nul": null, "o": {"k": ["x"]}}')}`;
    const [row] = await engine().query(
      sql`SELECT ${d.jsonText(doc, ['s'])} AS v0, ${d.jsonText(doc, ['i'])} AS v1, ${d.jsonText(doc, ['nul'])} AS v2,
                 ${d.jsonText(doc, ['missing'])} AS v3, ${d.jsonText(doc, ['o', 'k', '0'])} AS v4,
                 ${d.jsonNumber(doc, ['i'])} AS v5, ${d.jsonNumber(doc, ['f'])} AS v6, ${d.jsonNumber(doc, ['nul'])} AS v7,
                 ${d.jsonNumber(doc, ['missing'])} AS v8`,
    );
    expect(row).toEqual({ v0: 'a "q" é', v1: '42', v2: null, v3: null, v4: 'x', v5: 42, v6: -2.5, v7: null, v8: null });
  });

  test('textMatch folds case as foldCase and matches literally', async () => {
    const d = engine().dialect;
    for (const text of TEXTS) {
      const columns = OPS.flatMap((op) =>
        NEEDLES.map(
          (needle, i) => sql`${d.textMatch(op, sql`${str(text)}`, sql`${str(needle)}`)} AS ${trusted(`${op}_${i}`)}`,
        ),
      );
      const [row] = await engine().query(sql`SELECT ${join(columns)}`);
      const want = Object.fromEntries(
        OPS.flatMap((op) =>
          NEEDLES.map((needle, i) => [
            `${op}_${i}`,
            testValue(text, { kind: 'text', op, value: foldCase(needle), negate: false }),
          ]),
        ),
      );
      expect(row, text).toEqual(want);
    }
  });

  test('countIf and aggregateIf over empty and non-empty groups', async () => {
    const w = 'contract-aggregates';
    const rows: [string, string, unknown][] = [
      ['u1', 'buy', { amount: 10 }],
      ['u1', 'buy', { amount: 20 }],
      ['u1', 'buy', { amount: 'x' }],
      ['u1', 'buy', { amount: 10.0 }],
      ['u1', 'view', { amount: 1000 }],
      ['u2', 'buy', {}],
      ['u2', 'buy', { amount: null }],
      ['u3', 'view', { amount: 5 }],
    ];
    const staging = await engine().stage(
      events,
      rows.map(([user, name, properties], i) => event(w, `a${i}`, user, name, properties)),
    );
    await engine().run(sql`INSERT INTO events SELECT * FROM ${staging}`);
    const fns: AggregateFn[] = ['sum', 'avg', 'min', 'max', 'count_distinct'];
    const read = await engine().query(
      sql`SELECT user_id, ${engine().dialect.countIf(sql`name = ${str('buy')}`)} AS n,
                 ${join(fns.map((fn) => sql`${aggregates(engine(), fn)} AS ${trusted(fn)}`))}
          FROM events WHERE workspace = ${str(w)} GROUP BY user_id ORDER BY user_id`,
    );
    expect(read).toEqual([
      { user_id: 'u1', n: 4, sum: 40, avg: 40 / 3, min: 10, max: 20, count_distinct: 3 },
      { user_id: 'u2', n: 2, sum: null, avg: null, min: null, max: null, count_distinct: 0 },
      { user_id: 'u3', n: 0, sum: null, avg: null, min: null, max: null, count_distinct: 0 },
    ]);
  });
}
