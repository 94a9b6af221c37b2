import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import { useApi } from '../../api/use-api';
import { formatInt, formatTime } from '../../components/format';
import { Panel } from '../../components/page';
import { Empty, ErrorMessage, Loaded } from '../../components/states';
import type { Webhook } from './types';
import { WebhookForm } from './webhook-form';

/** Delivery moves on its own (retries, the initial sync), so the list is read again while the tab is open. */
const POLL_MS = 5_000;

/** The delivery status in words, worst news first. */
function Delivery({ webhook }: { readonly webhook: Webhook }) {
  const s = webhook.status;
  const counts = `${formatInt(s.delivered_total)} delivered, ${formatInt(s.pending)} pending`;
  if (s.state === 'paused')
    return (
      <>
        <span className="badge warn">paused</span> <span className="small">{counts}</span>
      </>
    );
  if (s.consecutive_failures > 0)
    return (
      <>
        <span className="badge bad">failing</span>{' '}
        <span className="small">
          {formatInt(s.consecutive_failures)} failed attempts in a row: {s.last_error ?? 'no answer'}. Next try{' '}
          {formatTime(s.next_attempt_at)}. {counts}.
        </span>
      </>
    );
  if (s.syncing)
    return (
      <>
        <span className="badge">initial sync</span> <span className="small">{counts}</span>
      </>
    );
  return (
    <>
      <span className={s.pending > 0 ? 'badge' : 'badge good'}>{s.pending > 0 ? 'sending' : 'up to date'}</span>{' '}
      <span className="small">
        {counts}
        {s.last_success_at ? `; last success ${formatTime(s.last_success_at)}` : ''}
      </span>
    </>
  );
}

function WebhookRow({ webhook, onChanged }: { readonly webhook: Webhook; readonly onChanged: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const path = `/api/webhooks/${encodeURIComponent(webhook.id)}`;

  const act = async (request: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await request();
      setConfirming(false);
      onChanged();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const paused = webhook.state === 'paused';

  return (
    <tr>
      <td>
        <code>{webhook.url}</code>
        <div className="muted small">
          {webhook.id}
          {webhook.segment_ids.length > 1 ? `, also for ${webhook.segment_ids.length - 1} other segments` : ''}
        </div>
      </td>
      <td>
        <Delivery webhook={webhook} />
        {error !== undefined ? <ErrorMessage error={error} /> : null}
      </td>
      <td className="num">{formatInt(webhook.batch_size)}</td>
      <td>
        {confirming ? (
          <div className="actions">
            <span>Delete it?</span>
            <button type="button" className="small danger" disabled={busy} onClick={() => act(() => api.del(path))}>
              Yes, delete
            </button>
            <button type="button" className="small" disabled={busy} onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        ) : (
          <div className="actions">
            <button
              type="button"
              className="small"
              disabled={busy}
              onClick={() => act(() => api.patch(path, { state: paused ? 'active' : 'paused' }))}
            >
              {paused ? 'Resume' : 'Pause'}
            </button>
            <button type="button" className="small danger" disabled={busy} onClick={() => setConfirming(true)}>
              Delete
            </button>
          </div>
        )}
      </td>
    </tr>
  );
}

/** The webhooks that send this segment's changes (GET /api/webhooks, filtered here), and a form for a new one. */
export function WebhooksTab({ segmentId }: { readonly segmentId: string }) {
  const webhooks = useApi<Webhook[]>('/api/webhooks');
  const { reload } = webhooks;
  useEffect(() => {
    const timer = setInterval(reload, POLL_MS);
    return () => clearInterval(timer);
  }, [reload]);

  return (
    <>
      <Panel title="Webhooks sending this segment">
        <Loaded result={webhooks} what="Loading webhooks">
          {(all) => {
            const mine = all.filter((webhook) => webhook.segment_ids.includes(segmentId));
            if (mine.length === 0)
              return (
                <Empty title="No webhook sends this segment yet.">
                  <p>
                    A webhook posts every entry and exit, signed, to a URL of yours; it starts with today's members.
                  </p>
                </Empty>
              );
            return (
              <div className="table-scroll">
                <table className="segment-webhooks">
                  <thead>
                    <tr>
                      <th scope="col">Receiver</th>
                      <th scope="col">Delivery</th>
                      <th scope="col" className="num">
                        Batch
                      </th>
                      <th scope="col">Actions</th>
                    </tr>
                  </thead>
                  <tbody>
                    {mine.map((webhook) => (
                      <WebhookRow key={webhook.id} webhook={webhook} onChanged={reload} />
                    ))}
                  </tbody>
                </table>
              </div>
            );
          }}
        </Loaded>
      </Panel>
      <Panel title="New webhook">
        <WebhookForm segmentId={segmentId} onCreated={reload} />
      </Panel>
    </>
  );
}
