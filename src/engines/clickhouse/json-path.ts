import { int, join, type Sql, sql, str, trusted } from '../sql.js';

/**
 * Key paths into JSON text for ClickHouse's `JSONExtract*` family. Keys are bound parameters, so a key never becomes
 * SQL text. Those functions read an integer argument as a 1-based array index (or the n-th member of an object!) and
 * a string argument as an object key; a path segment such as `0` in `products.0.price` must mean "element 0" on an
 * array and "member named 0" on an object, as `lookup` in `segments/evaluate.ts` does. So a numeric segment is
 * resolved at run time: the value reached so far is taken as raw JSON and indexed one way or the other by its type.
 */

/** Where a JSON function reads: a document (JSON text) and the keys into it. */
export interface JsonTarget {
  readonly doc: Sql;
  readonly keys: readonly Sql[];
}

/** The same pattern `lookup` uses for an array index: canonical non-negative integers only. */
const ARRAY_INDEX = /^(0|[1-9][0-9]*)$/;

/**
 * Binds `value` to a lambda variable and evaluates `body` once: `arrayMap(name -> body, [value])[1]`. ClickHouse has
 * no `LET` inside an expression; this keeps a long sub-expression from being written out several times.
 */
export function bindOnce(name: string, value: Sql, body: Sql): Sql {
  return sql`arrayElement(arrayMap(${trusted(name)} -> ${body}, [${value}]), 1)`;
}

/** A ClickHouse string literal of text the program wrote (a pattern); user text is always a bound parameter. */
const literal = (text: string): Sql => trusted(`'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`);

/** JSON string literals, and the runs of text between them. */
const JSON_TOKENS = literal('"(?:[^"\\\\]|\\\\.)*"|[^"]+');
/** An integer of 19 digits or more where a JSON value starts, and what follows it (`\\2.0` makes it a double). */
const WIDE_INTEGER = literal('(^|[:,\\[\\s])(-?[0-9]{19,})([,\\]}\\s]|$)');

/**
 * The document (or value) with its integers of 19 digits or more written as doubles (`…0` becomes `…0.0`), when it
 * has any. The `JSONExtract*` family parses with simdjson, which rejects a whole document holding an integer outside
 * Int64/UInt64, so every key of it would read as missing; `JSON.parse` reads such an integer as a double. Stored JSON
 * holds them (`JSON.stringify(1e20)` is `100000000000000000000`), and `JSONExtractRaw` writes one for every double
 * of 2^64 or more. String literals are left alone. Two passes, because a match takes the comma the next integer of a
 * list starts with. (Setting `allow_simdjson = 0` is no fix: rapidjson misreads ordinary doubles.)
 */
export function readableJson(value: Sql, name: string): Sql {
  const doc = trusted(`${name}_d`);
  const token = trusted(`${name}_t`);
  const pass = (text: Sql) => sql`replaceRegexpAll(${text}, ${WIDE_INTEGER}, ${literal('\\1\\2.0\\3')})`;
  const rewritten = sql`arrayStringConcat(arrayMap(${token} -> if(startsWith(${token}, '"'), ${token}, ${pass(pass(token))}),
    extractAll(${doc}, ${JSON_TOKENS})))`;
  return bindOnce(`${name}_d`, value, sql`if(match(${doc}, ${literal('[0-9]{19}')}), ${rewritten}, ${doc})`);
}

/** A call such as `JSONType(doc, k1, k2)`, or `JSONType(doc)` when the path is empty. */
export function jsonCall(fn: string, target: JsonTarget, ...extra: readonly Sql[]): Sql {
  return sql`${trusted(fn)}(${join([target.doc, ...target.keys, ...extra])})`;
}

/** Resolves a key path into a document and the keys left to apply (see the module comment for array indexes). */
export function jsonTarget(column: Sql, path: readonly string[]): JsonTarget {
  let doc = readableJson(column, '_strata_json');
  let keys: Sql[] = [];
  path.forEach((key, depth) => {
    const position = Number(key) + 1;
    if (!ARRAY_INDEX.test(key) || !Number.isSafeInteger(position)) {
      keys.push(sql`${str(key)}`);
      return;
    }
    // A distinct variable per depth: nested lambdas must not shadow each other's names.
    const name = `_strata_json_${depth}`;
    const r = trusted(name);
    // Raw values are re-serialised by ClickHouse, wide doubles as integers: readable again before parsing.
    const raw = keys.length === 0 ? doc : readableJson(jsonCall('JSONExtractRaw', { doc, keys }), `${name}_raw`);
    const element = bindOnce(
      name,
      raw,
      sql`if(JSONType(${r}) = 'Array', JSONExtractRaw(${r}, ${int(position)}), JSONExtractRaw(${r}, ${str(key)}))`,
    );
    doc = readableJson(element, `${name}_element`);
    keys = [];
  });
  return { doc, keys };
}

/** The JSON type at a path: `'Null'` when missing or JSON null, else `'String'`, `'Int64'`, `'Double'`, `'Bool'`… */
export function jsonType(column: Sql, path: readonly string[]): Sql {
  return jsonCall('JSONType', jsonTarget(column, path));
}

/** The JSON types that hold a number. */
export const NUMBER_TYPES = sql`('Int64', 'UInt64', 'Double')`;
