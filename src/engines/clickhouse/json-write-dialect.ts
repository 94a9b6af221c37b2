import type { JsonWriteDialect } from '../json-write-dialect.js';
import { type Param, type Sql, sql } from '../sql.js';
import { bindOnce, jsonCall, jsonTarget, readableJson } from './json-path.js';

/**
 * JSON text in ClickHouse's normal form: what `JSONExtractRaw` writes (shortest doubles, `1.0` as `1`, strings with
 * only the escapes JSON needs). `toJSONString` differs from it (`/` is written `\/`), so a value it wrote would never
 * compare equal to the same value read from a document.
 */
const normalForm = (text: Sql): Sql =>
  sql`JSONExtractRaw(${readableJson(sql`concat('[', ${text}, ']')`, '_strata_nf')}, 1)`;

/**
 * ClickHouse has `jsonMergePatch`, but a JSON `null` in the patch does not remove the key there (it is kept as
 * `null`: checked on 26.7), and it re-serialises every value through rapidjson. So members are merged here as arrays
 * of (key, raw value) pairs. JSON is text, read with `readableJson` first: simdjson rejects a whole document holding
 * an integer beyond 64 bits, which would drop every trait of the profile.
 */
export const clickhouseJsonWriteDialect: JsonWriteDialect = {
  toJson(value: Sql | Param): Sql {
    return sql`if(isNull(${value}), NULL, ${normalForm(sql`toJSONString(${value})`)})`;
  },
  jsonValue(column: Sql | Param, path: readonly string[]): Sql {
    // JSONExtractRaw gives '' for a missing key: JSONHas tells missing from present.
    const target = jsonTarget(sql`${column}`, path);
    return sql`if(${jsonCall('JSONHas', target)}, ${jsonCall('JSONExtractRaw', target)}, NULL)`;
  },
  jsonObjectAgg(key: Sql, value: Sql): Sql {
    const member = sql`concat(toJSONString(${key}), ':', ifNull(${value}, 'null'))`;
    return sql`concat('{', arrayStringConcat(groupArray(${member}), ','), '}')`;
  },
  jsonMergePatch(doc: Sql | Param, patch: Sql | Param): Sql {
    const members = (text: Sql | Param, name: string) =>
      sql`JSONExtractKeysAndValuesRaw(${readableJson(sql`${text}`, name)})`;
    const kept = sql`arrayFilter(_strata_m -> NOT has(arrayMap(_strata_p -> _strata_p.1, _strata_patch), _strata_m.1),
      ${members(doc, '_strata_doc')})`;
    const added = sql`arrayFilter(_strata_p -> _strata_p.2 != 'null', _strata_patch)`;
    const merged = sql`concat('{', arrayStringConcat(arrayMap(_strata_m -> concat(toJSONString(_strata_m.1), ':', _strata_m.2),
      arrayConcat(${kept}, ${added})), ','), '}')`;
    return bindOnce('_strata_patch', members(patch, '_strata_patch_text'), merged);
  },
};
