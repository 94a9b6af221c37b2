import { isoTimePattern } from '../../segments/ir/lower.js';
import type { ValueType } from '../../segments/ir/nodes.js';
import type { Dialect } from '../dialect.js';
import type { AggregateFn, SegmentDialect } from '../segment-dialect.js';
import { int, type Sql, sql, str } from '../sql.js';
import { duckdbDialect, jsonPointer } from './dialect.js';

const NUMERIC = sql`('BIGINT', 'UBIGINT', 'DOUBLE', 'HUGEINT')`;
/** An ISO time with hours and minutes but no seconds, then a zone or nothing (`2024-05-01T10:00+02:00`). */
const MINUTES_THEN_ZONE = '^(\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2})([Z+-].*)?$';

/** DuckDB's fragments for the segment compiler: JSON pointers as parameters, `FILTER (WHERE …)` aggregates. */
export const duckdbSegmentDialect: SegmentDialect = {
  jsonTyped(column: Sql, path: readonly string[], type: ValueType): Sql {
    const pointer = str(jsonPointer(path));
    const kind = sql`json_type(${column}, ${pointer})`;
    switch (type) {
      case 'number':
        // The number's own text cast to DOUBLE: casting the JSON value parses the document again, measured 1.6× slower.
        return sql`(CASE WHEN ${kind} IN ${NUMERIC} THEN TRY_CAST(json_extract_string(${column}, ${pointer}) AS DOUBLE) END)`;
      case 'string':
        return sql`(CASE WHEN ${kind} = 'VARCHAR' THEN json_extract_string(${column}, ${pointer}) END)`;
      case 'boolean':
        return sql`(CASE WHEN ${kind} = 'BOOLEAN' THEN json_extract_string(${column}, ${pointer}) = 'true' END)`;
      case 'time': {
        const text = sql`json_extract_string(${column}, ${pointer})`;
        // DuckDB reads `HH:MM` followed by a zone as no time at all: give it seconds. date_trunc rounds sub-millisecond
        // digits down (epoch_ms alone rounds toward zero, which differs before 1970).
        const withSeconds = sql`regexp_replace(${text}, ${str(MINUTES_THEN_ZONE)}, ${str('\\1:00\\2')})`;
        return sql`(CASE WHEN ${kind} = 'VARCHAR' AND regexp_full_match(${text}, ${str(isoTimePattern)})
                    THEN epoch_ms(date_trunc('millisecond', TRY_CAST(${withSeconds} AS TIMESTAMPTZ))) END)`;
      }
    }
  },
  jsonPresent(column: Sql, path: readonly string[]): Sql {
    return sql`coalesce(json_type(${column}, ${str(jsonPointer(path))}) <> 'NULL', false)`;
  },
  jsonScalarKey(column: Sql, path: readonly string[]): Sql {
    const pointer = str(jsonPointer(path));
    const kind = sql`json_type(${column}, ${pointer})`;
    // `+ 0` turns -0.0 into 0.0: the same number, one key.
    return sql`(CASE WHEN ${kind} IN ${NUMERIC} THEN 'n:' || CAST(TRY_CAST(json_extract_string(${column}, ${pointer}) AS DOUBLE) + 0 AS VARCHAR)
                WHEN ${kind} = 'VARCHAR' THEN 's:' || json_extract_string(${column}, ${pointer})
                WHEN ${kind} = 'BOOLEAN' THEN 'b:' || json_extract_string(${column}, ${pointer}) END)`;
  },
  textMatch(op, text: Sql, needle: Sql): Sql {
    const lowered = sql`lower(${text})`;
    if (op === 'contains') return sql`contains(${lowered}, ${needle})`;
    if (op === 'starts_with') return sql`starts_with(${lowered}, ${needle})`;
    return sql`suffix(${lowered}, ${needle})`;
  },
  countIf(condition: Sql): Sql {
    return sql`count(*) FILTER (WHERE ${condition})`;
  },
  aggregateIf(fn: AggregateFn, value: Sql, condition: Sql): Sql {
    if (fn === 'count_distinct') return sql`count(DISTINCT ${value}) FILTER (WHERE ${condition})`;
    const name = { sum: sql`sum`, avg: sql`avg`, min: sql`min`, max: sql`max` }[fn];
    return sql`${name}(${value}) FILTER (WHERE ${condition})`;
  },
  epochMs(timestamp: Sql): Sql {
    // Rounded down: epoch_ms alone rounds toward zero, which differs before 1970 for times finer than a millisecond.
    return sql`epoch_ms(date_trunc('millisecond', ${timestamp}))`;
  },
  addMs(timestamp: Sql, ms: number): Sql {
    return sql`(${timestamp} + to_milliseconds(${int(ms)}))`;
  },
};

/** DuckDB's whole dialect: SQL text for the store and the segment compiler. */
export const duckdbFullDialect: Dialect & SegmentDialect = { ...duckdbDialect, ...duckdbSegmentDialect };
