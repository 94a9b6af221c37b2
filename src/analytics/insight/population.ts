import { type Sql, sql, str } from '../../engines/sql.js';

/**
 * Every user with a profile (the universe segments are drawn from) with `member` = 1 when the user is in the members
 * relation, else 0, and the profile's `traits`. Comparing members with non-members over one relation keeps both sides
 * on the same universe; DISTINCT guards against a relation that names a user twice.
 */
export function population(workspace: string, members: Sql): Sql {
  return sql`SELECT p.user_id AS user_id, p.traits AS traits,
      CASE WHEN m.user_id IS NULL THEN 0 ELSE 1 END AS member
    FROM profiles AS p
    LEFT JOIN (SELECT DISTINCT user_id FROM (${members}) AS given) AS m ON m.user_id = p.user_id
    WHERE p.workspace = ${str(workspace)}`;
}

/** A count read back from a row: engines return null for sums over no rows (DuckDB) or numbers as strings. */
export const count = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

/** a / b, or null when b is 0. */
export const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);
