import { beforeAll, describe, expect, it } from 'vitest';
import { json as jsonParam, type Sql, sql, str } from '../../src/engines/sql.js';
import { loadFixture, onEachEngine, resetData } from './harness.js';

/**
 * The contract of the JSON fragments for documents whose keys are not known in advance (`jsonKeysUnnested`,
 * `jsonTypeName`, `jsonMemberTypeName`): both engines must give the same answer for every JSON type, JSON null vs a
 * missing key, nested paths, awkward keys, the empty object and documents that are not objects.
 */

const HOSTILE_KEY = "'; DROP TABLE events; --";
const DOC = {
  s: 'text',
  i: 42,
  f: -1.5,
  // JSON.stringify writes 1e20 as a 21-digit integer, which ClickHouse's parser rejects unless rewritten.
  big: 1e20,
  t: true,
  no: false,
  o: { a: { b: 'deep' } },
  arr: [1, 'x', null],
  n: null,
  'a.b': 1,
  'it\'s "quoted"': 2,
  'ü🙂': 3,
  'x/y~z': 4,
  '': 5,
  [HOSTILE_KEY]: 6,
  wide: '123456789012345678901',
};

/** Every key of DOC with the type `jsonTypeName` / `jsonMemberTypeName` must name. */
const MEMBER_TYPES: Record<string, string> = {
  s: 'string',
  i: 'number',
  f: 'number',
  big: 'number',
  t: 'boolean',
  no: 'boolean',
  o: 'object',
  arr: 'array',
  n: 'null',
  'a.b': 'number',
  'it\'s "quoted"': 'number',
  'ü🙂': 'number',
  'x/y~z': 'number',
  '': 'number',
  [HOSTILE_KEY]: 'number',
  wide: 'string',
};

/** Paths below the top level: nested objects, array elements, and paths that lead nowhere. */
const NESTED: readonly (readonly [readonly string[], string | null])[] = [
  [[], 'object'],
  [['o', 'a'], 'object'],
  [['o', 'a', 'b'], 'string'],
  [['o', 'missing'], null],
  [['arr', '0'], 'number'],
  [['arr', '1'], 'string'],
  [['arr', '2'], 'null'],
  [['arr', '3'], null],
  // Through a scalar: nothing there.
  [['s', 'x'], null],
  // `a.b` is one key, not a path.
  [['a', 'b'], null],
  [['missing'], null],
];

/** Documents that are not objects have no keys and no members; `jsonTypeName` still names the root. */
const NOT_OBJECTS: readonly (readonly [string, unknown, string | null])[] = [
  ['empty object', {}, 'object'],
  ['array', [1, 2], 'array'],
  ['empty array', [], 'array'],
  ['number', 5, 'number'],
  ['string', 'text', 'string'],
  ['boolean', true, 'boolean'],
  ['JSON null', null, 'null'],
  ['SQL NULL', undefined, null],
];

/** A document (or text) as a bound parameter, in a fragment. */
const json = (value: unknown): Sql => sql`${jsonParam(value)}`;
const text = (value: string): Sql => sql`${str(value)}`;

