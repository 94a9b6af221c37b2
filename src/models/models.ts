import { type AnalyticsRun, getRun } from '../analytics/runs.js';
import { MODEL_KINDS, type ModelKind } from '../analytics/traits/definitions.js';
import type { Engine } from '../engines/engine.js';
import { UserError } from '../errors.js';
import { predictChurn } from './churn/predict.js';
import { clusterUsers } from './cluster/personas.js';
import type { ModelContext } from './clv/predict.js';
import { predictClv } from './clv/predict.js';
import type { ScoresWritten } from './scores.js';

/** The fit of each model kind, as the API and the CLI call it: options in, the run and what it wrote out. */
export const FIT_MODEL: Readonly<
  Record<
    ModelKind,
    (
      engine: Engine,
      workspace: string,
      input: unknown,
      context?: ModelContext,
    ) => Promise<{ run: AnalyticsRun; written: ScoresWritten }>
  >
> = { clv: predictClv, churn: predictChurn, cluster: clusterUsers };

/** A model kind from a path or flag; anything else is a 404 listing the models. */
export function parseModelKind(value: string): ModelKind {
  if (!(MODEL_KINDS as readonly string[]).includes(value)) {
    throw new UserError('not_found', `no model "${value}"; models: ${MODEL_KINDS.join(', ')}`, 'kind', 404);
  }
  return value as ModelKind;
}

/** One model run (a version of a model); a run of another kind (computed traits) is a 404 like a missing one. */
export async function getModelRun(engine: Engine, workspace: string, id: string): Promise<AnalyticsRun> {
  const run = await getRun(engine, workspace, id);
  if (!(MODEL_KINDS as readonly string[]).includes(run.kind)) {
    throw new UserError('not_found', `run "${run.id}" is not a model run (kind ${run.kind})`, 'id', 404);
  }
  return run;
}
