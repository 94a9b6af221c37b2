import { type Command, InvalidArgumentError, Option } from 'commander';
import { UserError } from '../errors.js';
import { ExitCode } from './exit-codes.js';
import { consoleOutput, type Output } from './output.js';
import type { GlobalOptions } from './store-access.js';
import { resolveStore, type StoreSettings } from './store-config.js';

/** What every command receives: the global options and where to write. */
export interface CommandContext {
  readonly options: GlobalOptions;
  readonly out: Output;
}

export type Action<A extends unknown[]> = (ctx: CommandContext, ...args: A) => Promise<ExitCode | undefined>;

/** Holds the exit code of the command that ran, so `main` can return it. */
export const state = { exitCode: ExitCode.ok as number, out: consoleOutput as Output };

function exitCodeOf(error: UserError): ExitCode {
  if (error.code === 'database_busy' || error.code === 'database_locked') return ExitCode.busy;
  if (error.status === 404) return ExitCode.notFound;
  return ExitCode.usage;
}

/** Wraps a command's action: resolves global options, maps errors to messages and exit codes. */
export function action<A extends unknown[]>(fn: Action<A>) {
  return async function (this: Command, ...args: unknown[]): Promise<void> {
    const command = args[args.length - 1] as Command;
    const globals = command.optsWithGlobals<StoreSettings & { config?: string; json?: boolean }>();
    let ctx: CommandContext = {
      options: { store: { engine: 'duckdb', db: ':memory:' }, workspace: 'default', json: Boolean(globals.json) },
      out: state.out,
    };
    try {
      const { location, workspace } = resolveStore(globals);
      ctx = { ...ctx, options: { ...ctx.options, store: location, workspace } };
      state.exitCode = (await fn(ctx, ...(args.slice(0, -1) as A))) ?? ExitCode.ok;
    } catch (error) {
      if (error instanceof UserError) {
        if (ctx.options.json)
          ctx.out.json({ error: { code: error.code, message: error.message, path: error.path, issues: error.issues } });
        else {
          ctx.out.error(`error: ${error.message}${error.path ? ` (at ${error.path})` : ''}`);
          for (const issue of error.issues.length > 1 ? error.issues : []) {
            ctx.out.error(`  ${issue.path || '(root)'}: ${issue.message} [${issue.code}]`);
          }
        }
        state.exitCode = exitCodeOf(error);
      } else {
        ctx.out.error(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        state.exitCode = ExitCode.internal;
      }
    }
  };
}

/** `--json` on every command that prints a result. */
export const jsonOption = () => new Option('--json', 'print machine-readable JSON');

/** Parses a positive integer option, with a clear message. */
export function positiveInt(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed <= 0) {
      throw new InvalidArgumentError(`${name} must be a positive whole number, got "${value}"`);
    }
    return parsed;
  };
}

/** A whole number ≥ 0, e.g. a random seed. */
export function wholeNumber(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isSafeInteger(parsed) || parsed < 0) {
      throw new InvalidArgumentError(`${name} must be a whole number ≥ 0, got "${value}"`);
    }
    return parsed;
  };
}

/** A TCP port; 0 picks a free one. */
export function portNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
    throw new InvalidArgumentError(`--port must be 0–65535, got "${value}"`);
  }
  return parsed;
}
