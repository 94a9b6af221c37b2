import type { Command } from 'commander';
import { getStats, type StoreStats } from '../../store/stats.js';
import { table } from '../output.js';
import { action, jsonOption } from '../program.js';
import { withStore } from '../store-access.js';

export function registerStats(program: Command): void {
  program
    .command('stats')
    .description('counts of profiles, accounts, events by name, and the date range')
    .addOption(jsonOption())
    .action(
      action(async ({ options, out }) => {
        const stats = await withStore<StoreStats>(options, 'stats', {
          local: (engine) => getStats(engine, options.workspace),
          remote: (client) => client.get<StoreStats>('/api/stats'),
        });
        if (options.json) {
          out.json(stats);
          return;
        }
        out.line(`workspace   ${stats.workspace}`);
        out.line(`profiles    ${stats.profiles.toLocaleString('en-US')}`);
        out.line(`accounts    ${stats.accounts.toLocaleString('en-US')}`);
        out.line(`anonymous   ${stats.anonymousVisitors.toLocaleString('en-US')}`);
        out.line(`events      ${stats.events.toLocaleString('en-US')}`);
        out.line(`revenue     ${stats.revenue.toLocaleString('en-US', { maximumFractionDigits: 2 })}`);
        out.line(`from        ${stats.firstEvent ? new Date(stats.firstEvent).toISOString() : '-'}`);
        out.line(`to          ${stats.lastEvent ? new Date(stats.lastEvent).toISOString() : '-'}`);
        if (stats.eventsByName.length > 0) {
          out.line();
          out.line(
            table(
              stats.eventsByName.map((e) => ({ event: e.name, count: e.count })),
              ['event', 'count'],
            ),
          );
        }
        return undefined;
      }),
    );
}
