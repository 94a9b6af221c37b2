import type { Command } from 'commander';
import { type JourneySummary, journeySummary } from '../../analytics/journey.js';
import { type LifecycleSummary, lifecycleSummary } from '../../analytics/lifecycle/summary.js';
import { readSettings } from '../../analytics/settings.js';
import { type ValueTierSummary, valueTierSummary } from '../../analytics/value-tiers.js';
import { parseTimeParam } from '../../live/history/membership-at.js';
import { table } from '../output.js';
import { action, type CommandContext, jsonOption } from '../program.js';
import { withStore } from '../store-access.js';
import { percent } from './rfm.js';
import { queryString } from './segment-shared.js';

/** `strata lifecycle`, `strata journey`, `strata value-tiers`: the user and customer analyses beside `strata rfm`. */

const asOfLine = (asOf: Date | string | null) => `as of ${asOf === null ? '-' : new Date(asOf).toISOString()}`;
const count = (n: number) => n.toLocaleString('en-US');

function printLifecycle(ctx: CommandContext, summary: LifecycleSummary): void {
  const t = summary.thresholds;
  ctx.out.line(`${count(summary.users)} users ${asOfLine(summary.asOf)}`);
  ctx.out.line();
  ctx.out.line(
    table(
      summary.stages.map((s) => ({ stage: s.stage, users: s.users, share: percent(s.share) })),
      ['stage', 'users', 'share'],
    ),
  );
  ctx.out.line();
  const origin =
    t.source === 'derived'
      ? `derived from ${count(t.gaps)} gaps between purchase days`
      : t.source === 'default'
        ? `defaults: ${t.reason ?? 'too few gaps'}`
        : 'configured';
  ctx.out.line(
    `thresholds (${origin}): new ≤ ${t.newDays} d, active ≤ ${t.activeDays} d, at risk ≤ ${t.atRiskDays} d, dormant ≤ ${t.dormantDays} d`,
  );
}

function printJourney(ctx: CommandContext, summary: JourneySummary): void {
  ctx.out.line(`${count(summary.users)} users ${asOfLine(summary.asOf)}; ${count(summary.none)} reached no stage`);
  ctx.out.line();
  ctx.out.line(
    table(
      summary.funnel.map((s) => ({
        stage: s.stage,
        'furthest here': s.users,
        reached: s.reached,
        share: percent(s.share),
        conversion: percent(s.conversion),
      })),
      ['stage', 'furthest here', 'reached', 'share', 'conversion'],
    ),
  );
}

function printValueTiers(ctx: CommandContext, summary: ValueTierSummary): void {
  ctx.out.line(
    `${count(summary.customers)} customers ${asOfLine(summary.asOf)}, revenue ${summary.revenue.toLocaleString('en-US', { maximumFractionDigits: 2 })}`,
  );
  ctx.out.line();
  ctx.out.line(
    table(
      summary.tiers.map((t) => ({
        tier: t.tier,
        customers: t.customers,
        'of customers': percent(t.customerShare),
        revenue: t.revenue,
        'of revenue': percent(t.revenueShare),
      })),
      ['tier', 'customers', 'of customers', 'revenue', 'of revenue'],
    ),
  );
  ctx.out.line();
  ctx.out.line(`${percent(summary.paretoShare)} of customers make 80% of revenue`);
}

export function registerAnalytics(program: Command): void {
  program
    .command('lifecycle')
    .description('users per lifecycle stage (new, active, buyers, at risk, dormant, churned, reactivated)')
    .option('--as-of <iso>', 'as-of time (default: midnight UTC after the latest event or sign-up)')
    .addOption(jsonOption())
    .action(
      action(async (ctx, flags: { asOf?: string }) => {
        const asOf = parseTimeParam(flags.asOf, 'as-of');
        const summary = await withStore<LifecycleSummary>(ctx.options, 'lifecycle', {
          local: async (engine) => {
            const settings = await readSettings(engine, ctx.options.workspace);
            const options = { orders: settings.orders, config: settings.lifecycle, ...(asOf ? { asOf } : {}) };
            return lifecycleSummary(engine, ctx.options.workspace, options);
          },
          remote: (client) => client.get<LifecycleSummary>(`/api/analytics/lifecycle${queryString({ asOf })}`),
        });
        if (ctx.options.json) ctx.out.json(summary);
        else printLifecycle(ctx, summary);
        return undefined;
      }),
    );

  program
    .command('journey')
    .description('the journey funnel: awareness → consideration → decision → retention')
    .option('--as-of <iso>', 'as-of time (default: midnight UTC after the latest event or sign-up)')
    .addOption(jsonOption())
    .action(
      action(async (ctx, flags: { asOf?: string }) => {
        const asOf = parseTimeParam(flags.asOf, 'as-of');
        const summary = await withStore<JourneySummary>(ctx.options, 'journey', {
          local: async (engine) => {
            const settings = await readSettings(engine, ctx.options.workspace);
            return journeySummary(engine, ctx.options.workspace, {
              config: settings.journey,
              ...(asOf ? { asOf } : {}),
            });
          },
          remote: (client) => client.get<JourneySummary>(`/api/analytics/journey${queryString({ asOf })}`),
        });
        if (ctx.options.json) ctx.out.json(summary);
        else printJourney(ctx, summary);
        return undefined;
      }),
    );

  program
    .command('value-tiers')
    .description('customers and revenue per value tier (A: the top 80% of revenue, B: the next 15%, C: the rest)')
    .option('--as-of <iso>', 'as-of time (default: midnight UTC after the last order)')
    .addOption(jsonOption())
    .action(
      action(async (ctx, flags: { asOf?: string }) => {
        const asOf = parseTimeParam(flags.asOf, 'as-of');
        const summary = await withStore<ValueTierSummary>(ctx.options, 'value-tiers', {
          local: async (engine) => {
            const settings = await readSettings(engine, ctx.options.workspace);
            const options = { orders: settings.orders, config: settings.valueTiers, ...(asOf ? { asOf } : {}) };
            return valueTierSummary(engine, ctx.options.workspace, options);
          },
          remote: (client) => client.get<ValueTierSummary>(`/api/analytics/value-tiers${queryString({ asOf })}`),
        });
        if (ctx.options.json) ctx.out.json(summary);
        else printValueTiers(ctx, summary);
        return undefined;
      }),
    );
}
