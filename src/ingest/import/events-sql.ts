import type { Dialect } from '../../engines/dialect.js';
import type { Engine } from '../../engines/engine.js';
import { ident, int, join, json, type Sql, sql, str, trusted, ts } from '../../engines/sql.js';
import { defaultConventions } from '../revenue.js';
import type { ColumnPlan, SourceColumn } from './columns.js';
import { nullNumber, nullText, nullTimestamp } from './nulls.js';

/**
 * The statements of the event import, as SQL builders. Rows flow: file → staged (fields, properties, revenue, skip
 * reason, content hash; one parallel scan) → numbered (line) → repeats (rows whose id key occurs more than once)
 * → candidates (message ids, users resolved).
 */

const DAY_MS = 24 * 60 * 60 * 1000;
/** Joins the hashed fields; a control character no id, name or timestamp contains. */
const SEPARATOR = '\u001f';

const column = (c: SourceColumn): Sql => sql`s.${ident(c.name)}`;
/** Text of a column, null when empty or blank: a blank id or name is as good as none. */
const textOf = (dialect: Dialect, c: SourceColumn | undefined): Sql =>
  c ? sql`NULLIF(trim(${dialect.toText(column(c))}), '')` : nullText(dialect);

export interface EventSource {
  readonly relation: Sql;
  readonly plan: ColumnPlan;
  readonly lineOffset: number;
}

/**
 * One row per data row: the event fields, the properties (every other column under its own key) and the revenue
 * (Segment's convention: `revenue`, else `total`, on `Order Completed`; negated on `Order Refunded`). `line` only
 * when the engine cannot number rows after the scan.
 */
function parsedRows(engine: Engine, source: EventSource): Sql {
  const { dialect } = engine;
  const { fields, extra } = source.plan;
  const timestamp = fields.timestamp;
  const properties =
    extra.length > 0 ? dialect.jsonObject(extra.map((e) => [e.key, column(e.column)] as const)) : json({});
  const amounts = ['revenue', 'total'].flatMap((key) => extra.filter((e) => e.key === key));
  const amount =
    amounts.length > 0
      ? sql`coalesce(${join(amounts.map((e) => dialect.toNumber(column(e.column))))})`
      : nullNumber(dialect);
  const name = textOf(dialect, fields.event);
  const time = timestamp
    ? dialect.toTimestamp(column(timestamp), dialect.valueKind(timestamp.type))
    : nullTimestamp(dialect);
  const line = dialect.numberedRows ? trusted('') : sql`row_number() OVER () + ${int(source.lineOffset)} AS line, `;
  return sql`SELECT ${line}${textOf(dialect, fields.userId)} AS user_id,
      ${textOf(dialect, fields.anonymousId)} AS anonymous_id, ${name} AS name,
      ${timestamp ? dialect.toText(column(timestamp)) : nullText(dialect)} AS ts_text,
      ${time} AS ts, ${properties} AS properties,
      CASE WHEN ${name} = ${str(defaultConventions.purchaseEvent)} THEN ${amount}
           WHEN ${name} = ${str(defaultConventions.refundEvent)} THEN -abs(${amount}) END AS revenue,
      ${textOf(dialect, fields.messageId)} AS given_id
    FROM ${source.relation} s`;
}

/**
 * The staged rows: the skip reason (null for a kept row), and for rows without a message id a hash of their content
 * (the raw fields and the properties), which names the event across re-imports. A plain projection of the scan,
 * so the engine can run it in parallel and keep the file's order.
 */
export function stagedRows(engine: Engine, source: EventSource, now: Date): Sql {
  const sep = str(SEPARATOR);
  const content = sql`concat(coalesce(c.user_id, ''), ${sep}, coalesce(c.anonymous_id, ''), ${sep},
    coalesce(c.name, ''), ${sep}, coalesce(c.ts_text, ''), ${sep}, CAST(c.properties AS VARCHAR))`;
  const latest = new Date(now.getTime() + DAY_MS);
  const line = engine.dialect.numberedRows ? trusted('') : sql`c.line, `;
  return sql`SELECT ${line}c.name, c.user_id, c.anonymous_id, c.ts, c.properties, c.revenue, c.given_id,
      CASE WHEN c.user_id IS NULL AND c.anonymous_id IS NULL THEN 'missing_user'
           WHEN c.name IS NULL THEN 'missing_event'
           WHEN c.ts IS NULL THEN 'invalid_timestamp'
           WHEN c.ts > ${ts(latest)} THEN 'timestamp_in_future' END AS skip,
      CASE WHEN c.given_id IS NULL THEN ${engine.dialect.md5Hex(content)} END AS h
    FROM (${parsedRows(engine, source)}) c`;
}

/** The staged rows with their line in the file. */
export function numberedRows(engine: Engine, staged: Sql, lineOffset: number): Sql {
  const numbered = engine.dialect.numberedRows?.(staged);
  return numbered ? sql`(SELECT n.row_no + ${int(lineOffset)} AS line, n.* FROM ${numbered} n)` : staged;
}

/**
 * The kept rows whose id key (own message id, else content hash) occurs more than once, with their occurrence (1, 2,
 * … in file order). Grouping 2M text keys is the costly part, so rows are first grouped by a 64-bit hash of the key;
 * the exact window then runs only on the few rows whose hash repeats (a hash collision only adds rows to it).
 */
export function repeatedRows(engine: Engine, rows: Sql): Sql {
  const key = sql`coalesce(given_id, h)`;
  return sql`WITH keyed AS (
      SELECT line, given_id IS NULL AS generated, ${key} AS id_key, ${engine.dialect.hash64?.(key) ?? key} AS k
      FROM ${rows} r WHERE skip IS NULL)
    SELECT line, row_number() OVER (PARTITION BY generated, id_key ORDER BY line) AS n
    FROM keyed WHERE k IN (SELECT k FROM keyed GROUP BY k HAVING count(*) > 1)`;
}

/**
 * The kept rows with their user resolved: anonymous-only rows take the user their anonymous id is already linked
 * to in `identities`, else none, as the writer does.
 */
export function resolvedRows(rows: Sql, plan: ColumnPlan, workspace: string): Sql {
  if (!plan.fields.anonymousId) return sql`(SELECT * FROM ${rows} r WHERE skip IS NULL)`;
  return sql`(SELECT r.line, r.name, coalesce(r.user_id, i.user_id) AS user_id, r.anonymous_id, r.ts, r.properties,
      r.revenue, r.given_id, r.h
    FROM ${rows} r LEFT JOIN identities i
      ON i.workspace = ${str(workspace)} AND i.anonymous_id = r.anonymous_id AND r.user_id IS NULL
    WHERE r.skip IS NULL)`;
}

/**
 * The events to store, one per message id: a row with its own id keeps it (later repeats in the file are dropped);
 * another gets `import:<hash>#<occurrence>`, so two identical rows stay two events and a re-import finds both.
 */
export function candidateEvents(kept: Sql, repeats: Sql): Sql {
  return sql`(SELECT coalesce(s.given_id, 'import:' || s.h || '#' || CAST(coalesce(r.n, 1) AS VARCHAR)) AS message_id,
      s.name, s.user_id, s.anonymous_id, s.ts, s.properties, s.revenue
    FROM ${kept} s LEFT JOIN ${repeats} r ON r.line = s.line
    WHERE s.given_id IS NULL OR r.n IS NULL OR r.n = 1)`;
}
