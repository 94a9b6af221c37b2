import type { Dialect } from '../dialect.js';
import type { SegmentDialect } from '../segment-dialect.js';
import { type Param, type ParamType, type Sql, sql } from '../sql.js';
import { columnTypes, createTable } from './ddl.js';
import { clickhouseImportDialect, jsonObjectText } from './import-dialect.js';
import { type JsonTarget, jsonCall, jsonTarget, NUMBER_TYPES, readableJson } from './json-path.js';
import { clickhouseJsonWriteDialect } from './json-write-dialect.js';
import { quoteIdent } from './quote.js';
import { clickhouseSegmentDialect } from './segment-dialect.js';
import { clickhouseWriteDialect } from './write-dialect.js';

export { quoteIdent };

/**
 * Parameter types for `{pN:Type}` placeholders; JSON travels as its text, and a timestamp as epoch milliseconds
 * (`Int64`, read back with `fromUnixTimestamp64Milli`): `DateTime64` parameters are parsed from text with a
 * four-digit year, so a bound such as "999999 weeks before T" (year -17141) could not be passed at all.
 */
const paramTypes: Record<ParamType, string> = { ...columnTypes, timestamp: 'Int64', 'string[]': 'Array(String)' };

/** `Dialect.jsonTypeName` at a target: JSONType says 'Null' for a missing key and JSON null alike, JSONHas does not. */
function jsonTypeNameAt(target: JsonTarget): Sql {
  const kind = jsonCall('JSONType', target);
  return sql`if(${jsonCall('JSONHas', target)}, multiIf(${kind} = 'String', 'string', ${kind} IN ${NUMBER_TYPES}, 'number',
              ${kind} = 'Bool', 'boolean', ${kind} = 'Object', 'object', ${kind} = 'Array', 'array', 'null'), NULL)`;
}

/** ClickHouse's SQL: `{pN:Type}` placeholders bound by the server, JSON as text read with `JSONExtract*`. */
export const clickhouseDialect: Dialect & SegmentDialect = {
  name: 'clickhouse',
  quoteIdent,
  placeholder(index: number, param: Param): string {
    const type = paramTypes[param.type];
    // A NULL binds only to a Nullable placeholder; arrays cannot be Nullable (and are never null).
    const nullable = param.value === null && param.type !== 'string[]';
    const placeholder = `{p${index}:${nullable ? `Nullable(${type})` : type}}`;
    return param.type === 'timestamp' ? `fromUnixTimestamp64Milli(${placeholder}, 'UTC')` : placeholder;
  },
  createTable,
  jsonText(column: Sql, path: readonly string[]): Sql {
    // Strings unquoted, other values as their JSON text, missing and JSON null as NULL (DuckDB's
    // json_extract_string).
    const target = jsonTarget(column, path);
    const kind = jsonCall('JSONType', target);
    return sql`multiIf(${kind} = 'String', ${jsonCall('JSONExtractString', target)},
                       ${kind} = 'Null', NULL, ${jsonCall('JSONExtractRaw', target)})`;
  },
  jsonNumber(column: Sql, path: readonly string[]): Sql {
    const target = jsonTarget(column, path);
    return sql`if(${jsonCall('JSONType', target)} IN ${NUMBER_TYPES}, ${jsonCall('JSONExtractFloat', target)}, NULL)`;
  },
  jsonObject: jsonObjectText,
  jsonKeysUnnested(column: Sql): Sql {
    // Readable first: simdjson rejects a document holding a 20-digit integer, which would then have no keys at all.
    // A NULL document (a nullable column) has no keys: '' is not JSON, and an array cannot be Nullable.
    return sql`arrayJoin(JSONExtractKeys(${readableJson(sql`ifNull(${column}, '')`, '_strata_json')}))`;
  },
  jsonTypeName(column: Sql, path: readonly string[]): Sql {
    return jsonTypeNameAt(jsonTarget(column, path));
  },
  jsonMemberTypeName(column: Sql, key: Sql): Sql {
    // A String argument is always an object key (an integer one would be a position): see json-path.ts.
    return jsonTypeNameAt({ doc: readableJson(column, '_strata_json'), keys: [sql`toString(${key})`] });
  },
  ...clickhouseImportDialect,
  ...clickhouseSegmentDialect,
  ...clickhouseWriteDialect,
  ...clickhouseJsonWriteDialect,
};
