import { type AnalyticsRun, recordRun } from '../../analytics/runs.js';
import { readSettings } from '../../analytics/settings.js';
import type { Engine } from '../../engines/engine.js';
import { UserError } from '../../errors.js';
import type { Rule } from '../../segments/definition.js';
import { lower } from '../../segments/ir/lower.js';
import { compileMembers } from '../../segments/sql/compile.js';
import { printRule } from '../../segments/text/index.js';
import type { ModelContext } from '../clv/predict.js';
import { dataAsOf, readBehaviour } from '../features/behaviour.js';
import {
  countedEvents,
  DEFAULT_CLUSTER_FEATURES,
  type FeatureSpec,
  featureColumn,
  featureSpec,
} from '../features/catalogue.js';
import { type Matrix, matrix, scalingOf, standardise } from '../math/matrix.js';

import { clusterOptionsSchema, parseOptions } from '../options.js';
import { type ScoresWritten, saveModelScores } from '../scores.js';
import { chooseK } from './choose-k.js';
import { kmeans } from './kmeans.js';
import { nameClusters } from './naming.js';
import { profileClusters } from './profile.js';
import { projectPersonas } from './projection.js';
import { type Condition, describeClusters } from './tree.js';

export interface ClusterResult {
  readonly run: AnalyticsRun;
  readonly written: ScoresWritten;
}

/** A suggested segment: a rule that approximates one cluster, and how often it agrees with the clustering. */
export interface SuggestedSegment {
  readonly rule: Rule;
  /** The same rule in the text form (`strata segment create --text`). */
  readonly text: string;
  /** Measured by evaluating the rule with the segment engine over every clustered user. */
  readonly agreement: { readonly precision: number; readonly recall: number; readonly accuracy: number };
}

/**
 * `strata cluster`: groups every user with an event before `asOf` into personas by k-means on standardised features
 * (counts and money on a log scale), with k chosen by the sampled silhouette unless given. Each cluster gets a
 * profile (size, means and medians in the features' units, what distinguishes it), a generated name — which is the
 * `cluster` trait written into the profiles — and a suggested segment rule, learnt by a shallow decision tree and
 * checked by evaluating it with the segment engine.
 */
export async function clusterUsers(
  engine: Engine,
  workspace: string,
  input: unknown,
  context: ModelContext = {},
): Promise<ClusterResult> {
  const options = parseOptions(clusterOptionsSchema, input);
  const now = context.now ?? (() => new Date());
  const asOf = options.asOf ? new Date(options.asOf) : await dataAsOf(engine, workspace, now());
  const { orders } = await readSettings(engine, workspace);
  const names = options.features ?? DEFAULT_CLUSTER_FEATURES;
  const catalogue = { orderEvent: orders.orderEvents[0] as string, severalOrderEvents: orders.orderEvents.length > 1 };
  const specs = names.map((name, i) => {
    if (names.indexOf(name) !== i) {
      throw new UserError('duplicate_feature', `feature "${name}" is listed twice`, `features[${i}]`, 400);
    }
    return featureSpec(name, catalogue, `features[${i}]`);
  });
  const { run, value } = await recordRun(
    engine,
    workspace,
    {
      kind: 'cluster',
      trigger: context.trigger ?? 'manual',
      params: { ...options, features: names, asOf: asOf.toISOString() },
      now,
    },
    async (record) => {
      const table = await readBehaviour(engine, workspace, {
        at: asOf,
        orderEvents: orders.orderEvents,
        eventCounts: countedEvents(names),
      });
      const n = table.userIds.length;
      if (n < 10) {
        throw new UserError(
          'insufficient_data',
          `clustering needs at least 10 users with events; there are ${n}`,
          'data',
        );
      }
      const raw = matrix(n, specs.length);
      specs.forEach((spec, j) => {
        const column = featureColumn(table, spec.name);
        for (let i = 0; i < n; i++) raw.data[i * specs.length + j] = column[i] as number;
      });
      const shaped = logScaled(raw, specs);
      const scaling = scalingOf(shaped);
      const X = standardise(shaped, scaling);
      const kmOptions = { seed: options.seed, restarts: options.restarts };
      const chosen =
        options.k === 'auto'
          ? chooseK(X, { ...kmOptions, kMax: Math.min(options.kMax, n - 1) })
          : { k: options.k, clustering: kmeans(X, options.k, kmOptions), table: [], selectionRows: n };
      const { k, clustering } = chosen;
      const { assignment } = clustering;
      const inUnits = profileClusters(raw, assignment, k, names);
      const onScale = profileClusters(shaped, assignment, k, names);
      const clusterNames = nameClusters(
        onScale,
        specs.map((spec) => ({ feature: spec.name, ...spec.words })),
        { noun: 'users' },
      );
      const suggestions = await suggestSegments(engine, workspace, asOf, {
        raw,
        specs,
        assignment,
        k,
        userIds: table.userIds,
        seed: options.seed,
      });
      const scores = table.userIds.map((userId, i) => {
        const c = assignment[i] as number;
        return { userId, scores: { cluster: clusterNames[c] as string, cluster_index: c } };
      });
      const written = await saveModelScores(engine, workspace, 'cluster', scores, { run: record, asOf, at: now() });
      const silhouette = chosen.table.find((row) => row.k === k)?.silhouette ?? null;
      const projection = projectPersonas(X, {
        assignment,
        clusterNames,
        features: names,
        userIds: table.userIds,
        seed: options.seed,
      });
      return {
        asOf,
        value: written,
        stats: {
          k,
          kChoice: options.k === 'auto' ? { table: chosen.table, selectionRows: chosen.selectionRows } : null,
          silhouette,
          inertia: clustering.inertia,
          iterations: clustering.iterations,
          restartInertias: clustering.restartInertias,
          data: { asOf: asOf.toISOString(), users: n },
          features: specs.map((spec, j) => ({
            name: spec.name,
            description: spec.description,
            scale: spec.log ? 'log1p' : 'linear',
            mean: scaling.mean[j],
            sd: scaling.sd[j],
            ruleable: spec.rule !== undefined,
          })),
          clusters: inUnits.map((profile, c) => ({
            index: c,
            name: clusterNames[c],
            size: profile.size,
            share: profile.share,
            mean: Object.fromEntries(names.map((name, j) => [name, profile.mean[j]])),
            median: Object.fromEntries(names.map((name, j) => [name, profile.median[j]])),
            distinguishing: (onScale[c]?.differences ?? []).slice(0, 3).map((d) => ({
              feature: d.name,
              difference: d.difference,
            })),
            segment: suggestions[c] ?? null,
          })),
          projection,
          changes: written.changes,
          changedUsers: written.changedUsers,
          segmentsRefreshed: written.segments.map((s) => ({ id: s.segmentId, name: s.name, size: s.size })),
        },
      };
    },
  );
  return { run, written: value };
}

