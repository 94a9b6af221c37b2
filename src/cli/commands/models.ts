import type { Command } from 'commander';
import { type AnalyticsRun, listRuns } from '../../analytics/runs.js';
import { MODEL_KINDS, type ModelKind } from '../../analytics/traits/definitions.js';
import { FIT_MODEL, getModelRun, parseModelKind } from '../../models/models.js';
import { readModelScores } from '../../models/scores.js';
import type { Output } from '../output.js';
import { table } from '../output.js';
import { action, type CommandContext, jsonOption, positiveInt, wholeNumber } from '../program.js';
import { queryString, run } from './segment-shared.js';

/** `strata predict clv|churn`, `strata cluster` and `strata models` (runs, one run, scores). */

interface FitAnswer {
  run: AnalyticsRun;
}

const toNumber = (value: string) => (value.trim() === '' ? Number.NaN : Number(value));
const list = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

/** Fits a model locally or through the running server, then prints its run. */
async function fitModel(
  ctx: CommandContext,
  kind: ModelKind,
  body: Record<string, unknown>,
  print: (out: Output, stats: Record<string, unknown>) => void,
): Promise<undefined> {
  const answer = await run<FitAnswer>(
    ctx,
    kind === 'cluster' ? 'cluster' : `predict ${kind}`,
    async (engine) => ({ run: (await FIT_MODEL[kind](engine, ctx.options.workspace, body)).run }),
    (client) => client.post<FitAnswer>(`/api/models/${kind}`, body),
  );
  const stats = answer.run.stats ?? {};
  if (ctx.options.json) {
    const { id, status, asOf, startedAt, finishedAt } = answer.run;
    ctx.out.json({ ...stats, run: { id, kind, status, asOf, startedAt, finishedAt } });
    return undefined;
  }
  ctx.out.line(`run ${answer.run.id} (${answer.run.status}), as of ${String(answer.run.asOf)}`);
  print(ctx.out, stats);
  const changes = (stats['changes'] ?? {}) as Record<string, number>;
  ctx.out.line(
    `traits written: ${Object.entries(changes)
      .map(([trait, n]) => `${trait} ${n.toLocaleString('en-US')}`)
      .join(', ')} new values`,
  );
  return undefined;
}

const fixed = (value: unknown, digits = 3) => (typeof value === 'number' ? value.toFixed(digits) : String(value));

function printClv(out: Output, stats: Record<string, unknown>): void {
  const b = stats['bgnbd'] as Record<string, number>;
  const g = stats['gamma_gamma'] as Record<string, number>;
  const data = stats['data'] as Record<string, unknown>;
  const quality = stats['quality'] as Record<string, number>;
  out.line(
    `customers ${data['customers']} (repeat buyers ${data['repeatBuyers']}), observed to ${data['observationEnd']}, unit ${stats['unit']}`,
  );
  out.line(
    `BG/NBD       r ${fixed(b['r'])}  alpha ${fixed(b['alpha'])}  a ${fixed(b['a'])}  b ${fixed(b['b'])}  log-likelihood ${fixed(b['log_likelihood'], 1)}`,
  );
  out.line(
    `Gamma-Gamma  p ${fixed(g['p'], 2)}  q ${fixed(g['q'], 2)}  v ${fixed(g['v'], 2)}  mean spend ${fixed(g['mean_spend'], 2)}`,
  );
  out.line(
    `next ${stats['horizonDays']} days: ${fixed(quality['expectedPurchasesTotal'], 1)} purchases expected, CLV total ${fixed(quality['clvTotal'], 2)} (mean ${fixed(quality['clvMean'], 2)}, discount ${fixed(stats['discountRate'], 2)}/year)`,
  );
  out.line(
    `check: repeat purchases observed ${quality['repeatPurchasesObserved']}, expected by the model ${fixed(quality['repeatPurchasesExpected'], 1)}; frequency–spend correlation ${fixed(quality['frequencySpendCorrelation'], 2)}`,
  );
}

