import { expect } from 'vitest';
import { bool, int, join, json, num, type Param, type Sql, sql, str } from '../../src/engines/sql.js';
import type { ContractContext } from './engine.contract.js';

/**
 * The JSON-building fragments writers use to patch JSON columns in place (`JsonWriteDialect`): a value as JSON in the
 * engine's normal form, a member read back in that form, an object aggregated from rows, and a merge patch. Results
 * are selected as `traits` (a JSON column name), which both engines read back parsed. Hostile text travels as values.
 */

const HOSTILE = `it's "x" \\ a/b -- $1 {p1:String} 😀 é\n\u0001`;

/** Values `toJson` must write in the form `jsonValue` reads from a document written by `JSON.stringify`. */
const VALUES: readonly (readonly [string, Param, unknown])[] = [
  ['text', str(HOSTILE), HOSTILE],
  ['empty text', str(''), ''],
  ['integer', int(42), 42],
  ['negative integer', int(-7), -7],
  ['fraction', num(2.5), 2.5],
  ['long fraction', num(0.1 + 0.2), 0.1 + 0.2],
  ['small', num(1.5e-7), 1.5e-7],
  ['boolean', bool(true), true],
];

const same = (a: Sql, b: Sql): Sql => sql`CASE WHEN ${a} IS NOT DISTINCT FROM ${b} THEN 'same' ELSE 'different' END`;

export function registerJsonWriteTests({ engine, test }: ContractContext): void {
  test('toJson writes a value in the form jsonValue reads it from a document', async () => {
    const e = engine();
    const d = e.dialect;
    for (const [name, param, value] of VALUES) {
      const doc = json({ [HOSTILE]: value, other: 1 });
      const [row] = await e.query(
        sql`SELECT ${d.toJson(param)} AS traits, ${same(d.toJson(param), d.jsonValue(doc, [HOSTILE]))} AS compared`,
      );
      expect({ name, ...row }).toEqual({ name, traits: value, compared: 'same' });
    }
  });

  test('toJson keeps NULL; jsonValue is NULL for a missing key and JSON null for a null member', async () => {
    const e = engine();
    const d = e.dialect;
    const doc = json({ gone: null, here: 'x' });
    const isNull = (value: Sql) => sql`CASE WHEN ${value} IS NULL THEN 'NULL' ELSE 'value' END`;
    const [row] = await e.query(
      sql`SELECT ${isNull(d.toJson(str(null)))} AS to_json, ${isNull(d.jsonValue(doc, ['missing']))} AS missing,
            ${isNull(d.jsonValue(doc, ['gone']))} AS gone, ${same(d.jsonValue(doc, ['here']), d.toJson(str('x')))} AS here`,
    );
    expect(row).toEqual({ to_json: 'NULL', missing: 'NULL', gone: 'value', here: 'same' });
  });

  test('jsonObjectAgg builds one object per group, NULL values as JSON null', async () => {
    const e = engine();
    const d = e.dialect;
    const rows = [
      ['u1', HOSTILE, d.toJson(str('v'))],
      ['u1', 'n', d.toJson(num(1.25))],
      ['u1', 'none', sql`NULL`],
      ['u2', 'n', d.toJson(int(3))],
    ] as const;
    const source = join(
      rows.map(([group, key, value]) => sql`SELECT ${str(group)} AS g, ${str(key)} AS k, ${value} AS v`),
      ' UNION ALL ',
    );
    const result = await e.query(
      sql`SELECT g, ${d.jsonObjectAgg(sql`k`, sql`v`)} AS traits FROM (${source}) s GROUP BY g ORDER BY g`,
    );
    expect(result).toEqual([
      { g: 'u1', traits: { [HOSTILE]: 'v', n: 1.25, none: null } },
      { g: 'u2', traits: { n: 3 } },
    ]);
  });

  test('jsonMergePatch replaces and removes members, keeps the rest in order, new members last', async () => {
    const e = engine();
    const d = e.dialect;
    const doc = json({ a: 1, [HOSTILE]: 'old', c: [1, { x: null }], d: { e: 1 }, wide: 1e20, b: 'x' });
    const patch = json({ b: 'y', a: null, [HOSTILE]: 'new', f: 2.5, g: [3], absent: null });
    const [row] = await e.query(sql`SELECT ${d.jsonMergePatch(doc, patch)} AS traits`);
    const merged = row?.['traits'] as Record<string, unknown>;
    expect(merged).toEqual({ c: [1, { x: null }], d: { e: 1 }, wide: 1e20, b: 'y', [HOSTILE]: 'new', f: 2.5, g: [3] });
    expect(Object.keys(merged)).toEqual(['c', 'd', 'wide', 'b', HOSTILE, 'f', 'g']);
  });

  test('jsonMergePatch applies a patch aggregated by jsonObjectAgg, per row of a table', async () => {
    const e = engine();
    const d = e.dialect;
    const docs = join(
      [
        sql`SELECT 'u1' AS id, ${json({ plan: 'pro', score: 1 })} AS doc`,
        sql`SELECT 'u2' AS id, ${json({ plan: 'free' })} AS doc`,
      ],
      ' UNION ALL ',
    );
    const changes = join(
      [
        sql`SELECT 'u1' AS id, 'score' AS k, ${d.toJson(str(null))} AS v`,
        sql`SELECT 'u1' AS id, 'tier' AS k, ${d.toJson(str('A'))} AS v`,
        sql`SELECT 'u2' AS id, 'score' AS k, ${d.toJson(int(5))} AS v`,
      ],
      ' UNION ALL ',
    );
    const result = await e.query(
      sql`SELECT t.id AS id, ${d.jsonMergePatch(sql`t.doc`, sql`c.patch`)} AS traits
          FROM (${docs}) t JOIN (SELECT id, ${d.jsonObjectAgg(sql`k`, sql`v`)} AS patch FROM (${changes}) x GROUP BY id) c
          ON c.id = t.id ORDER BY t.id`,
    );
    expect(result).toEqual([
      { id: 'u1', traits: { plan: 'pro', tier: 'A' } },
      { id: 'u2', traits: { plan: 'free', score: 5 } },
    ]);
  });
}
