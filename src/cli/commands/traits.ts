import type { Command } from 'commander';
import { type AnalyticsRun, listRuns } from '../../analytics/runs.js';
import { type AnalyticsSettings, readSettings, writeSettings } from '../../analytics/settings.js';
import {
  type TraitChange,
  type TraitMigration,
  traitDistribution,
  traitMigration,
  userTraitHistory,
} from '../../analytics/traits/history.js';
import { refreshComputedTraits, type TraitRunResult } from '../../analytics/traits/refresh.js';
import { parseTimeParam } from '../../live/history/membership-at.js';
import { table } from '../output.js';
import { action, jsonOption, positiveInt } from '../program.js';
import { parseAsOf, readJsonFile } from '../read-input.js';
import { migrationTable } from './segment-history.js';
import { queryString, run } from './segment-shared.js';

/** `strata traits …` (computed traits: run, runs, show, migration, history) and `strata settings`. */

const TRAITS = '/api/analytics/traits';
const trait = (name: string) => `${TRAITS}/${encodeURIComponent(name)}`;

function printRun(out: { line(text?: string): void }, result: TraitRunResult): void {
  const { run: r } = result;
  const stats = r.stats ?? {};
  out.line(`run        ${r.id} (${r.status})`);
  out.line(`as of      ${r.asOf ? r.asOf.toISOString() : '-'}`);
  out.line(`changed    ${Number(stats['changedUsers'] ?? 0).toLocaleString('en-US')} users`);
  const changes = (stats['changes'] ?? {}) as Record<string, number>;
  out.line(
    table(
      Object.entries(changes).map(([name, n]) => ({ trait: name, 'new values': n })),
      ['trait', 'new values'],
    ),
  );
  if (result.segments.length > 0) {
    out.line();
    out.line('segments refreshed because they read a computed trait:');
    out.line(
      table(
        result.segments.map((s) => ({ segment: s.name, size: s.size, entered: s.entered, exited: s.exited })),
        ['segment', 'size', 'entered', 'exited'],
      ),
    );
  }
}

const runDate = (run: AnalyticsRun): AnalyticsRun => ({
  ...run,
  asOf: run.asOf ? new Date(run.asOf) : null,
  startedAt: new Date(run.startedAt),
  finishedAt: run.finishedAt ? new Date(run.finishedAt) : null,
});

