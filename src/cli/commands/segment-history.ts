import type { Command } from 'commander';
import { type ChangesPage, listChanges } from '../../live/history/changes.js';
import { parseTimeParam } from '../../live/history/membership-at.js';
import {
  escapeSegmentListItem,
  type MigrationResult,
  parseSegmentList,
  segmentMigration,
} from '../../live/history/migration.js';
import { DAY_MS, type SizeHistory, segmentSizes } from '../../live/history/sizes.js';
import { segmentTenure, type TenureResult } from '../../live/history/tenure.js';
import { table } from '../output.js';
import { action, jsonOption, positiveInt, wholeNumber } from '../program.js';
import { queryString, run, seg, shown } from './segment-shared.js';

/** `strata segment changes|tenure|sizes|migration`: what the change log tells (docs/history.md). */

/** `12d 3h 4m` */
function duration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  return `${days}d ${hours}h ${minutes % 60}m`;
}

/** The from→to matrix as a text table: rows are groups at `from`, columns groups at `to`, with totals. */
export function migrationTable(result: Pick<MigrationResult, 'groups' | 'matrix'>): string {
  const names = result.groups.map(shown);
  const rowTotals = result.matrix.map((line) => line.reduce((a, b) => a + b, 0));
  const colTotals = result.groups.map((_, j) => result.matrix.reduce((a, line) => a + (line[j] ?? 0), 0));
  const all = rowTotals.reduce((a, b) => a + b, 0);
  const header = ['from \\ to', ...names, 'total'];
  const body = [
    ...result.matrix.map((line, i) => [names[i] ?? '', ...line.map(String), String(rowTotals[i] ?? 0)]),
    ['total', ...colTotals.map(String), String(all)],
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const cell = (text: string, i: number) => (i === 0 ? text.padEnd(widths[i] ?? 0) : text.padStart(widths[i] ?? 0));
  return [
    header.map(cell).join('  '),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...body.map((row) => row.map(cell).join('  ').trimEnd()),
  ].join('\n');
}

/** How to ask for the next page, after the count of changes shown. */
function continuation(page: ChangesPage): string {
  if (page.next_after !== null) return `; more with --after ${page.next_after}`;
  if (page.next_before !== null) return `; older ones with --newest --before ${page.next_before}`;
  return '';
}

export function registerSegmentHistory(segment: Command): void {
  segment
    .command('changes <segment>')
    .description(
      'who entered and exited, oldest first (continue with --after) or --newest first (continue with --before)',
    )
    .option('--newest', 'newest first, paging back with --before')
    .option('--after <seq>', 'oldest first: only changes after this sequence number', wholeNumber('after'))
    .option('--before <seq>', 'newest first: only changes before this sequence number', wholeNumber('before'))
    .option('--since <iso>', 'only changes evaluated at or after this time')
    .option('--until <iso>', 'only changes evaluated before this time')
    .option('--user <id>', "only this user's changes")
    .option('--limit <n>', 'at most this many (default 1000, at most 100000)', positiveInt('limit'))
    .addOption(jsonOption())
    .action(
      action(
        async (
          ctx,
          idOrName: string,
          flags: {
            newest?: boolean;
            after?: number;
            before?: number;
            since?: string;
            until?: string;
            user?: string;
            limit?: number;
          },
        ) => {
          const since = parseTimeParam(flags.since, 'since');
          const until = parseTimeParam(flags.until, 'until');
          const options = {
            ...(flags.newest ? { order: 'newest' as const } : {}),
            ...(flags.after === undefined ? {} : { after: flags.after }),
            ...(flags.before === undefined ? {} : { before: flags.before }),
            ...(flags.limit === undefined ? {} : { limit: flags.limit }),
            ...(since ? { since } : {}),
            ...(until ? { until } : {}),
            ...(flags.user === undefined ? {} : { user: flags.user }),
          };
          const page = await run(
            ctx,
            'segment changes',
            (e) => listChanges(e, ctx.options.workspace, idOrName, options),
            (c) => c.get<ChangesPage>(`${seg(idOrName)}/changes${queryString(options)}`),
          );
          if (ctx.options.json) ctx.out.json(page);
          else {
            ctx.out.line(
              table(
                page.changes.map((ch) => ({ ...ch, at: new Date(ch.at), user: shown(ch.user_id) })),
                ['seq', 'at', 'change', 'user'],
              ),
            );
            ctx.out.error(`${page.changes.length.toLocaleString('en-US')} changes${continuation(page)}`);
          }
          return undefined;
        },
      ),
    );

  segment
    .command('tenure <segment>')
    .description('time each user spent in the segment and how often they came back')
    .option('--user <id>', 'only this user (the summary still covers everyone)')
    .option('--limit <n>', 'at most this many users (default 100)', positiveInt('limit'))
    .option('--offset <n>', 'skip this many users', wholeNumber('offset'))
    .option('--as-of <iso>', 'count open stays up to this time (default: now)')
    .addOption(jsonOption())
    .action(
      action(
        async (ctx, idOrName: string, flags: { user?: string; limit?: number; offset?: number; asOf?: string }) => {
          const now = parseTimeParam(flags.asOf, 'as-of');
          const options = {
            ...(flags.user === undefined ? {} : { user: flags.user }),
            ...(flags.limit === undefined ? {} : { limit: flags.limit }),
            ...(flags.offset === undefined ? {} : { offset: flags.offset }),
          };
          const result = await run(
            ctx,
            'segment tenure',
            (e) => segmentTenure(e, ctx.options.workspace, idOrName, { now: now ?? new Date(), ...options }),
            (c) => c.get<TenureResult>(`${seg(idOrName)}/tenure${queryString({ ...options, asOf: now })}`),
          );
          if (ctx.options.json) ctx.out.json(result);
          else {
            const s = result.summary;
            ctx.out.line(
              `${s.users.toLocaleString('en-US')} users ever in "${shown(result.segment.name)}", ${s.members_now.toLocaleString('en-US')} now; ` +
                `${(s.re_entry_rate * 100).toFixed(1)}% came back; time in segment: mean ${duration(s.mean_ms)}, median ${duration(s.median_ms)} (up to ${new Date(result.now).toISOString()})`,
            );
            ctx.out.line(
              table(
                result.users.map((u) => ({
                  user: shown(u.user_id),
                  entries: u.entries,
                  member: u.member ? 'yes' : 'no',
                  time: duration(u.total_ms),
                  first_entered: new Date(u.first_entered_at),
                  last_change: new Date(u.last_change_at),
                })),
                ['user', 'entries', 'member', 'time', 'first_entered', 'last_change'],
              ),
            );
            ctx.out.error(`${result.users.length} of ${result.total} users`);
          }
          return undefined;
        },
      ),
    );

  segment
    .command('sizes <segment>')
    .description('size at the end of each UTC day (default: the last 90 days), with entries and exits')
    .option('--from <iso>', 'the first day (default: 89 days before --to)')
    .option('--to <iso>', 'the last day (default: today)')
    .addOption(jsonOption())
    .action(
      action(async (ctx, idOrName: string, flags: { from?: string; to?: string }) => {
        const to = parseTimeParam(flags.to, 'to');
        const from = parseTimeParam(flags.from, 'from');
        const history = await run(
          ctx,
          'segment sizes',
          (e) => {
            const end = to ?? new Date();
            return segmentSizes(e, ctx.options.workspace, idOrName, {
              from: from ?? new Date(end.getTime() - 89 * DAY_MS),
              to: end,
            });
          },
          (c) => c.get<SizeHistory>(`${seg(idOrName)}/sizes${queryString({ from, to })}`),
        );
        if (ctx.options.json) ctx.out.json(history);
        else {
          ctx.out.line(
            table(
              history.days.map((d) => ({ ...d, source: d.recorded ? 'recorded' : 'log' })),
              ['day', 'size', 'entered', 'exited', 'source'],
            ),
          );
          ctx.out.error(`${history.refreshes.length.toLocaleString('en-US')} refreshes in the range`);
        }
        return undefined;
      }),
    );

  segment
    .command('migration')
    .description('how users moved between segments from one time to another: a from → to table with totals')
    .requiredOption(
      '--segments <list>',
      'segment ids or names, comma-separated, in priority order (escape a comma in a name as \\,)',
    )
    .requiredOption('--from <iso>', 'the first time')
    .option('--to <iso>', 'the second time (default: now)')
    .addOption(jsonOption())
    .action(
      action(async (ctx, flags: { segments: string; from: string; to?: string }) => {
        const segments = parseSegmentList(flags.segments);
        const from = parseTimeParam(flags.from, 'from') as Date;
        const to = parseTimeParam(flags.to, 'to');
        const result = await run(
          ctx,
          'segment migration',
          (e) => segmentMigration(e, ctx.options.workspace, { segments, from, to: to ?? new Date() }),
          (c) =>
            c.get<MigrationResult>(
              `/api/segments/migration${queryString({ segments: segments.map(escapeSegmentListItem).join(','), from, to })}`,
            ),
        );
        if (ctx.options.json) ctx.out.json(result);
        else {
          ctx.out.line(
            `from ${new Date(result.from).toISOString()} (rows) to ${new Date(result.to).toISOString()} (columns)`,
          );
          ctx.out.line(migrationTable(result));
          ctx.out.line(
            `in several of these segments (counted in the first): ${result.overlaps.from} at from, ${result.overlaps.to} at to`,
          );
        }
        return undefined;
      }),
    );
}
