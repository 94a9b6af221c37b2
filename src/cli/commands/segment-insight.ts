import type { Command } from 'commander';
import { type Comparison, compareSegments } from '../../analytics/compare.js';
import { type Warning, type WorkspaceWarnings, workspaceWarnings } from '../../analytics/guards.js';
import { type InsightInput, type SegmentInsight, segmentInsight } from '../../analytics/insight/index.js';
import { type OverlapMatrix, overlapMatrix } from '../../analytics/overlap.js';
import { UserError } from '../../errors.js';
import { parseTimeParam } from '../../live/history/membership-at.js';
import { escapeSegmentListItem } from '../../live/history/migration.js';
import { table } from '../output.js';
import { action, type CommandContext, jsonOption, positiveInt, wholeNumber } from '../program.js';
import { queryString, run, seg, shown } from './segment-shared.js';

/** `strata segment insight|compare|overlap|warnings`: what a segment is and whether to trust it (docs/analytics.md). */

interface ConversionFlags {
  asOf?: string;
  from?: string;
  to?: string;
  withinDays?: number;
}

interface InsightFlags extends ConversionFlags {
  weeks?: number;
  top?: number;
  days?: number;
}

const pct = (share: number | null | undefined) =>
  share === null || share === undefined ? '-' : `${(share * 100).toFixed(1)}%`;
const money = (value: number | null | undefined) =>
  value === null || value === undefined
    ? '-'
    : value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const whole = (value: number) => value.toLocaleString('en-US');
const q = (value: number) => (value === 0 ? '0' : value < 0.001 ? value.toExponential(1) : value.toFixed(3));
const lift = (value: number | null) => (value === null ? '∞' : value.toFixed(2));
const iso = (value: Date | string) => new Date(value).toISOString();

/** The library options and the API query string for the same flags. */
function insightInput(flags: InsightFlags): {
  input: InsightInput;
  query: Record<string, string | number | undefined>;
} {
  const asOf = parseTimeParam(flags.asOf, 'as-of');
  if ((flags.from === undefined) !== (flags.to === undefined))
    throw new UserError('missing_option', 'give both --from and --to', flags.from ? 'to' : 'from', 400);
  if (flags.withinDays !== undefined && flags.from === undefined)
    throw new UserError('missing_option', '--within-days needs --from and --to', 'from', 400);
  const input: InsightInput = {
    ...(asOf ? { asOf } : {}),
    ...(flags.from && flags.to
      ? {
          conversion: {
            from: flags.from,
            to: flags.to,
            ...(flags.withinDays === undefined ? {} : { withinDays: flags.withinDays }),
          },
        }
      : {}),
    ...(flags.weeks === undefined ? {} : { retentionWeeks: flags.weeks }),
    ...(flags.top === undefined ? {} : { top: flags.top }),
    ...(flags.days === undefined ? {} : { eventDays: flags.days }),
  };
  const query = {
    asOf: asOf?.toISOString(),
    from: flags.from,
    to: flags.to,
    withinDays: flags.withinDays,
    weeks: flags.weeks,
    top: flags.top,
    days: flags.days,
  };
  return { input, query };
}

const conversionOptions = (command: Command) =>
  command
    .option('--as-of <iso>', 'evaluate the segment at this time (default: now)')
    .option('--from <event>', 'conversion from this event (default: Product Viewed, when the store has it)')
    .option('--to <event>', 'conversion to this event (default: Order Completed)')
    .option('--within-days <n>', 'count --to only this many days after the first --from', positiveInt('within-days'))
    .addOption(jsonOption());

const listParam = (items: readonly string[]) => items.map(escapeSegmentListItem).join(',');

/** `! message [code]` for a warning, `i …` for an info. */
const warningLine = (w: Warning) => `${w.severity === 'warning' ? '!' : 'i'} ${shown(w.message)} [${w.code}]`;

function printWarnings(ctx: CommandContext, warnings: readonly Warning[]): void {
  if (warnings.length === 0) return;
  ctx.out.line();
  ctx.out.line('Warnings');
  for (const w of warnings) ctx.out.line(warningLine(w));
}

