import type { Engine } from '../../../engines/engine.js';
import { int, type Sql, sql, str, ts } from '../../../engines/sql.js';
import { UserError } from '../../../errors.js';
import { nullText } from '../nulls.js';
import { collectSkips, skippedRows } from '../skips.js';
import { reading } from '../source.js';
import { countOf, createTemp, dropTemp, storeEvents, upsertProfiles } from '../store.js';
import type { ImportContext, ImportResult } from '../types.js';
import { customerId, integerOf } from './values.js';

/**
 * CDNOW (Fader & Hardie): one purchase per row, in any of the three published layouts: `CDNOW_master.txt`
 * (`customer_id date cds dollars`), `CDNOW_sample.txt` (`master_id sample_id date cds dollars`) and `cdnowElog.csv`
 * (the sample as CSV). Fields are split at whitespace or commas; a header is recognised by a non-numeric field.
 */

const ROWS = 'cdnow_rows';
const DAY_MS = 24 * 60 * 60 * 1000;

/** Field positions (1-based) of each layout, by its number of fields. */
const layouts: Readonly<Record<number, { fields: number; id: number; date: number; cds: number; dollars: number }>> = {
  4: { fields: 4, id: 1, date: 2, cds: 3, dollars: 4 },
  5: { fields: 5, id: 1, date: 3, cds: 4, dollars: 5 },
};

const nonBlank = sql`line IS NOT NULL AND trim(line) <> ''`;

/** Reads the first non-blank line and decides the layout and whether that line is a header. */
async function detectLayout(tx: Engine, lines: Sql, file: string) {
  const [first] = await reading(file, () =>
    tx.query(sql`SELECT line_no, line FROM ${lines} WHERE ${nonBlank} ORDER BY line_no LIMIT 1`),
  );
  if (!first) throw new UserError('empty_file', `${file} has no data`, 'file');
  const fields = String(first['line'])
    .trim()
    .split(/[\s,]+/);
  const layout = layouts[fields.length];
  if (!layout) {
    throw new UserError(
      'unknown_layout',
      `the cdnow preset reads lines of 4 fields (customer_id date cds dollars) or 5 (master_id sample_id date cds dollars); the first line of ${file} has ${fields.length}`,
      'file',
    );
  }
  const header = fields.some((field) => !/^[+-]?\d+(\.\d+)?$/.test(field));
  return { layout, headerLine: header ? Number(first['line_no']) : 0 };
}

export async function importCdnow(tx: Engine, context: ImportContext): Promise<ImportResult> {
  const { workspace, now, file } = context;
  const { dialect } = tx;
  context.progress('reading', 0);
  const lines = dialect.readLines(file);
  const { layout, headerLine } = await detectLayout(tx, lines, file);
  const field = (i: number) => sql`f[${int(i)}]`;
  const latest = new Date(now.getTime() + DAY_MS);
  const rows = await reading(file, () =>
    createTemp(
      tx,
      ROWS,
      sql`SELECT line, user_id, day, ts, cds, dollars,
            CASE WHEN length(f) <> ${int(layout.fields)} THEN 'invalid_row'
                 WHEN user_id IS NULL THEN 'missing_customer'
                 WHEN ts IS NULL THEN 'invalid_timestamp'
                 WHEN ts > ${ts(latest)} THEN 'timestamp_in_future'
                 WHEN cds IS NULL OR dollars IS NULL THEN 'invalid_number' END AS skip
          FROM (
            SELECT line, f, ${customerId(dialect, field(layout.id))} AS user_id, ${field(layout.date)} AS day,
              ${dialect.parseTimestamp(field(layout.date), '%Y%m%d')} AS ts,
              ${integerOf(dialect, field(layout.cds))} AS cds, ${dialect.toNumber(field(layout.dollars))} AS dollars
            FROM (SELECT line_no AS line, f FROM (
                    -- Split before renaming: in ClickHouse an alias named like a column replaces it everywhere.
                    SELECT line_no, ${dialect.splitFields(sql`line`)} AS f FROM ${lines}
                    WHERE ${nonBlank} AND line_no <> ${int(headerLine)}) fields) split
          ) parsed`,
    ),
  );
  const rowsRead = await countOf(tx, sql`SELECT count(*) AS n FROM ${rows}`);
  const skipped = await collectSkips(tx, rows);
  const [totals] = await tx.query(
    sql`SELECT count(*) AS orders, count(DISTINCT user_id) AS customers FROM ${rows} WHERE skip IS NULL`,
  );
  const orders = Number(totals?.['orders'] ?? 0);
  context.progress('storing events', rowsRead, rowsRead);
  // The n-th purchase of a customer on a day (in file order) keeps its id whichever layout it comes from.
  const stored = await storeEvents(
    tx,
    workspace,
    now,
    sql`(SELECT ${str('cdnow:')} || user_id || ':' || day || ':'
            || CAST(row_number() OVER (PARTITION BY user_id, day ORDER BY line) AS VARCHAR) AS message_id,
          'Order Completed' AS name, user_id, ${nullText(dialect)} AS anonymous_id, ts,
          ${dialect.jsonObject([['cds', sql`cds`]])} AS properties, dollars AS revenue
        FROM ${rows} WHERE skip IS NULL)`,
  );
  context.progress('updating profiles', rowsRead, rowsRead);
  await upsertProfiles(tx, workspace, now, sql`(SELECT user_id, ts FROM ${rows} WHERE skip IS NULL)`);
  await dropTemp(tx, ROWS);
  const skippedCount = skippedRows(skipped);
  return {
    rowsRead,
    stored,
    duplicates: orders - stored,
    skipped,
    reconciled: orders + skippedCount === rowsRead && stored <= orders,
    accounting: { orders, skipped: skippedCount },
    orders,
    customers: Number(totals?.['customers'] ?? 0),
  };
}
