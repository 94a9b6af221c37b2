import { type Command, Option } from 'commander';
import type { OrderOptions } from '../../analytics/orders.js';
import { RFM_CSV_HEADER, rfmCsvLine, rfmJsonLine } from '../../analytics/rfm/export.js';
import {
  type RfmReport,
  type RfmRow,
  type RfmSummary,
  rfmReport,
  rfmRows,
  rfmSummary,
} from '../../analytics/rfm/report.js';
import { readSettings } from '../../analytics/settings.js';
import type { Engine } from '../../engines/engine.js';
import { parseTimeParam } from '../../live/history/membership-at.js';
import type { ApiClient } from '../api-client.js';
import { table } from '../output.js';
import { action, type CommandContext, jsonOption } from '../program.js';
import { withStore } from '../store-access.js';
import { queryString, shown } from './segment-shared.js';

/** Rows shown by the table format; the exports print every row. */
export const TABLE_ROWS = 50;
/** Rows per request when the CLI pages through a server. */
const REMOTE_PAGE = 5_000;

type Format = 'table' | 'jsonl' | 'csv';
interface RfmFlags {
  asOf?: string;
  format: Format;
  summary?: boolean;
  monetary?: 'net' | 'gross';
}

/** A JSON answer's as-of (an ISO string through the API, a Date locally) as a Date. */
const asDate = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));
export const percent = (share: number | null): string => (share === null ? '-' : `${(share * 100).toFixed(1)}%`);
const trimLine = (line: string) => line.slice(0, -1);

/** Every row in pages of the API's JSON form; the as-of time is fixed by the first page. */
async function* remoteRows(client: ApiClient, asOf: Date | undefined, monetary: string | undefined) {
  let fixed = asOf;
  for (let offset = 0; ; offset += REMOTE_PAGE) {
    const page = await client.get<RfmReport & { asOf: string | null }>(
      `/api/analytics/rfm${queryString({ asOf: fixed, monetary, limit: REMOTE_PAGE, offset })}`,
    );
    if (page.asOf === null) return;
    fixed = new Date(page.asOf);
    if (page.rows.length > 0) yield page.rows;
    if (page.rows.length < REMOTE_PAGE) return;
  }
}

function printSummary(ctx: CommandContext, summary: RfmSummary): void {
  const at = asDate(summary.asOf);
  ctx.out.line(
    `${summary.customers.toLocaleString('en-US')} customers as of ${at ? at.toISOString() : '-'}, revenue ${summary.revenue.toLocaleString('en-US', { maximumFractionDigits: 2 })}`,
  );
  ctx.out.line();
  ctx.out.line(
    table(
      summary.groups.map((g) => ({
        group: g.name,
        customers: g.customers,
        'of customers': percent(g.customerShare),
        'of revenue': percent(g.revenueShare),
      })),
      ['group', 'customers', 'of customers', 'of revenue'],
    ),
  );
  ctx.out.line();
  ctx.out.line('customers by recency (R) and frequency (F) score');
  const width = Math.max(2, ...summary.grid.flat().map((n) => n.toLocaleString('en-US').length));
  ctx.out.line(`    ${[1, 2, 3, 4, 5].map((f) => `F${f}`.padStart(width)).join('  ')}`);
  for (let r = 5; r >= 1; r--) {
    const cells = (summary.grid[r - 1] ?? []).map((n) => n.toLocaleString('en-US').padStart(width));
    ctx.out.line(`R${r}  ${cells.join('  ')}`);
  }
}

