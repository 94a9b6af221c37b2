import type { Dialect } from '../../engines/dialect.js';
import { type Sql, trusted } from '../../engines/sql.js';

/**
 * Typed NULLs for fields a file does not have. A bare `CAST(NULL AS VARCHAR)` is an error in the ClickHouse family,
 * whose plain types refuse NULL, so each comes from the dialect's own conversion of a NULL.
 */
const NULL = trusted('NULL');

export const nullText = (dialect: Dialect): Sql => dialect.toText(NULL);
export const nullNumber = (dialect: Dialect): Sql => dialect.toNumber(NULL);
export const nullTimestamp = (dialect: Dialect): Sql => dialect.toTimestamp(NULL, 'other');
