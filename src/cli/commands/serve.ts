import { type Command, InvalidArgumentError } from 'commander';
import type { Engine } from '../../engines/engine.js';
import { describeLocation, localPath, type StoreLocation } from '../../engines/location.js';
import { openStore } from '../../engines/open.js';
import { UserError } from '../../errors.js';
import { findLocalServer } from '../../server/local-server.js';
import { type RunningServer, startServer } from '../../server/serve.js';
import { VERSION } from '../../version.js';
import { ExitCode } from '../exit-codes.js';
import type { Output } from '../output.js';
import { action, portNumber, positiveInt } from '../program.js';
import { startStopWatchdog } from '../stop-watchdog.js';

/** Serves until SIGINT/SIGTERM, then closes the server and the store cleanly. */
export async function serveUntilStopped(
  engine: Engine,
  store: StoreLocation,
  listen: { port: number; host: string; live?: boolean; sweepInterval?: number; traitsInterval?: number },
  out: Output,
  onReady?: (url: string) => void,
): Promise<RunningServer> {
  const live =
    listen.live === false
      ? false
      : {
          ...(listen.sweepInterval !== undefined ? { sweepIntervalMs: listen.sweepInterval * 1000 } : {}),
          traitsIntervalMs: (listen.traitsInterval ?? DEFAULT_TRAITS_INTERVAL) * 1000,
          log: (message: string) => out.error(`live: ${message}`),
        };
  const db = localPath(store) ?? undefined;
  const running = await startServer({ engine, port: listen.port, host: listen.host, db, version: VERSION, live });
  out.error(
    `Strata ${VERSION} serving ${describeLocation(store)} at ${running.url}  (API docs: ${running.url}/api/docs; Ctrl-C stops)`,
  );
  onReady?.(running.url);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  out.error('stopping… (again to stop at once)');
  // A second signal, or a stop that does not finish in time, ends the process rather than leaving it hanging;
  // the store is left as DuckDB leaves it on a crash (its write-ahead log replays on the next open).
  const now = (why: string) => {
    out.error(`stopping now: ${why}`);
    process.exit(ExitCode.interrupted);
  };
  process.once('SIGINT', () => now('asked twice'));
  process.once('SIGTERM', () => now('asked twice'));
  const deadline = setTimeout(() => now(`still stopping after ${STOP_DEADLINE_MS / 1000} s`), STOP_DEADLINE_MS);
  deadline.unref();
  // If the main thread itself is stuck, neither the timer above nor a second signal can run: a thread of its own
  // ends the process a little later.
  const watchdog = startStopWatchdog(
    STOP_DEADLINE_MS + 5_000,
    `stopping now: the process did not respond ${(STOP_DEADLINE_MS + 5_000) / 1000} s after the stop began`,
  );
  await running.close();
  await engine.close();
  clearTimeout(deadline);
  await watchdog();
  return running;
}

/** How long a stop may take: in-flight requests, the live services' last work, the store's checkpoint. */
const STOP_DEADLINE_MS = 30_000;

export async function assertNotServed(store: StoreLocation): Promise<void> {
  const path = localPath(store);
  const server = path === null ? null : await findLocalServer(path);
  if (server) {
    throw new UserError(
      'database_busy',
      `${describeLocation(store)} is already served by pid ${server.pid} at ${server.url}`,
      'db',
      409,
    );
  }
}

/** Computed traits are recomputed hourly unless told otherwise. */
export const DEFAULT_TRAITS_INTERVAL = 3600;

/** Timers cannot wait longer than 2^31 − 1 ms; a day is the longest useful interval anyway. */
function sweepSeconds(value: string): number {
  const seconds = positiveInt('sweep interval')(value);
  if (seconds > 86_400) throw new InvalidArgumentError(`sweep interval is at most 86400 seconds (a day), got ${value}`);
  return seconds;
}

/** 0 turns scheduled runs off; otherwise 60 s to a day. */
function traitsSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || (seconds !== 0 && (seconds < 60 || seconds > 86_400)))
    throw new InvalidArgumentError(`traits interval is 0 (off) or 60–86400 seconds, got ${value}`);
  return seconds;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the ingestion API (/v1), the management API (/api) and its docs')
    .option('--port <port>', 'TCP port', portNumber, 8787)
    .option('--host <host>', 'interface to listen on (0.0.0.0 for all)', '127.0.0.1')
    .option('--no-live', 'do not evaluate segments in real time, sweep them or deliver webhooks')
    .option(
      '--sweep-interval <seconds>',
      'how often segments with time windows are re-evaluated (1–86400)',
      sweepSeconds,
      60,
    )
    .option(
      '--traits-interval <seconds>',
      'how often computed traits (RFM, lifecycle, value tiers) are recomputed (0 = only on demand, else 60–86400)',
      traitsSeconds,
      DEFAULT_TRAITS_INTERVAL,
    )
    .action(
      action(
        async (
          { options, out },
          flags: { port: number; host: string; live: boolean; sweepInterval: number; traitsInterval: number },
        ) => {
          await assertNotServed(options.store);
          const engine = await openStore(options.store);
          await serveUntilStopped(engine, options.store, flags, out);
          return ExitCode.ok;
        },
      ),
    );
}
