import { useApi } from '../../api/use-api';
import { FitStatus } from '../../components/fit-status';
import { formatDate, formatInt } from '../../components/format';
import { PageHeader, Panel } from '../../components/page';
import { Empty, Loaded } from '../../components/states';
import { useFit } from '../../components/use-fit';
import { setQueryParam, useLocation } from '../../router';
import { ChurnDrivers } from './churn-drivers';
import { ChurnQuality } from './churn-quality';
import { ClvFit } from './clv-fit';
import { OutputView } from './output-view';
import { OUTPUTS, type OutputName } from './outputs';
import type { ChurnRun, ClvRun, ModelsAnswer } from './types';
import './predictions.css';

const CLV_OUTPUTS: readonly OutputName[] = ['clv', 'p_alive', 'expected_purchases'];

/**
 * Predictions (issue 7 §6): churn risk and customer lifetime value — how the scores spread, how good the models are,
 * what drives churn, and a segment at any threshold with its live size.
 */
export function PredictionsPage() {
  const models = useApi<ModelsAnswer>('/api/models', { kinds: 'churn,clv' });
  return (
    <div className="predictions">
      <PageHeader
        title="Predictions"
        subtitle="Who is likely to churn, and what customers are worth: the models' scores, their quality, and segments from them"
      />
      <Loaded result={models} what="Reading the models">
        {(data) => (
          <>
            {data.churn ? (
              <ChurnSection key={data.churn.id} run={data.churn} />
            ) : (
              <FitFirst kind="churn" onFitted={models.reload} />
            )}
            {data.clv ? (
              <ClvSection key={data.clv.id} run={data.clv} />
            ) : (
              <FitFirst kind="clv" onFitted={models.reload} />
            )}
          </>
        )}
      </Loaded>
    </div>
  );
}

const FIT_WORDS = {
  churn: {
    title: 'Churn risk',
    empty: 'No churn model yet.',
    body: 'Learns from past behaviour who stopped coming back (no event in the next 60 days), then scores everyone active: the churn_risk trait.',
    button: 'Fit the churn model',
  },
  clv: {
    title: 'Customer lifetime value',
    empty: 'No CLV model yet.',
    body: 'Fits BG/NBD and Gamma-Gamma to the order history and writes p_alive, expected_purchases and clv for every customer.',
    button: 'Fit the CLV model',
  },
} as const;

function FitFirst({ kind, onFitted }: { readonly kind: 'churn' | 'clv'; readonly onFitted: () => void }) {
  const fitting = useFit(kind, onFitted);
  const words = FIT_WORDS[kind];
  return (
    <Panel title={words.title}>
      <Empty title={words.empty}>
        <p>{words.body}</p>
        <button type="button" className="primary" disabled={fitting.fitting} onClick={() => void fitting.fit({})}>
          {words.button}
        </button>
      </Empty>
      <FitStatus fitting={fitting} what={`the ${kind === 'clv' ? 'CLV' : 'churn'} model`} />
    </Panel>
  );
}

function ChurnSection({ run }: { readonly run: ChurnRun }) {
  return (
    <>
      <h2 className="section-title">Churn risk</h2>
      <p className="muted small">
        {formatInt(run.stats.scored)} users scored as of {formatDate(run.stats.data.asOf)}; fitted{' '}
        {formatDate(run.finishedAt)}.
      </p>
      <div className="grid two">
        <Panel title="Churn risk distribution">
          <OutputView info={OUTPUTS.churn_risk} />
        </Panel>
        <Panel title="Model quality">
          <ChurnQuality run={run} />
        </Panel>
      </div>
      <Panel title="What drives churn">
        <ChurnDrivers drivers={run.stats.model.drivers} />
      </Panel>
    </>
  );
}

function ClvSection({ run }: { readonly run: ClvRun }) {
  const { query } = useLocation();
  const asked = query.get('clv') as OutputName | null;
  const output = asked && CLV_OUTPUTS.includes(asked) ? asked : 'clv';
  return (
    <>
      <h2 className="section-title">Customer lifetime value</h2>
      <p className="muted small">
        {formatInt(run.stats.data.customers)} customers as of {formatDate(run.asOf)}; fitted{' '}
        {formatDate(run.finishedAt)}.
      </p>
      <div className="grid two">
        <Panel title="Distribution">
          <div className="tabs" role="tablist" aria-label="CLV outputs">
            {CLV_OUTPUTS.map((name) => (
              <button
                key={name}
                type="button"
                role="tab"
                aria-selected={name === output}
                onClick={() => setQueryParam('clv', name === 'clv' ? null : name)}
              >
                {OUTPUTS[name].label}
              </button>
            ))}
          </div>
          <div role="tabpanel" aria-label={OUTPUTS[output].label}>
            <OutputView key={output} info={OUTPUTS[output]} />
          </div>
        </Panel>
        <Panel title="BG/NBD and Gamma-Gamma fit">
          <ClvFit run={run} />
        </Panel>
      </div>
    </>
  );
}