function printChurn(out: Output, stats: Record<string, unknown>): void {
  const quality = stats['quality'] as Record<string, unknown>;
  const data = stats['data'] as Record<string, unknown>;
  const model = stats['model'] as { drivers: { column: string; coefficient: number; oddsRatio: number; z: number }[] };
  if (stats['mode'] === 'supervised') {
    out.line(
      `supervised: ${data['labelledUsers']} labelled users, churn rate ${fixed(data['churnRate'])}; ${quality['folds']}-fold cross-validated AUC ${fixed(quality['crossValidatedAuc'])} (sd ${fixed(quality['aucSd'])})`,
    );
  } else {
    out.line(
      `behavioural: churned = no event in ${data['windowDays']} days; trained at ${data['trainingCutoff']}, evaluated at ${data['evaluationCutoff']}; held-out AUC ${fixed(quality['heldOutAuc'])}`,
    );
  }
  out.line(`scored ${stats['scored']} users`);
  out.line('calibration (held-out):');
  const bins = quality['calibration'] as { count: number; meanPredicted: number; observedRate: number }[];
  out.line(
    table(
      bins.map((bin) => ({ users: bin.count, predicted: fixed(bin.meanPredicted), observed: fixed(bin.observedRate) })),
      ['users', 'predicted', 'observed'],
    ),
  );
  // Collinear activity counts can carry large but uncertain coefficients: the table leads with the surest effects.
  out.line('drivers, most significant first (log-odds per sd, or level vs reference):');
  const sure = [...model.drivers].sort((a, b) => Math.abs(b.z) - Math.abs(a.z));
  out.line(
    table(
      sure.slice(0, 10).map((d) => ({
        feature: d.column,
        coefficient: fixed(d.coefficient),
        'odds ratio': fixed(d.oddsRatio, 2),
        z: fixed(d.z, 1),
      })),
      ['feature', 'coefficient', 'odds ratio', 'z'],
    ),
  );
}

function printClusters(out: Output, stats: Record<string, unknown>): void {
  const clusters = stats['clusters'] as {
    name: string;
    size: number;
    share: number;
    segment: { text: string; agreement: { accuracy: number } } | null;
  }[];
  out.line(`k ${stats['k']}${stats['silhouette'] === null ? '' : `, mean silhouette ${fixed(stats['silhouette'])}`}`);
  out.line(
    table(
      clusters.map((c) => ({
        cluster: c.name,
        users: c.size,
        share: `${(100 * c.share).toFixed(1)}%`,
        'suggested segment': c.segment ? c.segment.text.replace(/\s+/g, ' ') : '-',
        agreement: c.segment ? `${(100 * c.segment.agreement.accuracy).toFixed(1)}%` : '-',
      })),
      ['cluster', 'users', 'share', 'suggested segment', 'agreement'],
    ),
  );
}

