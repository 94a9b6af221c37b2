import { DAY_MS } from '../../analytics/orders.js';
import { type AnalyticsRun, recordRun } from '../../analytics/runs.js';
import { readSettings } from '../../analytics/settings.js';
import type { Engine } from '../../engines/engine.js';
import { UserError } from '../../errors.js';
import { crossValidate } from '../classify/cross-validate.js';
import { applyDesign, type FeatureColumn, fitDesign } from '../classify/design.js';
import { drivers } from '../classify/drivers.js';
import { fitLogistic, predict } from '../classify/logistic.js';
import { auc, brier, calibration } from '../classify/metrics.js';
import type { ModelContext } from '../clv/predict.js';
import { type BehaviourTable, dataAsOf, readBehaviour, topEvents } from '../features/behaviour.js';
import { readProfileTraits, traitFeatures } from '../features/traits.js';

import { type ChurnOptions, churnOptionsSchema, parseOptions } from '../options.js';
import { type ScoresWritten, saveModelScores } from '../scores.js';

export interface ChurnResult {
  readonly run: AnalyticsRun;
  readonly written: ScoresWritten;
}

/** The survey whose score is a feature when the workspace has it (the demo's and Segment's NPS convention). */
const SURVEY = { event: 'Survey Responded', property: 'score' } as const;
/** Per-event activity features for this many of the workspace's most frequent events. */
const TOP_EVENTS = 8;
/** Fewer churners or stayers than this and neither the fit nor its AUC means anything. */
const MIN_CLASS = 20;

/**
 * `strata predict churn`: a logistic regression of churn on behavioural features (and chosen traits), evaluated on
 * data it did not see, and written as `churn_risk` (a probability) for every scored user.
 *
 * - Behavioural mode (default): churned means no event in the `windowDays` after a cutoff. The model is trained at
 *   cutoff asOf − 2·window (labels from the next window), evaluated at asOf − window (labels known up to asOf: the
 *   held-out AUC and calibration), then refitted at asOf − window and applied to the features at asOf.
 * - Supervised mode (`label`, `positive`): the outcome is a profile trait. Quality is stratified k-fold
 *   cross-validation; the final model is fitted on every labelled user and scores every user.
 */
export async function predictChurn(
  engine: Engine,
  workspace: string,
  input: unknown,
  context: ModelContext = {},
): Promise<ChurnResult> {
  const options = parseOptions(churnOptionsSchema, input);
  const now = context.now ?? (() => new Date());
  const asOf = options.asOf ? new Date(options.asOf) : await dataAsOf(engine, workspace, now());
  const { run, value } = await recordRun(
    engine,
    workspace,
    { kind: 'churn', trigger: context.trigger ?? 'manual', params: { ...options, asOf: asOf.toISOString() }, now },
    async (record) => {
      const fitted =
        options.label === undefined
          ? await behavioural(engine, workspace, asOf, options)
          : await supervised(engine, workspace, asOf, options);
      const written = await saveModelScores(
        engine,
        workspace,
        'churn',
        fitted.userIds.map((userId, i) => ({ userId, scores: { churn_risk: round4(fitted.scores[i] as number) } })),
        { run: record, asOf, at: now() },
      );
      return {
        asOf,
        value: written,
        stats: {
          ...fitted.stats,
          scored: fitted.userIds.length,
          changes: written.changes,
          changedUsers: written.changedUsers,
          segmentsRefreshed: written.segments.map((s) => ({ id: s.segmentId, name: s.name, size: s.size })),
        },
      };
    },
  );
  return { run, written: value };
}

interface Fitted {
  readonly userIds: readonly string[];
  readonly scores: Float64Array;
  readonly stats: Record<string, unknown>;
}

