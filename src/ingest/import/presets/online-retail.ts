import type { Engine } from '../../../engines/engine.js';
import { ident, int, type Sql, sql, str, ts } from '../../../engines/sql.js';
import { UserError } from '../../../errors.js';
import type { Change } from '../../normalize.js';
import { applyChanges } from '../../writer.js';
import { nullText } from '../nulls.js';
import { collectSkips, skippedRows } from '../skips.js';
import { openSource, reading } from '../source.js';
import { countOf, createTemp, dropTemp, storeEvents, upsertProfiles } from '../store.js';
import type { ImportContext, ImportResult } from '../types.js';
import { customerId, integerOf, trimmed } from './values.js';

/**
 * UCI "Online Retail": one row per invoice line. Lines are grouped into one `Order Completed` per invoice and one
 * `Order Refunded` per cancellation invoice (`C…`); lines without a customer or with a non-positive quantity or price
 * are skipped, which is the standard cleaning (397,884 order lines, 18,532 orders, 4,338 customers on the full file).
 */

const LINES = 'retail_lines';
const ORDERS = 'retail_orders';
const DAY_MS = 24 * 60 * 60 * 1000;
const BATCH = 5_000;
const columns = [
  'InvoiceNo',
  'StockCode',
  'Description',
  'Quantity',
  'InvoiceDate',
  'UnitPrice',
  'CustomerID',
  'Country',
];
/** The UCI original writes `12/1/2010 8:26`; the CSV copies used here write ISO `2010-12-01 08:26:00`. */
const UCI_DATE = '%m/%d/%Y %H:%M';

/** The file's columns by their preset name (matched case-insensitively), or a user error naming the missing one. */
function findColumns(names: readonly string[]): Record<string, string> {
  const found: Record<string, string> = {};
  for (const wanted of columns) {
    const name = names.find((n) => n.trim().toLowerCase() === wanted.toLowerCase());
    if (name === undefined) {
      throw new UserError(
        'missing_column',
        `the online-retail preset needs a ${wanted} column; the file has ${names.join(', ')}`,
        'file',
      );
    }
    found[wanted] = name;
  }
  return found;
}

/** Every line parsed, with the reason it is skipped (null for a kept line), in the preset's priority order. */
function parsedLines(tx: Engine, relation: Sql, names: Record<string, string>, lineOffset: number, now: Date): Sql {
  const { dialect } = tx;
  const c = (name: string) => sql`s.${ident(names[name] ?? name)}`;
  const latest = new Date(now.getTime() + DAY_MS);
  const date = c('InvoiceDate');
  const time = sql`coalesce(${dialect.toTimestamp(date, 'text')}, ${dialect.parseTimestamp(date, UCI_DATE)})`;
  return sql`SELECT *,
      CASE WHEN customer IS NULL THEN 'missing_customer'
           WHEN invoice IS NULL THEN 'invalid_row'
           WHEN quantity IS NULL OR price IS NULL THEN 'invalid_number'
           WHEN NOT cancel AND quantity <= 0 THEN 'non_positive_quantity'
           WHEN price <= 0 THEN 'non_positive_price'
           WHEN line_time IS NULL THEN 'invalid_timestamp'
           WHEN line_time > ${ts(latest)} THEN 'timestamp_in_future' END AS skip
    FROM (
      SELECT row_number() OVER () + ${int(lineOffset)} AS line,
        ${trimmed(c('InvoiceNo'))} AS invoice, upper(trim(${c('InvoiceNo')})) LIKE 'C%' AS cancel,
        ${c('StockCode')} AS stock_code, ${c('Description')} AS description,
        ${integerOf(dialect, c('Quantity'))} AS quantity, ${dialect.toNumber(c('UnitPrice'))} AS price,
        ${time} AS line_time,
        ${customerId(dialect, c('CustomerID'))} AS customer, ${trimmed(c('Country'))} AS country
      FROM ${relation} s) parsed`;
}

/** Kept lines grouped per invoice: the order's customer, time (its first line's), products and amount in cents. */
function orders(tx: Engine, lines: Sql): Sql {
  const { dialect } = tx;
  const product = dialect.jsonObject([
    ['product_id', sql`stock_code`],
    ['name', sql`description`],
    ['quantity', sql`abs(quantity)`],
    ['price', sql`price`],
  ]);
  return sql`SELECT invoice, cancel, min(customer) AS customer, min(line_time) AS ts, min(country) AS country,
      count(*) AS lines, round(sum(quantity * price), 2) AS amount,
      ${dialect.jsonArrayAgg(product, sql`line`)} AS products
    FROM ${lines} WHERE skip IS NULL GROUP BY invoice, cancel`;
}

