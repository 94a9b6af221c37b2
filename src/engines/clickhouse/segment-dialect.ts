import type { ValueType } from '../../segments/ir/nodes.js';
import type { AggregateFn, SegmentDialect } from '../segment-dialect.js';
import { int, type Sql, sql } from '../sql.js';
import { isoTimeMs } from './iso-time.js';
import { jsonCall, jsonTarget, NUMBER_TYPES } from './json-path.js';

/**
 * Lower-case text as `foldCase` does. `lowerUTF8` applies ICU's full, contextual mapping, which differs from the simple
 * mapping in exactly two places: `İ` becomes `i̇` (two code points) and a word-final `Σ` becomes `ς`. Replacing both
 * capitals with their simple lower case first leaves `lowerUTF8` nothing to disagree on (checked over every code
 * point, alone and in context).
 */
export function foldCaseSql(text: Sql): Sql {
  return sql`lowerUTF8(replaceAll(replaceAll(${text}, 'İ', 'i'), 'Σ', 'σ'))`;
}

/**
 * ClickHouse's fragments for the segment compiler. Semantics match the DuckDB fragments and the oracle
 * (`segments/evaluate.ts`); where ClickHouse's defaults differ, the fragment compensates:
 *
 * - Aggregates over a non-Nullable argument return the type's default (0) over no rows, where SQL returns NULL;
 *   `toNullable` makes `sumIf`/`avgIf`/`minIf`/`maxIf` return NULL when no row has a value.
 * - `JSONType` reports both a missing key and JSON null as `'Null'`, and NULL for a NULL document (an account that
 *   is not there after a LEFT JOIN), hence the `coalesce` in `jsonPresent`.
 * - Comparisons return UInt8; the fragments that are conditions (`jsonPresent`, `textMatch`) are cast to Bool so a
 *   selected condition reads back as a boolean, as on DuckDB.
 * - Text is lowered like `foldCase` (simple, per-code-point mapping; see `foldCaseSql`) and compared bytewise, which for
 *   UTF-8 is code-point order, as DuckDB and the oracle compare.
 */
export const clickhouseSegmentDialect: SegmentDialect = {
  jsonTyped(column: Sql, path: readonly string[], type: ValueType): Sql {
    const target = jsonTarget(column, path);
    const kind = jsonCall('JSONType', target);
    switch (type) {
      case 'number':
        return sql`if(${kind} IN ${NUMBER_TYPES}, ${jsonCall('JSONExtractFloat', target)}, NULL)`;
      case 'string':
        return sql`if(${kind} = 'String', ${jsonCall('JSONExtractString', target)}, NULL)`;
      case 'boolean':
        // CAST: JSONExtractBool returns UInt8; Bool keeps results and comparisons with Bool parameters typed alike.
        return sql`if(${kind} = 'Bool', CAST(${jsonCall('JSONExtractBool', target)} AS Bool), NULL)`;
      case 'time':
        return sql`if(${kind} = 'String', ${isoTimeMs(jsonCall('JSONExtractString', target))}, NULL)`;
    }
  },
  jsonPresent(column: Sql, path: readonly string[]): Sql {
    return sql`toBool(coalesce(${jsonCall('JSONType', jsonTarget(column, path))} != 'Null', 0))`;
  },
  jsonScalarKey(column: Sql, path: readonly string[]): Sql {
    const target = jsonTarget(column, path);
    const kind = jsonCall('JSONType', target);
    // `+ 0` turns -0 into 0: the oracle's key is `String(value)`, and String(-0) is "0".
    return sql`multiIf(${kind} IN ${NUMBER_TYPES}, concat('n:', toString(${jsonCall('JSONExtractFloat', target)} + 0)),
                ${kind} = 'String', concat('s:', ${jsonCall('JSONExtractString', target)}),
                ${kind} = 'Bool', concat('b:', if(${jsonCall('JSONExtractBool', target)} = 1, 'true', 'false')),
                NULL)`;
  },
  textMatch(op, text: Sql, needle: Sql): Sql {
    const lowered = foldCaseSql(text);
    // `position`, not LIKE: the needle is user text and `%` / `_` in it must match literally.
    if (op === 'contains') return sql`toBool(position(${lowered}, ${needle}) > 0)`;
    if (op === 'starts_with') return sql`toBool(startsWith(${lowered}, ${needle}))`;
    return sql`toBool(endsWith(${lowered}, ${needle}))`;
  },
  countIf(condition: Sql): Sql {
    return sql`countIf(${condition})`;
  },
  aggregateIf(fn: AggregateFn, value: Sql, condition: Sql): Sql {
    // uniqExact skips NULLs and counts 0 over no rows, as DuckDB's count(DISTINCT …) FILTER does.
    if (fn === 'count_distinct') return sql`uniqExactIf(${value}, ${condition})`;
    const name = { sum: sql`sumIf`, avg: sql`avgIf`, min: sql`minIf`, max: sql`maxIf` }[fn];
    return sql`${name}(toNullable(${value}), ${condition})`;
  },
  epochMs(timestamp: Sql): Sql {
    return sql`toUnixTimestamp64Milli(${timestamp})`;
  },
  addMs(timestamp: Sql, ms: number): Sql {
    return sql`addMilliseconds(${timestamp}, ${int(ms)})`;
  },
};