export function registerTraits(program: Command): void {
  const traits = program
    .command('traits')
    .description('computed traits (rfm_segment, r_score, lifecycle_stage, value_tier, …): run, inspect, history');

  traits
    .command('refresh')
    .description('compute RFM, lifecycle, journey and value tiers now and write them into the profiles')
    .option('--as-of <iso>', 'compute as of this time (default: the settings, normally now)')
    .addOption(jsonOption())
    .action(
      action(async (ctx, flags: { asOf?: string }) => {
        const asOf = parseAsOf(flags.asOf);
        const result = await run<TraitRunResult>(
          ctx,
          'traits refresh',
          (engine) =>
            refreshComputedTraits(engine, ctx.options.workspace, { trigger: 'manual', ...(asOf ? { asOf } : {}) }),
          async (client) => {
            const answer = await client.post<TraitRunResult>(`${TRAITS}/refresh`, asOf ? { asOf } : {});
            return { ...answer, run: runDate(answer.run) };
          },
        );
        if (ctx.options.json) ctx.out.json(result);
        else printRun(ctx.out, result);
        return undefined;
      }),
    );

  traits
    .command('runs')
    .description('recent analytics runs, newest first')
    .option('--limit <n>', 'how many (default 20)', positiveInt('limit'), 20)
    .addOption(jsonOption())
    .action(
      action(async (ctx, flags: { limit: number }) => {
        const runs = await run<AnalyticsRun[]>(
          ctx,
          'traits runs',
          (engine) => listRuns(engine, ctx.options.workspace, { limit: flags.limit }),
          async (client) =>
            (await client.get<AnalyticsRun[]>(`/api/analytics/runs${queryString({ limit: flags.limit })}`)).map(
              runDate,
            ),
        );
        if (ctx.options.json) {
          ctx.out.json(runs);
          return undefined;
        }
        ctx.out.line(
          table(
            runs.map((r) => ({
              id: r.id,
              kind: r.kind,
              status: r.status,
              trigger: r.trigger,
              'as of': r.asOf,
              started: r.startedAt,
              seconds: r.finishedAt ? (r.finishedAt.getTime() - r.startedAt.getTime()) / 1000 : null,
              error: r.error,
            })),
            ['id', 'kind', 'status', 'trigger', 'as of', 'started', 'seconds', 'error'],
          ),
        );
        return undefined;
      }),
    );

  traits
    .command('show <trait>')
    .description('how many users hold each value of a computed trait (from its history: now, or --at a past time)')
    .option('--at <iso>', 'at this time (default: now)')
    .addOption(jsonOption())
    .action(
      action(async (ctx, name: string, flags: { at?: string }) => {
        const at = parseTimeParam(flags.at, 'at') ?? new Date();
        const result = await run(
          ctx,
          'traits show',
          (engine) => traitDistribution(engine, ctx.options.workspace, name, at),
          (client) => client.get<Awaited<ReturnType<typeof traitDistribution>>>(`${trait(name)}${queryString({ at })}`),
        );
        if (ctx.options.json) {
          ctx.out.json(result);
          return undefined;
        }
        ctx.out.line(`${name} at ${at.toISOString()}: ${result.total.toLocaleString('en-US')} users with a value`);
        ctx.out.line(
          table(
            result.values.map((v) => ({
              value: typeof v.value === 'string' ? v.value : JSON.stringify(v.value),
              users: v.users,
              share: result.total > 0 ? `${((100 * v.users) / result.total).toFixed(1)}%` : '',
            })),
            ['value', 'users', 'share'],
          ),
        );
        return undefined;
      }),
    );

  traits
    .command('migration <trait>')
    .description('how users moved between the values of a computed trait from one date to another')
    .requiredOption('--from <iso>', 'the earlier date')
    .option('--to <iso>', 'the later date (default: now)')
    .addOption(jsonOption())
    .action(
      action(async (ctx, name: string, flags: { from: string; to?: string }) => {
        const from = parseTimeParam(flags.from, 'from') as Date;
        const to = parseTimeParam(flags.to, 'to') ?? new Date();
        const result = await run<TraitMigration>(
          ctx,
          'traits migration',
          (engine) => traitMigration(engine, ctx.options.workspace, { trait: name, from, to }),
          (client) => client.get<TraitMigration>(`${trait(name)}/migration${queryString({ from, to })}`),
        );
        if (ctx.options.json) ctx.out.json(result);
        else {
          ctx.out.line(`${name}: ${from.toISOString()} → ${to.toISOString()} (rows: from, columns: to)`);
          ctx.out.line(migrationTable(result));
        }
        return undefined;
      }),
    );

  traits
    .command('history <user>')
    .description("a user's computed-trait values over time")
    .option('--trait <name>', 'only this trait')
    .addOption(jsonOption())
    .action(
      action(async (ctx, user: string, flags: { trait?: string }) => {
        const changes = await run<TraitChange[]>(
          ctx,
          'traits history',
          (engine) => userTraitHistory(engine, ctx.options.workspace, user, flags.trait),
          (client) => client.get<TraitChange[]>(`${TRAITS}/history${queryString({ user, trait: flags.trait })}`),
        );
        if (ctx.options.json) ctx.out.json(changes);
        else
          ctx.out.line(
            table(
              changes.map((c) => ({
                at: new Date(c.at),
                trait: c.trait,
                value: c.value === null ? '(removed)' : typeof c.value === 'string' ? c.value : JSON.stringify(c.value),
                run: c.runId,
              })),
              ['at', 'trait', 'value', 'run'],
            ),
          );
        return undefined;
      }),
    );
}

export function registerSettings(program: Command): void {
  program
    .command('settings')
    .description('show or replace the analytics settings (orders, RFM groups, lifecycle, journey, value tiers)')
    .option('--set <file>', 'replace the settings with this JSON document (fields left out take their defaults)')
    .option('--reset', 'back to the defaults')
    .addOption(jsonOption())
    .action(
      action(async (ctx, flags: { set?: string; reset?: boolean }) => {
        const input = flags.reset ? {} : flags.set ? readJsonFile(flags.set) : undefined;
        const settings = await run<AnalyticsSettings>(
          ctx,
          'settings',
          (engine) =>
            input === undefined
              ? readSettings(engine, ctx.options.workspace)
              : writeSettings(engine, ctx.options.workspace, input, new Date()),
          (client) =>
            input === undefined
              ? client.get<AnalyticsSettings>('/api/analytics/settings')
              : client.put<AnalyticsSettings>('/api/analytics/settings', input),
        );
        ctx.out.json(settings);
        return undefined;
      }),
    );
}