/** The order events, `online-retail:<InvoiceNo>` as message id so a re-import finds them. */
function orderEvents(tx: Engine, table: Sql): Sql {
  const properties = tx.dialect.jsonObject([
    ['order_id', sql`invoice`],
    ['products', sql`products`, 'json'],
    ['country', sql`country`],
  ]);
  return sql`(SELECT ${str('online-retail:')} || invoice AS message_id,
      CASE WHEN cancel THEN 'Order Refunded' ELSE 'Order Completed' END AS name,
      customer AS user_id, ${nullText(tx.dialect)} AS anonymous_id, ts, ${properties} AS properties,
      CASE WHEN cancel THEN -abs(amount) ELSE amount END AS revenue
    FROM ${table})`;
}

/** Each customer's latest country (by line time, then file order) as the profile trait `country`. */
async function setCountries(tx: Engine, workspace: string, lines: Sql): Promise<void> {
  const rows = await tx.query(
    sql`SELECT customer, country, line_time FROM (
          SELECT customer, country, line_time,
            row_number() OVER (PARTITION BY customer ORDER BY line_time DESC, line DESC) AS rn
          FROM ${lines} WHERE skip IS NULL AND country IS NOT NULL) latest
        WHERE rn = 1 ORDER BY customer`,
  );
  const changes = rows.map(
    (row): Change => ({
      kind: 'traits',
      subject: { userId: String(row['customer']), anonymousId: null },
      traits: { country: row['country'] },
      at: row['line_time'] as Date,
    }),
  );
  for (let i = 0; i < changes.length; i += BATCH) await applyChanges(tx, workspace, changes.slice(i, i + BATCH));
}

export async function importOnlineRetail(tx: Engine, context: ImportContext): Promise<ImportResult> {
  const { workspace, now, file } = context;
  context.progress('reading', 0);
  const source = await openSource(tx, file, 'csv');
  const names = findColumns(source.columns.map((c) => c.name));
  const relation = source.relation(new Set(Object.values(names)));
  const lines = await reading(file, () =>
    createTemp(tx, LINES, parsedLines(tx, relation, names, source.lineOffset, now)),
  );
  const rowsRead = await countOf(tx, sql`SELECT count(*) AS n FROM ${lines}`);
  const skipped = await collectSkips(tx, lines);
  context.progress('grouping orders', rowsRead, rowsRead);
  const grouped = await createTemp(tx, ORDERS, orders(tx, lines));
  const [totals] = await tx.query(
    sql`SELECT sum(CASE WHEN cancel THEN 0 ELSE 1 END) AS orders, sum(CASE WHEN cancel THEN 1 ELSE 0 END) AS refunds,
          sum(CASE WHEN cancel THEN 0 ELSE lines END) AS order_lines,
          sum(CASE WHEN cancel THEN lines ELSE 0 END) AS refund_lines,
          count(DISTINCT CASE WHEN cancel THEN NULL ELSE customer END) AS customers
        FROM ${grouped}`,
  );
  const total = (key: string) => Number(totals?.[key] ?? 0);
  context.progress('storing events', rowsRead, rowsRead);
  const stored = await storeEvents(tx, workspace, now, orderEvents(tx, grouped));
  context.progress('updating profiles', rowsRead, rowsRead);
  await upsertProfiles(tx, workspace, now, sql`(SELECT customer AS user_id, ts FROM ${grouped})`);
  await setCountries(tx, workspace, lines);
  await dropTemp(tx, ORDERS, LINES);

  const skippedCount = skippedRows(skipped);
  const events = total('orders') + total('refunds');
  const accounting = { order_lines: total('order_lines'), refund_lines: total('refund_lines'), skipped: skippedCount };
  return {
    rowsRead,
    stored,
    duplicates: events - stored,
    skipped,
    reconciled: accounting.order_lines + accounting.refund_lines + skippedCount === rowsRead && stored <= events,
    accounting,
    orders: total('orders'),
    refunds: total('refunds'),
    customers: total('customers'),
  };
}
