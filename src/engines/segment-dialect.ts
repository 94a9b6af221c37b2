import type { ValueType } from '../segments/ir/nodes.js';
import type { Sql } from './sql.js';

/** The aggregate functions segment rules use. */
export type AggregateFn = 'sum' | 'avg' | 'min' | 'max' | 'count_distinct';

/**
 * The engine-specific fragments the segment compiler needs. Each returns an expression; none does I/O. The
 * semantics are pinned by the reference evaluator (`segments/evaluate.ts`) and checked by the differential suite.
 */
export interface SegmentDialect {
  /**
   * The value at a key path of a JSON column as `type`, or NULL when it is missing, JSON null or of another JSON
   * type. Numbers are doubles; times are epoch milliseconds parsed from ISO-8601 strings (the pattern of
   * `parseTime`), anything else NULL.
   */
  jsonTyped(column: Sql, path: readonly string[], type: ValueType): Sql;
  /** True when the key path holds a value other than JSON null; never NULL. */
  jsonPresent(column: Sql, path: readonly string[]): Sql;
  /** A text key that identifies a scalar (string, number, boolean) by type and value; NULL otherwise. */
  jsonScalarKey(column: Sql, path: readonly string[]): Sql;
  /** Case-insensitive text test; `needle` is already lower-case. */
  textMatch(op: 'contains' | 'starts_with' | 'ends_with', text: Sql, needle: Sql): Sql;
  /** `count(*)` over rows where `condition` holds. */
  countIf(condition: Sql): Sql;
  /** An aggregate over rows where `condition` holds (NULL when no row has a value). */
  aggregateIf(fn: AggregateFn, value: Sql, condition: Sql): Sql;
  /** A timestamp expression as epoch milliseconds. */
  epochMs(timestamp: Sql): Sql;
  /** A timestamp expression plus a number of milliseconds. */
  addMs(timestamp: Sql, ms: number): Sql;
}