function printInsight(ctx: CommandContext, r: SegmentInsight, eventDays: number): void {
  const h = r.headline;
  const title = r.segment ? `"${shown(r.segment.name)}" (${r.segment.kind})` : 'members';
  ctx.out.line(`Segment ${title} at ${iso(r.asOf)}`);
  ctx.out.line(`size      ${whole(h.size)} of ${whole(h.users)} users (${pct(h.share)})`);
  ctx.out.line(`revenue   ${money(h.revenue)} (${pct(h.revenueShare)} of ${money(h.totalRevenue)})`);
  ctx.out.line(
    `orders    ${whole(h.orders)} (${h.ordersPerMember?.toFixed(2) ?? '-'} per member), AOV ${money(h.aov)}`,
  );
  ctx.out.line(`buyers    ${whole(h.buyers)} (${pct(h.buyersShare)} of members)`);

  const d = r.distinguishing;
  ctx.out.line();
  ctx.out.line(`Distinguishing traits and events (${d.tested} tested, ${d.significant} with q < 0.05)`);
  const left = [...d.excluded.traits, ...d.excluded.events].map(shown);
  if (left.length > 0) ctx.out.line(`(left out because the rule reads them: ${left.join(', ')})`);
  const proportions = [...d.traits, ...d.events].map((item) => ({
    kind: item.kind,
    key: shown(item.key),
    value: item.value === null ? '' : shown(String(item.value)),
    members: pct(item.shareIn),
    others: pct(item.shareOut),
    lift: lift(item.lift),
    q: q(item.qValue),
  }));
  if (proportions.length > 0)
    ctx.out.line(table(proportions, ['kind', 'key', 'value', 'members', 'others', 'lift', 'q']));
  else ctx.out.line('(nothing to compare)');
  if (d.numericTraits.length > 0) {
    ctx.out.line();
    ctx.out.line(
      table(
        d.numericTraits.map((n) => ({
          trait: shown(n.key),
          members: n.meanIn.toFixed(2),
          others: n.meanOut.toFixed(2),
          difference: n.difference.toFixed(2),
          q: q(n.qValue),
        })),
        ['trait', 'members', 'others', 'difference', 'q'],
      ),
    );
  }
  ctx.out.error(`events are compared over the ${eventDays} days up to asOf`);

  ctx.out.line();
  if (r.conversion) {
    const c = r.conversion;
    const within = c.withinDays === null ? '' : ` within ${c.withinDays} days`;
    ctx.out.line(`Conversion ${shown(c.from)} → ${shown(c.to)}${within}`);
    ctx.out.line(`members   ${whole(c.members.converted)} of ${whole(c.members.started)} (${pct(c.members.rate)})`);
    ctx.out.line(`others    ${whole(c.others.converted)} of ${whole(c.others.started)} (${pct(c.others.rate)})`);
  } else ctx.out.line('Conversion: no Product Viewed and Order Completed events (give --from and --to)');

  ctx.out.line();
  ctx.out.line('Retention: share with an event in week k after their first event (complete weeks only)');
  const cells = (label: string, values: readonly string[]) =>
    `${label.padEnd(8)}${values.map((v) => v.padStart(8)).join('')}`;
  ctx.out.line(
    cells(
      'week',
      r.retention.members.map((p) => String(p.week)),
    ),
  );
  ctx.out.line(
    cells(
      'members',
      r.retention.members.map((p) => pct(p.share)),
    ),
  );
  ctx.out.line(
    cells(
      'others',
      r.retention.others.map((p) => pct(p.share)),
    ),
  );

  if (r.saas) {
    const s = r.saas;
    ctx.out.line();
    ctx.out.line('SaaS');
    ctx.out.line(`MRR       ${money(s.mrr)} (${pct(s.mrrShare)} of ${money(s.totalMrr)})`);
    ctx.out.line(`paying    ${whole(s.payingMembers)} of ${whole(h.size)} members, ARPU ${money(s.arpu)}`);
    ctx.out.line(
      `churn     ${pct(s.churnRate)} a month (${whole(s.churnedMembers)} of ${whole(s.payingMembersBefore)} paying 30 days earlier)`,
    );
    ctx.out.line(`LTV       ${s.ltv === null ? `- (${s.ltvNote})` : money(s.ltv)}`);
  }
  printWarnings(ctx, r.warnings);
}

function overlapTable(o: OverlapMatrix): string {
  const names = new Map(o.segments.map((s) => [s.id, shown(s.name)]));
  return table(
    o.pairs.map((p) => ({
      a: names.get(p.a) ?? p.a,
      b: names.get(p.b) ?? p.b,
      both: p.both,
      jaccard: pct(p.jaccard),
      'a in b': pct(p.aInB),
      'b in a': pct(p.bInA),
    })),
    ['a', 'b', 'both', 'jaccard', 'a in b', 'b in a'],
  );
}

