import { rmSync } from 'node:fs';
import type { Command } from 'commander';
import { DEFAULT_DEMO_USERS, type DemoSummary, loadDemo } from '../../demo/index.js';
import { prepareDemoWorkspace } from '../../demo/starter.js';
import { describeLocation, type StoreLocation } from '../../engines/location.js';
import { openStore } from '../../engines/open.js';
import { UserError } from '../../errors.js';
import { createApiKey } from '../../keys/api-keys.js';
import { clearWorkspace } from '../../store/clear.js';
import { getStats } from '../../store/stats.js';
import { ExitCode } from '../exit-codes.js';
import { action, portNumber, positiveInt, wholeNumber } from '../program.js';
import { ProgressBar } from '../progress.js';
import { locationFlags } from '../store-config.js';
import { assertNotServed, serveUntilStopped } from './serve.js';

interface DemoFlags {
  users: number;
  seed: number;
  end?: string;
  serve: boolean;
  port: number;
  host: string;
  fresh?: boolean;
  starter: boolean;
}

/** `--fresh` on a local store: its files go (a ClickHouse server keeps other workspaces: see `clearWorkspace`). */
function removeLocalStore(store: StoreLocation): void {
  if (store.engine === 'duckdb' && store.db !== ':memory:') {
    rmSync(store.db, { force: true });
    rmSync(`${store.db}.wal`, { force: true });
  } else if (store.engine === 'chdb') rmSync(store.data, { recursive: true, force: true });
}

function parseEnd(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const end = new Date(value);
  if (Number.isNaN(end.getTime()))
    throw new UserError('invalid_option', `--end must be an ISO date, got "${value}"`, 'end');
  return end;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('generate a realistic two-year business (shop + SaaS + B2B) into the store, then serve it')
    .option('--users <n>', 'how many users to generate', positiveInt('users'), DEFAULT_DEMO_USERS)
    .option('--seed <n>', 'random seed: the same seed and end date give the same data', wholeNumber('seed'), 42)
    .option('--end <iso>', 'last day of the generated history (default: today, UTC)')
    .option(
      '--fresh',
      'start from an empty store: the DuckDB file or chDB directory is deleted; on ClickHouse, the workspace is emptied',
    )
    .option('--no-serve', 'only generate, do not start the server')
    .option('--no-starter', 'skip the starter kit: computed traits, the three models and ten example segments')
    .option('--port <port>', 'TCP port for the server', portNumber, 8787)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .action(
      action(async ({ options, out }, flags: DemoFlags) => {
        const store = options.store;
        await assertNotServed(store);
        if (flags.fresh) removeLocalStore(store);
        const engine = await openStore(store);
        if (flags.fresh && store.engine === 'clickhouse') await clearWorkspace(engine, options.workspace);
        const before = await getStats(engine, options.workspace);
        let summary: DemoSummary | undefined;
        if (before.events > 0) {
          out.error(
            `${describeLocation(store)} already holds ${before.events.toLocaleString('en-US')} events; using them (--fresh rebuilds).`,
          );
        } else {
          const bar = new ProgressBar('generating', out.isTTY && !options.json);
          const end = parseEnd(flags.end);
          summary = await loadDemo(engine, {
            workspace: options.workspace,
            users: flags.users,
            seed: flags.seed,
            ...(end ? { end } : {}),
            onProgress: (p) =>
              bar.update(p.usersDone, p.users, `users, ${p.messages.toLocaleString('en-US')} messages`),
          });
          bar.done();
          out.error(
            `demo: ${summary.users.toLocaleString('en-US')} users, ${summary.accounts.toLocaleString('en-US')} accounts, ` +
              `${summary.stored.toLocaleString('en-US')} events from ${summary.from.toISOString().slice(0, 10)} to ` +
              `${summary.to.toISOString().slice(0, 10)} in ${(summary.durationMs / 1000).toFixed(1)} s`,
          );
        }
        if (flags.starter) {
          const end = summary?.to ?? before.lastEvent ?? new Date();
          const started = Date.now();
          const starter = await prepareDemoWorkspace(engine, options.workspace, {
            end,
            log: (message) => out.error(`starter: ${message}`),
          });
          if (starter.segments > 0)
            out.error(
              `starter: ${starter.segments} segments and the ${starter.models.join(', ')} models in ` +
                `${((Date.now() - started) / 1000).toFixed(1)} s`,
            );
        }
        const admin = await createApiKey(engine, { workspace: options.workspace, scope: 'admin', name: 'demo admin' });
        const write = await createApiKey(engine, { workspace: options.workspace, scope: 'write', name: 'demo write' });
        if (options.json)
          out.json({ store: describeLocation(store), summary, adminKey: admin.key, writeKey: write.key });
        if (!flags.serve) {
          await engine.close();
          if (!options.json) {
            out.line(`admin key: ${admin.key}`);
            out.line(`write key: ${write.key}`);
            out.line(`next: strata serve ${locationFlags(store)}`);
          }
          return ExitCode.ok;
        }
        await serveUntilStopped(engine, store, flags, out, (url) => {
          if (options.json) return;
          // The key travels in the fragment, which browsers never send to a server; the dashboard stores it and
          // removes it from the address bar.
          out.line(`Dashboard:    ${url}/#key=${admin.key}`);
          out.line(`API docs:     ${url}/api/docs`);
          out.line(`Admin key:    ${admin.key}`);
          out.line(
            `Send events:  curl -u '${write.key}:' -H 'content-type: application/json' ` +
              `-d '{"userId":"u000001","event":"Signed Up"}' ${url}/v1/track`,
          );
        });
        return ExitCode.ok;
      }),
    );
}
