import { useEffect, useRef, useState } from 'react';
import { ApiError, type ApiIssue, api } from '../../api/client';
import { useApi } from '../../api/use-api';
import { formatTime } from '../../components/format';
import { PageHeader, Panel } from '../../components/page';
import { Empty, ErrorMessage, Loading } from '../../components/states';
import { Link, navigate } from '../../router';
import './builder.css';
import { DetailsForm, nameIssues } from './details-form';
import { EditContext } from './edit-context';
import { HistoryPanel } from './history-panel';
import { IssuesContext } from './issues';
import { LiveCountCard } from './live-count';
import type { SavedSegment } from './rule-types';
import { TextPane } from './text-pane';
import { isGroup } from './tree';
import { TreeEditor } from './tree-editor';
import { type Catalog, CatalogContext, useCatalog } from './use-catalog';
import { useLiveCount } from './use-live-count';
import { useRuleSync } from './use-rule-sync';

/**
 * The segment builder: conditions as a tree and as text, kept in step, a live member count, and save. `id` null is
 * `/segments/new`; otherwise `/segments/:id/edit`, which also shows the segment's versions.
 */
export function BuilderPage({ id }: { readonly id: string | null }) {
  const catalog = useCatalog();
  const segment = useApi<SavedSegment>(id === null ? null : `/api/segments/${encodeURIComponent(id)}`);
  if (id !== null) {
    if (segment.error !== undefined)
      return (
        <>
          <PageHeader title="Edit segment" />
          <ErrorMessage error={segment.error} retry={segment.reload} />
        </>
      );
    if (!segment.data) return <Loading what="Loading the segment" />;
    if (segment.data.kind === 'static' || !segment.data.rule)
      return (
        <>
          <PageHeader title={`Edit “${segment.data.name}”`} />
          <Empty title="This is a static segment: its members are an uploaded list, with no rule to edit.">
            <p>
              <Link href={`/segments/${encodeURIComponent(segment.data.id)}`}>Back to the segment</Link>
            </p>
          </Empty>
        </>
      );
  }
  // Once the catalog is there, a failed resample must not take the editor (and the user's work) away.
  if (!catalog.data) {
    return catalog.error === undefined ? (
      <Loading what="Loading the catalog of events and traits" />
    ) : (
      <ErrorMessage error={catalog.error} retry={catalog.reload} />
    );
  }
  return (
    <Builder
      key={segment.data?.id ?? 'new'}
      catalog={catalog.data}
      saved={segment.data ?? null}
      resample={catalog.resample}
      resampling={catalog.loading}
      resampleError={catalog.error}
    />
  );
}