/** Counts and money on log(1 + x): distances then compare orders of magnitude, not a few whales. */
function logScaled(raw: Matrix, specs: readonly FeatureSpec[]): Matrix {
  const out = matrix(raw.rows, raw.cols, Float64Array.from(raw.data));
  specs.forEach((spec, j) => {
    if (!spec.log) return;
    for (let i = 0; i < raw.rows; i++) {
      const at = i * raw.cols + j;
      out.data[at] = Math.log1p(Math.max(0, raw.data[at] as number));
    }
  });
  return out;
}

/**
 * A rule per cluster: a depth-3 tree over the features the rule language can state, its paths turned into Strata
 * rules, then evaluated by the segment engine so the agreement reported is the saved segment's, not the tree's.
 */
async function suggestSegments(
  engine: Engine,
  workspace: string,
  asOf: Date,
  input: {
    raw: Matrix;
    specs: readonly FeatureSpec[];
    assignment: Int32Array;
    k: number;
    userIds: readonly string[];
    seed: number;
  },
): Promise<(SuggestedSegment | null)[]> {
  const { raw, specs, assignment, k, userIds } = input;
  const usable = specs.flatMap((spec, j) => (spec.rule ? [j] : []));
  if (usable.length === 0) return Array.from({ length: k }, () => null);
  const sub = matrix(raw.rows, usable.length);
  for (let i = 0; i < raw.rows; i++) {
    usable.forEach((j, u) => {
      sub.data[i * usable.length + u] = raw.data[i * raw.cols + j] as number;
    });
  }
  const trees = describeClusters(sub, assignment, k, { seed: input.seed });
  const index = new Map(userIds.map((id, i) => [id, i]));
  const out: (SuggestedSegment | null)[] = [];
  for (const tree of trees) {
    if (tree.paths.length === 0) {
      out.push(null);
      continue;
    }
    const condition = (c: Condition): Rule => {
      const spec = specs[usable[c.feature] as number] as FeatureSpec;
      return (spec.rule as NonNullable<FeatureSpec['rule']>)(c.op, c.threshold);
    };
    const paths = tree.paths.map(
      (path): Rule =>
        path.length === 1 ? condition(path[0] as Condition) : { type: 'and', rules: path.map(condition) },
    );
    const rule: Rule = paths.length === 1 ? (paths[0] as Rule) : { type: 'or', rules: paths };
    out.push({ rule, text: printRule(rule), agreement: await agreement(engine, workspace, asOf, rule, tree.cluster) });
  }
  return out;

  async function agreement(engine: Engine, workspace: string, asOf: Date, rule: Rule, cluster: number) {
    const lowered = lower(rule, { asOf, segment: () => undefined });
    if (!lowered.ok) throw new Error(`internal error: a suggested rule does not lower: ${lowered.issues[0]?.message}`);
    const rows = await engine.query(compileMembers(lowered.ir, engine.dialect, { workspace }));
    const matched = new Uint8Array(assignment.length);
    for (const row of rows) {
      const i = index.get(String(row['user_id']));
      if (i !== undefined) matched[i] = 1;
    }
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < assignment.length; i++) {
      const inCluster = assignment[i] === cluster;
      if (matched[i] && inCluster) tp++;
      else if (matched[i]) fp++;
      else if (inCluster) fn++;
    }
    const n = assignment.length;
    return {
      precision: tp + fp > 0 ? tp / (tp + fp) : 0,
      recall: tp + fn > 0 ? tp / (tp + fn) : 0,
      accuracy: n > 0 ? (n - fp - fn) / n : 0,
    };
  }
}