export function registerModels(program: Command): void {
  const predict = program.command('predict').description('predictive models written as computed traits');

  predict
    .command('clv')
    .description('fit BG/NBD + Gamma-Gamma and write p_alive, expected_purchases and clv')
    .option('--as-of <iso>', 'fit on the orders before this time (default: midnight after the last order)')
    .option('--unit <unit>', 'time unit of the fit: day or week', 'week')
    .option('--horizon <days>', 'days ahead for expected purchases and CLV', positiveInt('horizon'), 365)
    .option('--discount <rate>', 'annual discount rate', toNumber, 0.1)
    .addOption(jsonOption())
    .action(
      action(async (ctx, flags: { asOf?: string; unit: string; horizon: number; discount: number }) =>
        fitModel(
          ctx,
          'clv',
          {
            ...(flags.asOf ? { asOf: flags.asOf } : {}),
            unit: flags.unit,
            horizonDays: flags.horizon,
            discountRate: flags.discount,
          },
          printClv,
        ),
      ),
    );

  predict
    .command('churn')
    .description('fit the churn model and write churn_risk (behavioural, or supervised with --label/--positive)')
    .option('--as-of <iso>', 'score as of this time (default: now)')
    .option('--label <trait>', 'supervised: the trait that holds the known outcome')
    .option('--positive <value>', 'supervised: the label value that means churned')
    .option('--window <days>', 'behavioural: churned = no event in this many days', positiveInt('window'), 60)
    .option('--lookback <days>', 'behavioural: score users active in this many days', positiveInt('lookback'), 365)
    .option('--traits <names>', 'comma-separated profile traits to use as features', list)
    .option('--folds <n>', 'supervised: cross-validation folds', positiveInt('folds'), 5)
    .option('--seed <n>', 'seed of the folds', wholeNumber('seed'), 42)
    .addOption(jsonOption())
    .action(
      action(
        async (
          ctx,
          flags: {
            asOf?: string;
            label?: string;
            positive?: string;
            window: number;
            lookback: number;
            traits?: string[];
            folds: number;
            seed: number;
          },
        ) =>
          fitModel(
            ctx,
            'churn',
            {
              ...(flags.asOf ? { asOf: flags.asOf } : {}),
              ...(flags.label === undefined ? {} : { label: flags.label }),
              ...(flags.positive === undefined ? {} : { positive: flags.positive }),
              windowDays: flags.window,
              lookbackDays: flags.lookback,
              ...(flags.traits ? { traits: flags.traits } : {}),
              folds: flags.folds,
              seed: flags.seed,
            },
            printChurn,
          ),
      ),
    );

  program
    .command('cluster')
    .description('cluster users into personas (k-means) and write the cluster trait')
    .option('--as-of <iso>', 'as of this time (default: now)')
    .option('--k <k>', 'number of clusters, or auto (best silhouette)', 'auto')
    .option('--k-max <n>', 'largest k tried by auto', positiveInt('k-max'), 8)
    .option('--features <names>', 'comma-separated features (default: orders,revenue,avg_order_value,…)', list)
    .option('--restarts <n>', 'k-means restarts', positiveInt('restarts'), 4)
    .option('--seed <n>', 'random seed', wholeNumber('seed'), 42)
    .addOption(jsonOption())
    .action(
      action(
        async (
          ctx,
          flags: { asOf?: string; k: string; kMax: number; features?: string[]; restarts: number; seed: number },
        ) =>
          fitModel(
            ctx,
            'cluster',
            {
              ...(flags.asOf ? { asOf: flags.asOf } : {}),
              k: flags.k === 'auto' ? 'auto' : toNumber(flags.k),
              kMax: flags.kMax,
              ...(flags.features ? { features: flags.features } : {}),
              restarts: flags.restarts,
              seed: flags.seed,
            },
            printClusters,
          ),
      ),
    );

  const models = program.command('models').description('model runs (versions) and their scores');

  models
    .command('runs', { isDefault: true })
    .description('model runs, newest first')
    .option('--kind <kind>', `only this model (${MODEL_KINDS.join(', ')})`)
    .option('--limit <n>', 'how many (default 20)', positiveInt('limit'), 20)
    .addOption(jsonOption())
    .action(
      action(async (ctx, flags: { kind?: string; limit: number }) => {
        const kinds = flags.kind === undefined ? MODEL_KINDS : [parseModelKind(flags.kind)];
        const runs = await run<AnalyticsRun[]>(
          ctx,
          'models runs',
          (engine) => listRuns(engine, ctx.options.workspace, { kinds, limit: flags.limit }),
          (client) =>
            client.get<AnalyticsRun[]>(`/api/models/runs${queryString({ kind: flags.kind, limit: flags.limit })}`),
        );
        if (ctx.options.json) ctx.out.json(runs);
        else
          ctx.out.line(
            table(
              runs.map((r) => ({ id: r.id, model: r.kind, status: r.status, 'as of': r.asOf, error: r.error })),
              ['id', 'model', 'status', 'as of', 'error'],
            ),
          );
        return undefined;
      }),
    );

  models
    .command('show <id>')
    .description('one model run: parameters, data window, fitted model and quality figures (JSON)')
    .action(
      action(async (ctx, id: string) => {
        const answer = await run<AnalyticsRun>(
          ctx,
          'models show',
          (engine) => getModelRun(engine, ctx.options.workspace, id),
          (client) => client.get<AnalyticsRun>(`/api/models/runs/${encodeURIComponent(id)}`),
        );
        ctx.out.json(answer);
        return undefined;
      }),
    );

  models
    .command('scores <kind>')
    .description("a model's current per-user scores")
    .option('--user <id>', 'only this user')
    .option('--limit <n>', 'how many (default 20)', positiveInt('limit'), 20)
    .addOption(jsonOption())
    .action(
      action(async (ctx, kind: string, flags: { user?: string; limit: number }) => {
        const model = parseModelKind(kind);
        const page = { limit: flags.limit, offset: 0, ...(flags.user ? { user: flags.user } : {}) };
        const answer = await run<Awaited<ReturnType<typeof readModelScores>>>(
          ctx,
          'models scores',
          (engine) => readModelScores(engine, ctx.options.workspace, model, page),
          (client) => client.get(`/api/models/${model}/scores${queryString({ user: flags.user, limit: flags.limit })}`),
        );
        if (ctx.options.json) ctx.out.json(answer);
        else
          ctx.out.line(
            table(
              answer.items.map((item) => ({ user: item.userId, ...item.scores })),
              ['user', ...Object.keys(answer.items[0]?.scores ?? {})],
            ),
          );
        return undefined;
      }),
    );
}