function Builder({
  catalog,
  saved,
  resample,
  resampling,
  resampleError,
}: {
  readonly catalog: Catalog;
  readonly saved: SavedSegment | null;
  readonly resample: () => void;
  readonly resampling: boolean;
  readonly resampleError: unknown;
}) {
  const sync = useRuleSync();
  const { state } = sync;
  const [name, setName] = useState(saved?.name ?? '');
  const [description, setDescription] = useState(saved?.description ?? '');
  const [nameTouched, setNameTouched] = useState(false);
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<{ message: string } | { error: unknown } | null>(null);
  const [restored, setRestored] = useState<number | null>(null);
  const selfId = saved?.id ?? null;
  const count = useLiveCount(state.checking ? null : state.rule);
  const loadedRule = useRef(false);

  const { load } = sync;
  useEffect(() => {
    if (saved?.rule && !loadedRule.current) {
      loadedRule.current = true;
      load(saved.rule);
    }
  }, [saved, load]);

  const empty = isGroup(state.tree) && state.tree.rules.length === 0;
  const countState = empty ? 'empty' : state.checking ? 'checking' : state.rule ? null : 'invalid';
  const nameProblems = nameTouched ? nameIssues(name, catalog.segments, selfId) : [];
  const serverIssues =
    problem && 'error' in problem && problem.error instanceof ApiError ? problem.error.allIssues() : [];
  const fieldIssues = (path: string): ApiIssue[] => serverIssues.filter((issue) => issue.path === path);

  const save = async () => {
    setNameTouched(true);
    setProblem(null);
    if (nameIssues(name, catalog.segments, selfId).length > 0) {
      setProblem({ message: 'Give the segment a valid name before saving.' });
      return;
    }
    if (empty || state.checking || !state.rule) {
      setProblem({
        message: empty
          ? 'Add a condition before saving.'
          : state.checking
            ? 'The rule is still being checked; save again in a moment.'
            : 'Fix the highlighted fields before saving.',
      });
      return;
    }
    const body = { name, ...(description === '' ? {} : { description }), rule: state.rule };
    setSaving(true);
    try {
      const result = saved
        ? await api.put<SavedSegment>(`/api/segments/${encodeURIComponent(saved.id)}`, body)
        : await api.post<SavedSegment>('/api/segments', body);
      navigate(`/segments/${encodeURIComponent(result.id)}`);
    } catch (error) {
      setSaving(false);
      setProblem({ error });
      // Rule issues only saving finds (a reference cycle through this segment) go on their fields too.
      if (error instanceof ApiError) sync.showIssues(error.allIssues().filter((i) => i.path?.startsWith('rule')));
    }
  };

  const title = saved ? `Edit “${saved.name}”` : 'New segment';
  return (
    <EditContext.Provider value={sync.editTree}>
      <CatalogContext.Provider value={{ catalog, selfId }}>
        <IssuesContext.Provider value={state.treeIssues}>
          <PageHeader
            title={title}
            subtitle={
              saved
                ? `Version ${saved.version}. Saving makes version ${saved.version + 1}; every version is kept.`
                : 'Describe who belongs: conditions on traits, events, totals, sequences and other segments.'
            }
            actions={
              <>
                <Link className="button" href={saved ? `/segments/${encodeURIComponent(saved.id)}` : '/'}>
                  Cancel
                </Link>
                <button type="button" className="primary" disabled={saving} onClick={save}>
                  {saving ? 'Saving…' : saved ? 'Update segment' : 'Save segment'}
                </button>
              </>
            }
          />
          <div>
            {problem && 'message' in problem ? (
              <p className="state error" role="alert">
                {problem.message}
              </p>
            ) : null}
            {problem && 'error' in problem ? <ErrorMessage error={problem.error} /> : null}
          </div>
          <div className="builder-layout">
            <div className="builder-main">
              <Panel title="Details">
                <DetailsForm
                  name={name}
                  description={description}
                  onName={(next) => {
                    setName(next);
                    setNameTouched(true);
                  }}
                  onDescription={setDescription}
                  issues={{
                    name: nameProblems.length > 0 ? nameProblems : fieldIssues('name'),
                    description: fieldIssues('description'),
                  }}
                />
              </Panel>
              <Panel
                title="Conditions"
                actions={
                  <span className="small muted">
                    Catalog sampled {formatTime(catalog.asOf)}{' '}
                    <button type="button" className="small" onClick={resample} disabled={resampling}>
                      {resampling ? 'Sampling…' : 'Sample again'}
                    </button>
                  </span>
                }
              >
                {resampleError !== undefined ? <ErrorMessage error={resampleError} retry={resample} /> : null}
                {restored !== null ? (
                  <p className="builder-notice" role="status">
                    Version {restored}’s rule is in the editor. {saved ? 'Update to save it as a new version.' : ''}
                  </p>
                ) : null}
                <TreeEditor tree={state.tree} />
                {state.treeIssues.unplaced.length > 0 ? (
                  <ul>
                    {state.treeIssues.unplaced.map((issue) => (
                      <li key={`${issue.path}:${issue.message}`} className="field-error">
                        {issue.message}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </Panel>
            </div>
            <aside className="builder-side" aria-label="Count and text form">
              <LiveCountCard count={count} state={countState} />
              {state.failure ? <ErrorMessage error={new Error(state.failure)} /> : null}
              <Panel title="Text form">
                <TextPane
                  text={state.text}
                  issues={state.textIssues}
                  behind={state.textBehind}
                  onChange={sync.editText}
                  onBlur={sync.tidyText}
                />
              </Panel>
              {saved ? (
                <HistoryPanel
                  id={saved.id}
                  current={saved.version}
                  currentName={saved.name}
                  onRestore={(version) => {
                    sync.load(version.rule);
                    setRestored(version.version);
                  }}
                />
              ) : null}
            </aside>
          </div>
        </IssuesContext.Provider>
      </CatalogContext.Provider>
    </EditContext.Provider>
  );
}
