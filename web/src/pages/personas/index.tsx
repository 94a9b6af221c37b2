import { useMemo, useState } from 'react';
import { useApi } from '../../api/use-api';
import { FitStatus } from '../../components/fit-status';
import { formatDate, formatInt, formatNumber } from '../../components/format';
import { PageHeader, Panel } from '../../components/page';
import { Empty, Loaded } from '../../components/states';
import { useFit } from '../../components/use-fit';
import { FitControls } from './fit-controls';
import { PersonaCard } from './persona-card';
import { ProjectionMap } from './projection-map';
import { SavePersona } from './save-persona';
import type { ClusterRun, ModelsAnswer } from './types';
import './personas.css';

/**
 * Personas (issue 7 §5): the current clustering as cards, a map of the users, and each persona saved as a segment.
 * The run holds everything drawn here (profiles, suggested rules, the 2-D projection), so the page needs one request.
 */
export function PersonasPage() {
  const models = useApi<ModelsAnswer>('/api/models', { kinds: 'cluster' });
  const fitting = useFit('cluster', models.reload);
  const run = models.data?.cluster ?? null;
  return (
    <>
      <PageHeader
        title="Personas"
        subtitle="Groups of users who behave alike, found by k-means on their orders, spend and activity"
        actions={run ? <FitControls fitting={fitting} initialK={run.params.k} action="Refit" /> : null}
      />
      <FitStatus fitting={fitting} what="personas" />
      <Loaded result={models} what="Reading the personas">
        {(data) =>
          data.cluster ? (
            <Personas key={data.cluster.id} run={data.cluster} />
          ) : (
            <Empty title="No personas yet.">
              <p>
                Fitting groups every user with events into personas, names them, and writes the <code>cluster</code>{' '}
                trait into their profiles. Automatic picks the number of personas that separates best.
              </p>
              <FitControls fitting={fitting} initialK="auto" action="Fit personas" />
            </Empty>
          )
        }
      </Loaded>
    </>
  );
}

function Personas({ run }: { readonly run: ClusterRun }) {
  const { stats } = run;
  const [highlighted, setHighlighted] = useState<number | null>(null);
  const [saving, setSaving] = useState<number | null>(null);
  // Everyone's mean of a feature is the size-weighted mean of the personas' means.
  const overall = useMemo(() => {
    const total = stats.clusters.reduce((s, c) => s + c.size, 0);
    return Object.fromEntries(
      stats.features.map((f) => [
        f.name,
        stats.clusters.reduce((s, c) => s + c.size * (c.mean[f.name] ?? 0), 0) / Math.max(total, 1),
      ]),
    );
  }, [stats]);
  const savingPersona = saving === null ? null : stats.clusters[saving];
  const toggle = (index: number) => setHighlighted((current) => (current === index ? null : index));

  return (
    <>
      <p className="muted">
        {formatInt(stats.data.users)} users in {stats.k} personas
        {run.params.k === 'auto' && stats.silhouette !== null
          ? ` (chosen automatically, mean silhouette ${formatNumber(stats.silhouette)})`
          : ''}
        , from their behaviour up to {formatDate(stats.data.asOf)}. Fitted {formatDate(run.finishedAt)}.
      </p>
      <div className="cards personas-cards">
        {stats.clusters.map((persona) => (
          <PersonaCard
            key={persona.index}
            persona={persona}
            features={stats.features}
            overall={overall}
            highlighted={highlighted === persona.index}
            onHighlight={() => toggle(persona.index)}
            onSave={() => setSaving(persona.index)}
          />
        ))}
      </div>
      {savingPersona ? (
        <SavePersona key={savingPersona.index} persona={savingPersona} onClose={() => setSaving(null)} />
      ) : null}
      <Panel title="Map of the personas">
        {stats.projection ? (
          <ProjectionMap
            projection={stats.projection}
            personas={stats.clusters}
            highlighted={highlighted}
            onPick={toggle}
          />
        ) : (
          <Empty title="This run has no map.">
            <p>It was fitted before maps were stored with the personas: refit to draw it.</p>
          </Empty>
        )}
      </Panel>
    </>
  );
}