async function behavioural(engine: Engine, workspace: string, asOf: Date, options: ChurnOptions): Promise<Fitted> {
  const { orders } = await readSettings(engine, workspace);
  const window = options.windowDays;
  const evaluate = new Date(asOf.getTime() - window * DAY_MS);
  const train = new Date(asOf.getTime() - 2 * window * DAY_MS);
  const eventCounts = await topEvents(engine, workspace, asOf, { limit: TOP_EVENTS, exclude: orders.orderEvents });
  const read = (at: Date, outcome: boolean) =>
    readBehaviour(engine, workspace, {
      at,
      orderEvents: orders.orderEvents,
      lookbackDays: options.lookbackDays,
      eventCounts,
      survey: SURVEY,
      ...(outcome ? { outcomeDays: window } : {}),
    });
  const [trainTable, evalTable, current] = [
    await read(train, true),
    await read(evaluate, true),
    await read(asOf, false),
  ];
  const profiles = options.traits ? await readProfileTraits(engine, workspace) : undefined;
  const features = (table: BehaviourTable) => [
    ...behaviourColumns(table),
    ...(profiles && options.traits ? alignedTraits(profiles, table.userIds, options.traits) : []),
  ];
  const churned = (table: BehaviourTable) => Float64Array.from(table.futureEvents ?? [], (n) => (n === 0 ? 1 : 0));
  const trainLabels = churned(trainTable);
  const evalLabels = churned(evalTable);
  checkClasses(trainLabels, `at the training cutoff ${train.toISOString()}`);
  checkClasses(evalLabels, `at the evaluation cutoff ${evaluate.toISOString()}`);

  const first = fitDesign(features(trainTable));
  const firstModel = fitLogistic(first.x, trainLabels);
  const heldOut = predict(firstModel, applyDesign(first.design, features(evalTable)));

  // The model that scores today is refitted on the latest labelled cutoff: the behaviour closest to now.
  const final = fitDesign(features(evalTable));
  const model = fitLogistic(final.x, evalLabels);
  const scores =
    current.userIds.length > 0 ? predict(model, applyDesign(final.design, features(current))) : new Float64Array();
  return {
    userIds: current.userIds,
    scores,
    stats: {
      mode: 'behavioural',
      data: {
        asOf: asOf.toISOString(),
        trainingCutoff: train.toISOString(),
        evaluationCutoff: evaluate.toISOString(),
        windowDays: window,
        lookbackDays: options.lookbackDays,
        trainingUsers: trainTable.userIds.length,
        trainingChurnRate: mean(trainLabels),
        evaluationUsers: evalTable.userIds.length,
        evaluationChurnRate: mean(evalLabels),
      },
      quality: {
        heldOutAuc: auc(heldOut, evalLabels),
        heldOutBrier: brier(heldOut, evalLabels),
        calibration: calibration(heldOut, evalLabels),
      },
      model: modelSummary(model, final.design),
    },
  };
}

async function supervised(engine: Engine, workspace: string, asOf: Date, options: ChurnOptions): Promise<Fitted> {
  const label = options.label as string;
  const positive = String(options.positive);
  const profiles = await readProfileTraits(engine, workspace);
  const chosen = traitFeatures(profiles, { exclude: [label], ...(options.traits ? { names: options.traits } : {}) });
  const { orders } = await readSettings(engine, workspace);
  const behaviour = await readBehaviour(engine, workspace, {
    at: asOf,
    orderEvents: orders.orderEvents,
    survey: SURVEY,
  });
  // Behaviour joins in when the users have events; a profile-only data set (a CRM export) has none.
  const columns: FeatureColumn[] = [
    ...chosen.columns,
    ...(behaviour.userIds.length > 0
      ? alignColumns(behaviourColumns(behaviour), behaviour.userIds, profiles.userIds)
      : []),
  ];
  const labelled: number[] = [];
  const labels: number[] = [];
  profiles.traits.forEach((traits, i) => {
    const value = traits[label];
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return;
    labelled.push(i);
    labels.push(isPositive(value, positive) ? 1 : 0);
  });
  if (labelled.length === 0) {
    throw new UserError('unknown_trait', `no profile has the label trait "${label}"`, 'label');
  }
  const y = Float64Array.from(labels);
  checkClasses(
    y,
    `with ${label} = ${JSON.stringify(positive)} as churned (values seen: ${valuesSeen(profiles.traits, label)})`,
  );
  const subset = columns.map((column) => pick(column, labelled));
  const cv = crossValidate(subset, y, { folds: options.folds, seed: options.seed });
  const { design, x } = fitDesign(subset);
  const model = fitLogistic(x, y);
  const scores = predict(model, applyDesign(design, columns));
  return {
    userIds: profiles.userIds,
    scores,
    stats: {
      mode: 'supervised',
      data: {
        asOf: asOf.toISOString(),
        label,
        positive,
        users: profiles.userIds.length,
        labelledUsers: labelled.length,
        churnRate: mean(y),
        traitsUsed: chosen.columns.map((c) => c.name),
        traitsSkipped: chosen.skipped,
        behaviour: behaviour.userIds.length > 0,
      },
      quality: {
        folds: options.folds,
        crossValidatedAuc: cv.meanAuc,
        aucSd: cv.sdAuc,
        foldAuc: cv.foldAuc,
        outOfFoldBrier: brier(cv.outOfFold, y),
        calibration: calibration(cv.outOfFold, y),
      },
      model: modelSummary(model, design),
    },
  };
}