export function registerSegmentInsight(segment: Command): void {
  conversionOptions(segment.command('insight <segment>'))
    .description('what sets a segment apart: size, revenue, distinguishing traits and events, conversion, retention')
    .option('--weeks <n>', 'the last week of the retention curve (default 12)', wholeNumber('weeks'))
    .option('--top <n>', 'distinguishing items listed per kind (default 10)', positiveInt('top'))
    .option('--days <n>', 'compare events over this many days up to --as-of (default 90)', positiveInt('days'))
    .action(
      action(async (ctx, idOrName: string, flags: InsightFlags) => {
        const { input, query } = insightInput(flags);
        const result = await run(
          ctx,
          'segment insight',
          (e) => segmentInsight(e, ctx.options.workspace, idOrName, input),
          (c) => c.get<SegmentInsight>(`${seg(idOrName)}/insight${queryString(query)}`),
        );
        if (ctx.options.json) ctx.out.json(result);
        else printInsight(ctx, result, flags.days ?? 90);
        return undefined;
      }),
    );

  conversionOptions(segment.command('compare <segments...>'))
    .description('2–8 segments side by side (size, revenue, AOV, conversion, retention, MRR) with their overlap')
    .action(
      action(async (ctx, names: string[], flags: ConversionFlags) => {
        const { input, query } = insightInput(flags);
        const result = await run(
          ctx,
          'segment compare',
          (e) => compareSegments(e, ctx.options.workspace, names, input),
          (c) => c.get<Comparison>(`/api/segments/compare${queryString({ segments: listParam(names), ...query })}`),
        );
        if (ctx.options.json) {
          ctx.out.json(result);
          return undefined;
        }
        const conversion = result.conversion
          ? `${shown(result.conversion.from)} → ${shown(result.conversion.to)}`
          : null;
        ctx.out.line(`at ${iso(result.asOf)}${conversion ? `; conversion ${conversion}` : ''}`);
        const metrics: [string, (s: Comparison['segments'][number]) => string][] = [
          ['size', (s) => whole(s.size)],
          ['share', (s) => pct(s.share)],
          ['revenue', (s) => money(s.revenue)],
          ['revenue share', (s) => pct(s.revenueShare)],
          ['AOV', (s) => money(s.aov)],
          ['orders/member', (s) => s.ordersPerMember?.toFixed(2) ?? '-'],
          ['buyers', (s) => pct(s.buyersShare)],
          ['conversion', (s) => pct(s.conversionRate)],
          ['retention w1', (s) => pct(s.retentionWeek1)],
          ['retention w4', (s) => pct(s.retentionWeek4)],
          ...(result.segments.some((s) => s.mrr !== null)
            ? ([
                ['MRR', (s) => money(s.mrr)],
                ['ARPU', (s) => money(s.arpu)],
              ] as [string, (s: Comparison['segments'][number]) => string][])
            : []),
        ];
        const columns = result.segments.map((s) => shown(s.name));
        ctx.out.line(
          table(
            metrics.map(([label, value]) =>
              Object.fromEntries([['metric', label], ...result.segments.map((s, i) => [columns[i], value(s)])]),
            ),
            ['metric', ...columns],
          ),
        );
        ctx.out.line();
        ctx.out.line(overlapTable(result.overlap));
        return undefined;
      }),
    );

  segment
    .command('overlap <segments...>')
    .description('how 2–20 segments overlap: members in common, Jaccard, and how much of each is inside the other')
    .option('--as-of <iso>', 'evaluate the segments at this time (default: now)')
    .addOption(jsonOption())
    .action(
      action(async (ctx, names: string[], flags: { asOf?: string }) => {
        const asOf = parseTimeParam(flags.asOf, 'as-of');
        const result = await run(
          ctx,
          'segment overlap',
          (e) => overlapMatrix(e, ctx.options.workspace, names, asOf ? { asOf } : {}),
          (c) => c.get<OverlapMatrix>(`/api/segments/overlap${queryString({ segments: listParam(names), asOf })}`),
        );
        if (ctx.options.json) {
          ctx.out.json(result);
          return undefined;
        }
        ctx.out.line(
          table(
            result.segments.map((s) => ({ segment: shown(s.name), size: s.size })),
            ['segment', 'size'],
          ),
        );
        ctx.out.line();
        ctx.out.line(overlapTable(result));
        ctx.out.error(`at ${iso(result.asOf)}`);
        return undefined;
      }),
    );

  segment
    .command('warnings')
    .description('guards over every saved segment: empty, too small, near duplicates, not refreshed')
    .addOption(jsonOption())
    .action(
      action(async (ctx) => {
        const result = await run(
          ctx,
          'segment warnings',
          (e) => workspaceWarnings(e, ctx.options.workspace, { mode: 'no-server' }),
          (c) => c.get<WorkspaceWarnings>('/api/segments/warnings'),
        );
        if (ctx.options.json) {
          ctx.out.json(result);
          return undefined;
        }
        if (result.warnings.length === 0) ctx.out.line(`no warnings for ${result.segments} segments`);
        else for (const w of result.warnings) ctx.out.line(warningLine(w));
        ctx.out.error(
          `${result.warnings.length} warnings; ${result.segments} segments, ${result.comparedForOverlap} compared for overlap`,
        );
        return undefined;
      }),
    );
}
