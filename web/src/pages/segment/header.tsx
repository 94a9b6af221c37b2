import { useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';
import { formatDelta, formatInt, formatTime } from '../../components/format';
import { PageHeader, Panel } from '../../components/page';
import { ErrorMessage } from '../../components/states';
import { Link, navigate } from '../../router';
import type { SegmentSummary } from './types';

interface RefreshResult {
  readonly size: number;
  readonly entered: number;
  readonly exited: number;
}

const path = (segment: SegmentSummary) => `/api/segments/${encodeURIComponent(segment.id)}`;

/** Asks once more before deleting; focus moves to the question so a keyboard user lands on it. */
function DeleteConfirm({ segment, onCancel }: { readonly segment: SegmentSummary; readonly onCancel: () => void }) {
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => confirm.current?.focus(), []);
  const remove = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.del(path(segment));
      navigate('/');
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };
  return (
    <div className="panel" role="alertdialog" aria-label="Confirm deletion" aria-describedby="delete-question">
      <p id="delete-question">
        <strong>Delete “{segment.name}”?</strong> Its membership goes and webhooks stop receiving its changes; its
        change log is kept. This cannot be undone.
      </p>
      {error !== undefined ? <ErrorMessage error={error} /> : null}
      <div className="actions">
        <button type="button" className="danger" ref={confirm} onClick={remove} disabled={busy}>
          {busy ? 'Deleting…' : 'Yes, delete it'}
        </button>
        <button type="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </div>
  );
}

function LiveBadge({ segment }: { readonly segment: SegmentSummary }) {
  if (segment.realtime) return <span className="badge good">live</span>;
  return (
    <span className="badge warn" title={segment.realtimeReason ?? undefined}>
      not live
    </span>
  );
}

/** Name, description, rule, size, freshness and the segment's actions. */
export function SegmentHeader({
  segment,
  onRefreshed,
}: {
  readonly segment: SegmentSummary;
  readonly onRefreshed: () => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const [refresh, setRefresh] = useState<
    | { state: 'idle' }
    | { state: 'busy' }
    | { state: 'done'; result: RefreshResult }
    | { state: 'failed'; error: unknown }
  >({ state: 'idle' });

  const runRefresh = async () => {
    setRefresh({ state: 'busy' });
    try {
      const result = await api.post<RefreshResult>(`${path(segment)}/refresh`, {});
      setRefresh({ state: 'done', result });
      onRefreshed();
    } catch (error) {
      setRefresh({ state: 'failed', error });
    }
  };

  return (
    <>
      <PageHeader
        title={segment.name}
        subtitle={segment.description || undefined}
        actions={
          <>
            <Link className="button" href={`/segments/${encodeURIComponent(segment.id)}/edit`}>
              Edit
            </Link>
            <button type="button" onClick={runRefresh} disabled={refresh.state === 'busy'}>
              {refresh.state === 'busy' ? 'Refreshing…' : 'Refresh'}
            </button>
            <Link className="button" href={`/compare?segments=${encodeURIComponent(segment.id)}`}>
              Compare with…
            </Link>
            <button type="button" className="danger" onClick={() => setConfirming(true)} disabled={confirming}>
              Delete
            </button>
          </>
        }
      />
      {confirming ? <DeleteConfirm segment={segment} onCancel={() => setConfirming(false)} /> : null}
      {refresh.state === 'done' ? (
        <p role="status" className="muted">
          Refreshed: {formatInt(refresh.result.size)} members ({formatDelta(refresh.result.entered)} entered,{' '}
          {formatDelta(-refresh.result.exited)} exited).
        </p>
      ) : null}
      {refresh.state === 'failed' ? <ErrorMessage error={refresh.error} retry={runRefresh} /> : null}
      <section className="cards segment-facts" aria-label="Segment facts">
        <div className="card stat">
          <span className="value" data-testid="segment-size">
            {segment.size === null ? 'never refreshed' : formatInt(segment.size)}
          </span>
          <span className="label">members at the last refresh</span>
        </div>
        <div className="card stat">
          <span className="value segment-fact">{formatTime(segment.refreshedAt)}</span>
          <span className="label">last refresh</span>
        </div>
        <div className="card stat">
          <span className="value segment-fact">
            <LiveBadge segment={segment} />
          </span>
          <span className="label">
            {segment.realtime
              ? `follows incoming data${segment.timeWindows ? ', and is swept on a schedule for its time windows' : ''}`
              : (segment.realtimeReason ?? 'refreshed on demand only')}
          </span>
        </div>
      </section>
      <Panel title="Rule">
        {segment.kind === 'static' ? (
          <p className="muted">A static list of user ids, uploaded.</p>
        ) : (
          <pre className="segment-rule">
            <code>{segment.text ?? '–'}</code>
          </pre>
        )}
      </Panel>
    </>
  );
}