/** Prints the rows as they arrive: exports every row, the table the first TABLE_ROWS and a count of the rest. */
async function printRows(ctx: CommandContext, format: Format, pages: AsyncIterable<readonly RfmRow[]>) {
  if (format === 'csv') ctx.out.line(trimLine(RFM_CSV_HEADER));
  const shownRows: RfmRow[] = [];
  let total = 0;
  for await (const page of pages) {
    total += page.length;
    if (format === 'csv') for (const row of page) ctx.out.line(trimLine(rfmCsvLine(row)));
    else if (format === 'jsonl') for (const row of page) ctx.out.line(trimLine(rfmJsonLine(row)));
    else shownRows.push(...page.slice(0, TABLE_ROWS - shownRows.length));
  }
  if (format !== 'table') return;
  if (total === 0) {
    ctx.out.line('no customers: no orders in this workspace');
    return;
  }
  const columns = ['user_id', 'recency_days', 'frequency', 'monetary', 'r', 'f', 'm', 'segment'];
  ctx.out.line(
    table(
      shownRows.map((row) => ({ ...row, user_id: shown(row.user_id) })),
      columns,
    ),
  );
  if (total > shownRows.length)
    ctx.out.line(`… and ${(total - shownRows.length).toLocaleString('en-US')} more (--format csv or jsonl for all)`);
}

export function registerRfm(program: Command): void {
  program
    .command('rfm')
    .description('RFM scores of every customer (quintiles 1–5, 5 best) and their group; --summary for the groups')
    .option('--as-of <iso>', 'as-of time (default: midnight UTC after the last order)')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'jsonl', 'csv']).default('table'))
    .option('--summary', 'customers and revenue per group, and the R×F grid')
    .addOption(
      new Option('--monetary <kind>', 'net: orders minus refunds; gross: orders only (default: the settings)').choices([
        'net',
        'gross',
      ]),
    )
    .addOption(jsonOption())
    .action(
      action(async (ctx, flags: RfmFlags) => {
        const asOf = parseTimeParam(flags.asOf, 'as-of');
        const ws = ctx.options.workspace;
        // The workspace's settings (order events, group mapping), with --monetary over them.
        const optionsOf = async (engine: Engine) => {
          const settings = await readSettings(engine, ws);
          const orders: OrderOptions = { ...settings.orders, ...(flags.monetary ? { monetary: flags.monetary } : {}) };
          return { orders, ...(settings.rfm.groups ? { groups: settings.rfm.groups } : {}), ...(asOf ? { asOf } : {}) };
        };
        if (flags.summary) {
          const summary = await withStore<RfmSummary>(ctx.options, 'rfm', {
            local: async (engine) => rfmSummary(engine, ws, await optionsOf(engine)),
            remote: (client) =>
              client.get<RfmSummary>(`/api/analytics/rfm/summary${queryString({ asOf, monetary: flags.monetary })}`),
          });
          if (ctx.options.json) ctx.out.json(summary);
          else printSummary(ctx, summary);
          return undefined;
        }
        if (ctx.options.json) {
          const all = async (pages: AsyncIterable<readonly RfmRow[]>) => {
            const rows: RfmRow[] = [];
            for await (const page of pages) rows.push(...page);
            return rows;
          };
          const report = await withStore<RfmReport>(ctx.options, 'rfm', {
            local: async (engine) => {
              const options = await optionsOf(engine);
              const first = await rfmReport(engine, ws, { ...options, limit: 0 });
              if (first.asOf === null) return first;
              return { ...first, rows: await all(rfmRows(engine, ws, { ...options, asOf: first.asOf })) };
            },
            remote: async (client) => {
              const first = await client.get<RfmReport>(
                `/api/analytics/rfm${queryString({ asOf, monetary: flags.monetary, limit: 0 })}`,
              );
              const at = asDate(first.asOf);
              return at === null ? first : { ...first, rows: await all(remoteRows(client, at, flags.monetary)) };
            },
          });
          ctx.out.json({ asOf: report.asOf, customers: report.customers, rows: report.rows });
          return undefined;
        }
        await withStore<void>(ctx.options, 'rfm', {
          local: async (engine) => printRows(ctx, flags.format, rfmRows(engine, ws, await optionsOf(engine))),
          remote: (client) => printRows(ctx, flags.format, remoteRows(client, asOf, flags.monetary)),
        });
        return undefined;
      }),
    );
}
