import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { registerAnalytics } from './commands/analytics.js';
import { registerDemo } from './commands/demo.js';
import { registerImport } from './commands/import.js';
import { registerKeys } from './commands/keys.js';
import { registerMigrate } from './commands/migrate.js';
import { registerModels } from './commands/models.js';
import { registerQuality } from './commands/quality.js';
import { registerRfm } from './commands/rfm.js';
import { registerSegment } from './commands/segment.js';
import { registerServe } from './commands/serve.js';
import { registerStats } from './commands/stats.js';
import { registerSettings, registerTraits } from './commands/traits.js';
import { registerWebhooks } from './commands/webhooks.js';
import { ExitCode } from './exit-codes.js';
import { consoleOutput, type Output } from './output.js';
import { state } from './program.js';
import { DEFAULT_CONFIG_FILE, ENVIRONMENT } from './store-config.js';

/** Builds the `strata` command tree. */
export function buildProgram(): Command {
  const program = new Command('strata')
    .description('Strata: collect, segment and act on your users and customers')
    .version(VERSION)
    .option('--engine <name>', 'where the data lives: duckdb (default), chdb (embedded ClickHouse) or clickhouse')
    .option('--db <file>', 'the DuckDB file (default ./strata.duckdb)')
    .option('--data <dir>', 'the chDB data directory (default ./strata-chdb)')
    .option('--clickhouse-url <url>', 'the ClickHouse server: http(s)://user:password@host:8123/database')
    .option('--cluster <name>', 'create ClickHouse tables replicated and sharded on this cluster')
    .option(
      '--config <file>',
      `a JSON config file with the same settings (default ./${DEFAULT_CONFIG_FILE} if present)`,
    )
    .option('--workspace <name>', 'workspace to act on (default "default")')
    .addHelpText(
      'after',
      `\nEach setting may also come from the environment (${Object.values(ENVIRONMENT).join(', ')}, STRATA_CONFIG);\nthe command line wins, then the environment, then the config file.`,
    )
    .showHelpAfterError()
    .exitOverride();
  registerDemo(program);
  registerServe(program);
  registerImport(program);
  registerSegment(program);
  registerStats(program);
  registerKeys(program);
  registerWebhooks(program);
  registerRfm(program);
  registerAnalytics(program);
  registerTraits(program);
  registerQuality(program);
  registerSettings(program);
  registerModels(program);
  registerMigrate(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/** Runs the CLI and returns the exit code (0 ok, 1 internal, 2 usage or input, 3 busy, 4 not found). */
export async function main(argv: readonly string[], out: Output = consoleOutput): Promise<number> {
  state.exitCode = ExitCode.ok;
  state.out = out;
  try {
    await buildProgram().parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    throw error;
  }
  return state.exitCode;
}
