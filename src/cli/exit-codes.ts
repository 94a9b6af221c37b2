/** Exit codes scripts can rely on; documented in docs/cli.md. */
export const ExitCode = {
  ok: 0,
  /** A bug or an unexpected failure: the message says so. */
  internal: 1,
  /** Bad arguments or bad input: fix the command or the data. */
  usage: 2,
  /** The database is held by another process and cannot be reached through a server. */
  busy: 3,
  /** What was asked for does not exist (a key, a user). */
  notFound: 4,
  /** `serve` / `demo` stopped by a second Ctrl-C, or a stop that did not finish in time (128 + SIGINT). */
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