onEachEngine((engine) => {
  const one = async (expression: Sql) => (await engine().query(sql`SELECT ${expression} AS v`))[0]?.['v'];
  const keysOf = async (doc: Sql) =>
    (await engine().query(sql`SELECT ${engine().dialect.jsonKeysUnnested(doc)} AS k`)).map((r) => String(r['k']));

  describe('jsonTypeName', () => {
    it('names every JSON type at a top-level key, and says NULL (not "null") for a missing key', async () => {
      for (const [key, type] of Object.entries(MEMBER_TYPES)) {
        expect([key, await one(engine().dialect.jsonTypeName(json(DOC), [key]))]).toEqual([key, type]);
      }
      expect(await one(engine().dialect.jsonTypeName(json(DOC), ['missing']))).toBeNull();
    });

    it('follows nested paths into objects and arrays', async () => {
      for (const [path, type] of NESTED) {
        expect([path, await one(engine().dialect.jsonTypeName(json(DOC), path))]).toEqual([path, type]);
      }
    });

    it('names the root of documents that are not objects; a path into them finds nothing but array elements', async () => {
      for (const [what, doc, root] of NOT_OBJECTS) {
        expect([what, await one(engine().dialect.jsonTypeName(json(doc), []))]).toEqual([what, root]);
        expect([what, await one(engine().dialect.jsonTypeName(json(doc), ['a']))]).toEqual([what, null]);
      }
      // The path form reads `0` as an element of an array (as segment rules do).
      expect(await one(engine().dialect.jsonTypeName(json([1, 2]), ['0']))).toBe('number');
    });
  });

  describe('jsonKeysUnnested', () => {
    it('gives one row per top-level key, awkward keys included, in the document order', async () => {
      expect(await keysOf(json(DOC))).toEqual(Object.keys(DOC));
    });

    it('gives no row for the empty object, documents that are not objects, and SQL NULL', async () => {
      for (const [what, doc] of NOT_OBJECTS) expect([what, await keysOf(json(doc))]).toEqual([what, []]);
    });

    it('keeps a repeated key twice (never written by Strata, pinned so both engines agree)', async () => {
      expect(await keysOf(text('{"a":1,"a":"x"}'))).toEqual(['a', 'a']);
    });
  });

  describe('jsonMemberTypeName', () => {
    it('names the type at each unnested key, awkward keys included', async () => {
      const d = engine().dialect;
      const rows = await engine().query(
        sql`SELECT k, ${d.jsonMemberTypeName(sql`doc`, sql`k`)} AS t
            FROM (SELECT doc, ${d.jsonKeysUnnested(sql`doc`)} AS k FROM (SELECT ${json(DOC)} AS doc) one_doc) keyed`,
      );
      expect(Object.fromEntries(rows.map((r) => [String(r['k']), r['t']]))).toEqual(MEMBER_TYPES);
    });

    it('is NULL for a missing key and for documents that are not objects, even a key like an index', async () => {
      const d = engine().dialect;
      expect(await one(d.jsonMemberTypeName(json(DOC), text('missing')))).toBeNull();
      for (const [what, doc] of NOT_OBJECTS) {
        expect([what, await one(d.jsonMemberTypeName(json(doc), text('0')))]).toEqual([what, null]);
      }
      expect(await one(d.jsonMemberTypeName(json({ '0': 'x' }), text('0')))).toBe('string');
    });

    describe('over a stored column, grouped', () => {
      beforeAll(async () => {
        await resetData(engine());
        await loadFixture(engine(), 'json', {
          profiles: [{ id: 'u' }],
          events: [
            { user: 'u', name: 'E', at: '2024-01-01T00:00:00Z', properties: { [HOSTILE_KEY]: 'a', 'ü🙂': 1 } },
            { user: 'u', name: 'E', at: '2024-01-02T00:00:00Z', properties: { [HOSTILE_KEY]: 2, big: 1e20 } },
            { user: 'u', name: 'E', at: '2024-01-03T00:00:00Z', properties: {} },
          ],
        });
        // Another workspace's keys must not show.
        await loadFixture(engine(), 'other', {
          profiles: [],
          events: [{ user: 'u', name: 'E', at: '2024-01-01T00:00:00Z', properties: { elsewhere: 1 } }],
        });
      });

      it('counts each (key, type) once per event', async () => {
        const d = engine().dialect;
        const rows = await engine().query(
          sql`SELECT k, t, count(*) AS n FROM (
                SELECT k, ${d.jsonMemberTypeName(sql`properties`, sql`k`)} AS t FROM (
                  SELECT properties, ${d.jsonKeysUnnested(sql`properties`)} AS k FROM events
                  WHERE workspace = ${str('json')}) keyed) typed
              GROUP BY k, t ORDER BY k, t`,
        );
        // The hostile key is a string once and a number once; the empty object adds nothing.
        expect(rows.map((r) => [r['k'], r['t'], r['n']]).sort()).toEqual(
          [
            [HOSTILE_KEY, 'number', 1],
            [HOSTILE_KEY, 'string', 1],
            ['big', 'number', 1],
            ['ü🙂', 'number', 1],
          ].sort(),
        );
      });
    });
  });
});