function modelSummary(model: ReturnType<typeof fitLogistic>, design: ReturnType<typeof fitDesign>['design']) {
  return {
    type: 'logistic_regression',
    intercept: model.intercept,
    lambda: model.lambda,
    iterations: model.iterations,
    converged: model.converged,
    trainingRows: model.rows,
    drivers: drivers(model, design),
    design,
  };
}

function behaviourColumns(table: BehaviourTable): FeatureColumn[] {
  return Object.entries(table.columns).map(([name, values]) => ({ name, kind: 'numeric', values }));
}

/** Profile traits in the row order of `userIds` (users without a profile get missing values). */
function alignedTraits(
  profiles: Awaited<ReturnType<typeof readProfileTraits>>,
  userIds: readonly string[],
  names: readonly string[],
) {
  const columns = traitFeatures(profiles, { names, exclude: [] }).columns;
  return alignColumns(columns, profiles.userIds, userIds);
}

/** Re-orders columns whose rows follow `from` into the order of `to`; users missing from `from` get missing values. */
function alignColumns(
  columns: readonly FeatureColumn[],
  from: readonly string[],
  to: readonly string[],
): FeatureColumn[] {
  const index = new Map(from.map((id, i) => [id, i]));
  const rows = to.map((id) => index.get(id) ?? -1);
  return columns.map((column) =>
    column.kind === 'numeric'
      ? { ...column, values: Float64Array.from(rows, (i) => (i < 0 ? Number.NaN : (column.values[i] as number))) }
      : { ...column, values: rows.map((i) => (i < 0 ? null : (column.values[i] ?? null))) },
  );
}

function pick(column: FeatureColumn, rows: readonly number[]): FeatureColumn {
  return column.kind === 'numeric'
    ? { ...column, values: Float64Array.from(rows, (i) => column.values[i] as number) }
    : { ...column, values: rows.map((i) => column.values[i] ?? null) };
}

const YES = new Set(['true', 'yes', 'y', '1']);
const NO = new Set(['false', 'no', 'n', '0']);

/**
 * Whether a label value is the positive one, compared as text — except that a CSV reader may have turned Yes/No
 * into booleans, so "Yes" (or "true", "1") names `true` and "No" names `false`.
 */
function isPositive(value: string | number | boolean, positive: string): boolean {
  if (typeof value !== 'boolean') return String(value) === positive;
  const wanted = positive.trim().toLowerCase();
  return value ? YES.has(wanted) : NO.has(wanted);
}

function valuesSeen(rows: readonly Readonly<Record<string, unknown>>[], label: string): string {
  const counts = new Map<string, number>();
  for (const traits of rows) {
    const value = traits[label];
    if (value !== undefined && value !== null)
      counts.set(JSON.stringify(value), (counts.get(JSON.stringify(value)) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([v, n]) => `${v} ×${n}`)
    .join(', ');
}

function checkClasses(labels: Float64Array, where: string): void {
  const positives = labels.reduce((s, v) => s + v, 0);
  const negatives = labels.length - positives;
  if (positives < MIN_CLASS || negatives < MIN_CLASS) {
    throw new UserError(
      'insufficient_data',
      `churn prediction needs at least ${MIN_CLASS} churned and ${MIN_CLASS} retained users ${where}; there are ${positives} and ${negatives}`,
      'data',
    );
  }
}

const mean = (values: Float64Array) => (values.length === 0 ? 0 : values.reduce((s, v) => s + v, 0) / values.length);
const round4 = (v: number) => Math.round(v * 10_000) / 10_000;
