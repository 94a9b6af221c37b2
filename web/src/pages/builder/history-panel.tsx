import { Fragment, useEffect, useState } from 'react';
import { api } from '../../api/client';
import { useApi } from '../../api/use-api';
import { formatTime } from '../../components/format';
import { Panel } from '../../components/page';
import { ErrorMessage, Loaded, Loading } from '../../components/states';
import type { Rule, SegmentVersion, Translation } from './rule-types';

/** Every saved version of the segment, newest first; any one can be read as text or restored into the editor. */
export function HistoryPanel({
  id,
  current,
  currentName,
  onRestore,
}: {
  readonly id: string;
  readonly current: number;
  /** Versions saved under another name say so. */
  readonly currentName: string;
  readonly onRestore: (version: SegmentVersion & { rule: Rule }) => void;
}) {
  const history = useApi<SegmentVersion[]>(`/api/segments/${encodeURIComponent(id)}/history`);
  const [open, setOpen] = useState<number | null>(null);
  return (
    <Panel title="Version history">
      <Loaded result={history} what="Loading the versions">
        {(versions) => (
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">Saved (UTC)</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {[...versions].reverse().map((version) => {
                  const rule = version.rule;
                  return (
                    <Fragment key={version.version}>
                      <tr>
                        <td>
                          v{version.version}{' '}
                          {version.version === current ? <span className="badge">current</span> : null}
                        </td>
                        <td className="small">
                          <span className="builder-nowrap">{formatTime(version.createdAt).replace(' UTC', '')}</span>
                          {version.name === currentName ? null : <span className="muted"> as “{version.name}”</span>}
                        </td>
                        <td className="builder-buttons">
                          {rule ? (
                            <>
                              <button
                                type="button"
                                className="small"
                                aria-expanded={open === version.version}
                                aria-label={`View version ${version.version}`}
                                onClick={() => setOpen(open === version.version ? null : version.version)}
                              >
                                View
                              </button>
                              <button
                                type="button"
                                className="small"
                                aria-label={`Restore version ${version.version} into the editor`}
                                onClick={() => onRestore({ ...version, rule })}
                              >
                                Restore
                              </button>
                            </>
                          ) : null}
                        </td>
                      </tr>
                      {open === version.version && rule ? (
                        <tr>
                          <td colSpan={3}>
                            <VersionText rule={rule} />
                          </td>
                        </tr>
                      ) : null}
                    </Fragment>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Loaded>
    </Panel>
  );
}

/** An old rule in the text form (the server prints it); as JSON when it no longer checks (a deleted reference). */
function VersionText({ rule }: { readonly rule: Rule }) {
  const [answer, setAnswer] = useState<{ text: string } | { error: unknown } | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    api.post<Translation>('/api/segments/translate', { rule }, controller.signal).then(
      (translated) => setAnswer({ text: translated.valid ? translated.text : JSON.stringify(rule, null, 2) }),
      (error: unknown) => {
        if (!controller.signal.aborted) setAnswer({ error });
      },
    );
    return () => controller.abort();
  }, [rule]);
  if (answer === null) return <Loading what="Printing the rule" />;
  if ('error' in answer) return <ErrorMessage error={answer.error} />;
  return <pre className="builder-version-text">{answer.text}</pre>;
}
