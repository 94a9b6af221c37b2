import type { Command } from 'commander';
import { type QualityTextOptions, qualityOptionsFromText } from '../../analytics/quality/options.js';
import { qualityReport } from '../../analytics/quality/report.js';
import type { QualityReport, SampleValue, Severity } from '../../analytics/quality/types.js';
import { type Output, table } from '../output.js';
import { action, jsonOption } from '../program.js';
import { withStore } from '../store-access.js';
import { shown } from './segment-shared.js';

/** `strata quality`: the data quality report, on the file or through the server that holds it. */

export const SEVERITY_MARKS: Readonly<Record<Severity, string>> = { ok: '✓', info: 'i', warning: '!', error: '✗' };

interface QualityFlags {
  readonly ancientBefore?: string;
  readonly futureToleranceHours?: string;
  readonly samples?: string;
  readonly orderEvents?: string;
  readonly refundEvents?: string;
}

const percent = (share: number) =>
  `${(100 * share).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })}%`;

/** A sample's value as one table cell: type lists as `number×1 (e03), string×1 (e04)`. */
function cell(value: SampleValue): string | number | null {
  if (value === null || typeof value === 'number') return value;
  if (typeof value === 'string') return shown(value);
  return value.map((seen) => `${seen.type}×${seen.count.toLocaleString('en-US')} (${shown(seen.example)})`).join(', ');
}

/** The report as text: one line per check, then the examples of each check that found something. */
export function printQuality(out: Output, report: QualityReport): void {
  const t = report.totals;
  out.line(`workspace   ${report.workspace}`);
  out.line(
    `data        ${t.events.toLocaleString('en-US')} events, ${t.profiles.toLocaleString('en-US')} profiles, ` +
      `${t.orders.toLocaleString('en-US')} orders, ${t.received.toLocaleString('en-US')} messages received`,
  );
  const s = report.summary;
  const many = (n: number, noun: string) => `${n} ${n === 1 ? noun : `${noun}s`}`;
  out.line(`result      ${many(s.error, 'error')}, ${many(s.warning, 'warning')}, ${many(s.info, 'note')}, ${s.ok} ok`);
  out.line();
  out.line(
    table(
      report.checks.map((c) => ({
        ' ': SEVERITY_MARKS[c.severity],
        check: c.code,
        count: c.count,
        of: c.total,
        share: percent(c.share),
        message: c.message,
      })),
      [' ', 'check', 'count', 'of', 'share', 'message'],
    ),
  );
  for (const c of report.checks) {
    if (c.samples.length === 0) continue;
    const columns = [...new Set(c.samples.flatMap((sample) => Object.keys(sample)))];
    out.line();
    out.line(`${SEVERITY_MARKS[c.severity]} ${c.code}: ${c.title}`);
    out.line(
      table(
        c.samples.map((sample) => Object.fromEntries(columns.map((k) => [k, cell(sample[k] ?? null)]))),
        columns,
      ),
    );
  }
  out.line();
  out.line(
    `${SEVERITY_MARKS.ok} ok   ${SEVERITY_MARKS.info} worth knowing   ${SEVERITY_MARKS.warning} worth fixing   ${SEVERITY_MARKS.error} distorts results`,
  );
}

const list = (value: string | undefined) => (value === undefined ? undefined : [value]);

export function registerQuality(program: Command): void {
  program
    .command('quality')
    .description('data quality report: identity gaps, duplicates, bad timestamps, revenue and type problems')
    .option('--ancient-before <iso>', 'report events dated before this time (default 2000-01-01)')
    .option('--future-tolerance-hours <hours>', 'how far after receipt or now an event may be dated (default 24)')
    .option('--samples <n>', 'examples per check, 0–100 (default 5)')
    .option('--order-events <names>', 'comma-separated events that count as orders (default "Order Completed")')
    .option('--refund-events <names>', 'comma-separated refund events (default "Order Refunded")')
    .addOption(jsonOption())
    .action(
      action(async ({ options, out }, flags: QualityFlags) => {
        const text: QualityTextOptions = {
          ancientBefore: flags.ancientBefore,
          futureToleranceHours: flags.futureToleranceHours,
          sampleLimit: flags.samples,
          orderEvents: list(flags.orderEvents),
          refundEvents: list(flags.refundEvents),
        };
        // Validated here for both paths, so a bad option fails the same way with or without a server.
        const parsed = qualityOptionsFromText(text);
        const report = await withStore<QualityReport>(options, 'quality', {
          local: (engine) => qualityReport(engine, options.workspace, parsed),
          remote: (client) => client.get<QualityReport>(`/api/quality${query(text)}`),
        });
        if (options.json) out.json(report);
        else printQuality(out, report);
        // Findings are the report's content, not a failure of the command.
        return undefined;
      }),
    );
}

function query(text: QualityTextOptions): string {
  const search = new URLSearchParams();
  if (text.ancientBefore !== undefined) search.set('ancientBefore', text.ancientBefore);
  if (text.futureToleranceHours !== undefined) search.set('futureToleranceHours', text.futureToleranceHours);
  if (text.sampleLimit !== undefined) search.set('sampleLimit', text.sampleLimit);
  for (const name of text.orderEvents ?? []) search.append('orderEvents', name);
  for (const name of text.refundEvents ?? []) search.append('refundEvents', name);
  const rendered = search.toString();
  return rendered === '' ? '' : `?${rendered}`;
}
