import type { Dialect } from '../../../engines/dialect.js';
import { type Sql, sql } from '../../../engines/sql.js';

/** Below this, a double holds every integer exactly, so the cast to BIGINT below cannot overflow or round. */
const EXACT = sql`1e15`;

/** Text trimmed, null when empty. */
export const trimmed = (text: Sql): Sql => sql`NULLIF(trim(${text}), '')`;

/** A whole number written as text (`17850.0`, ` 00004`) as BIGINT, null when it is not one. */
export function integerOf(dialect: Dialect, text: Sql): Sql {
  const n = dialect.toNumber(text);
  return sql`CASE WHEN ${n} = floor(${n}) AND abs(${n}) < ${EXACT} THEN CAST(${n} AS BIGINT) END`;
}

/**
 * A customer id as the canonical integer text (`17850.0` → `17850`, `00004` → `4`), so the same customer gets the
 * same id from every file; an id that is not a number is kept as written.
 */
export function customerId(dialect: Dialect, text: Sql): Sql {
  return sql`coalesce(${dialect.toText(integerOf(dialect, text))}, ${trimmed(text)})`;
}
