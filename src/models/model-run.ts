import { type AnalyticsRun, finishRun, type RunTrigger, startRun } from '../analytics/runs.js';
import type { ModelKind } from '../analytics/traits/definitions.js';
import type { Engine } from '../engines/engine.js';

export interface ModelRunInit {
  readonly kind: ModelKind;
  readonly trigger: RunTrigger;
  /** What the run was asked to do (options after defaults): stored with the run so it can be reproduced. */
  readonly params: Record<string, unknown>;
  readonly now: () => Date;
}

export interface ModelRunOutcome<T> {
  readonly asOf: Date;
  /** The fitted model, its data window and quality figures: what `GET /api/models/runs/:id` shows. */
  readonly stats: Record<string, unknown>;
  readonly value: T;
}

/**
 * Runs one model fit as a recorded analytics run (kind `clv`, `churn` or `cluster`): started, then succeeded with
 * the model's figures, or failed with the reason (a refusal to fit is recorded too, so the API shows why there is no
 * new model). The error is rethrown for the caller to report.
 */
export async function recordModelRun<T>(
  engine: Engine,
  workspace: string,
  init: ModelRunInit,
  work: (run: AnalyticsRun) => Promise<ModelRunOutcome<T>>,
): Promise<{ run: AnalyticsRun; value: T }> {
  const run = await startRun(engine, workspace, {
    kind: init.kind,
    trigger: init.trigger,
    params: init.params,
    startedAt: init.now(),
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
    await finishRun(engine, workspace, run, { status: 'failed', at: init.now(), error: message }).catch(() => {});
    throw error;
  }
}
