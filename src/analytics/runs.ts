import { randomBytes } from 'node:crypto';
import type { Engine, Row } from '../engines/engine.js';
import { int, join, json, sql, str, ts } from '../engines/sql.js';
import { UserError } from '../errors.js';
import { analyticsRuns } from '../store/tables.js';

export type RunStatus = 'running' | 'succeeded' | 'failed';
export type RunTrigger = 'manual' | 'schedule' | 'api';

/** One analytics run: what was computed, from which data window and parameters, and what came of it. */
export interface AnalyticsRun {
  readonly id: string;
  readonly kind: string;
  readonly status: RunStatus;
  readonly trigger: RunTrigger;
  readonly asOf: Date | null;
  readonly params: Readonly<Record<string, unknown>>;
  readonly stats: Readonly<Record<string, unknown>> | null;
  readonly error: string | null;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
}

const fromRow = (row: Row): AnalyticsRun => ({
  id: String(row['id']),
  kind: String(row['kind']),
  status: row['status'] as RunStatus,
  trigger: row['trigger'] as RunTrigger,
  asOf: (row['as_of'] as Date | null) ?? null,
  params: (row['params'] ?? {}) as Record<string, unknown>,
  stats: (row['stats'] ?? null) as Record<string, unknown> | null,
  error: (row['error'] as string | null) ?? null,
  startedAt: row['started_at'] as Date,
  finishedAt: (row['finished_at'] as Date | null) ?? null,
});

/** Run ids sort by start time: a millisecond timestamp in base 36, then randomness for runs started together. */
const newRunId = (at: Date) => `run_${at.getTime().toString(36)}${randomBytes(4).toString('hex')}`;

async function save(engine: Engine, workspace: string, run: AnalyticsRun): Promise<void> {
  // Every column of the table, in its order (`upsert` takes a whole row).
  await engine.run(
    engine.dialect.upsert(
      analyticsRuns,
      sql`SELECT ${str(workspace)}, ${str(run.id)}, ${str(run.kind)}, ${str(run.status)}, ${str(run.trigger)},
            ${ts(run.asOf)}, ${json(run.params)}, ${json(run.stats)}, ${str(run.error)}, ${ts(run.startedAt)},
            ${ts(run.finishedAt)}`,
    ),
  );
}

/** Records the start of a run and returns it. */
export async function startRun(
  engine: Engine,
  workspace: string,
  init: { kind: string; trigger: RunTrigger; params: Record<string, unknown>; startedAt: Date },
): Promise<AnalyticsRun> {
  const run: AnalyticsRun = {
    id: newRunId(init.startedAt),
    kind: init.kind,
    status: 'running',
    trigger: init.trigger,
    asOf: null,
    params: init.params,
    stats: null,
    error: null,
    startedAt: init.startedAt,
    finishedAt: null,
  };
  await save(engine, workspace, run);
  return run;
}

/** Records how a run ended. */
export async function finishRun(
  engine: Engine,
  workspace: string,
  run: AnalyticsRun,
  end: {
    status: 'succeeded' | 'failed';
    asOf?: Date | null;
    stats?: Record<string, unknown>;
    error?: string;
    at: Date;
  },
): Promise<AnalyticsRun> {
  const finished: AnalyticsRun = {
    ...run,
    status: end.status,
    asOf: end.asOf ?? run.asOf,
    stats: end.stats ?? run.stats,
    error: end.error ?? null,
    finishedAt: end.at,
  };
  await save(engine, workspace, finished);
  return finished;
}

export const RUNS_LIMIT = 1000;

/** Runs of a workspace, newest first. */
export async function listRuns(
  engine: Engine,
  workspace: string,
  options: { kind?: string; kinds?: readonly string[]; status?: RunStatus; limit?: number } = {},
): Promise<AnalyticsRun[]> {
  const kinds = options.kind === undefined ? options.kinds : [options.kind];
  const kind =
    kinds === undefined
      ? sql``
      : sql`AND kind IN (${join(kinds.length > 0 ? kinds.map((k) => sql`${str(k)}`) : [sql`NULL`])})`;
  const status = options.status === undefined ? sql`` : sql`AND status = ${str(options.status)}`;
  const rows = await engine.query(
    sql`SELECT * FROM analytics_runs WHERE workspace = ${str(workspace)} ${kind} ${status}
        ORDER BY started_at DESC, id DESC LIMIT ${int(Math.min(options.limit ?? 50, RUNS_LIMIT))}`,
  );
  return rows.map(fromRow);
}

/** One run by id; a 404 when there is none. */
export async function getRun(engine: Engine, workspace: string, id: string): Promise<AnalyticsRun> {
  const [row] = await engine.query(
    sql`SELECT * FROM analytics_runs WHERE workspace = ${str(workspace)} AND id = ${str(id)}`,
  );
  if (!row) throw new UserError('not_found', `no analytics run "${id}"`, 'id', 404);
  return fromRow(row);
}

export interface RecordedRunInit {
  readonly kind: string;
  readonly trigger: RunTrigger;
  /** What the run was asked to do (options after defaults), stored so it can be reproduced. */
  readonly params: Record<string, unknown>;
  /** The as-of time, when known before the work starts: a failed run keeps it too. */
  readonly asOf?: Date;
  /** When the run started, if the caller already took the time (default: `now()`). */
  readonly startedAt?: Date;
  readonly now: () => Date;
}

export interface RunOutcome<T> {
  readonly asOf: Date;
  /** The run's figures: what `GET …/runs/:id` shows. `durationMs` is added. */
  readonly stats: Record<string, unknown>;
  readonly value: T;
}

/**
 * Runs `work` as a recorded run: started, then succeeded with its figures and duration, or failed with the reason
 * (a refusal is recorded too, so the API shows why nothing new came of it). The error is rethrown for the caller.
 */
export async function recordRun<T>(
  engine: Engine,
  workspace: string,
  init: RecordedRunInit,
  work: (run: AnalyticsRun) => Promise<RunOutcome<T>>,
): Promise<{ run: AnalyticsRun; value: T }> {
  const run = await startRun(engine, workspace, {
    kind: init.kind,
    trigger: init.trigger,
    params: init.params,
    startedAt: init.startedAt ?? init.now(),
  });
  const clock = performance.now();
  try {
    const outcome = await work(run);
    const finished = await finishRun(engine, workspace, run, {
      status: 'succeeded',
      asOf: outcome.asOf,
      at: init.now(),
      stats: { ...outcome.stats, durationMs: Math.round(performance.now() - clock) },
    });
    return { run: finished, value: outcome.value };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await finishRun(engine, workspace, run, {
      status: 'failed',
      asOf: init.asOf ?? null,
      at: init.now(),
      error: message,
    }).catch(() => {});
    throw error;
  }
}
