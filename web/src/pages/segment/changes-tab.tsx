import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';
import { formatInt, formatTime } from '../../components/format';
import { Empty, ErrorMessage, Loading } from '../../components/states';
import { Link } from '../../router';
import type { Change, ChangesPage } from './types';

const PAGE = 50;
const DAY_MS = 86_400_000;

export const SINCE_CHOICES = [
  { value: '7', label: 'the last 7 days' },
  { value: '30', label: 'the last 30 days' },
  { value: '90', label: 'the last 90 days' },
  { value: 'all', label: 'all time' },
] as const;
export type Since = (typeof SINCE_CHOICES)[number]['value'];

export function parseSince(value: string | null): Since {
  return SINCE_CHOICES.find((choice) => choice.value === value)?.value ?? '30';
}

interface Feed {
  readonly changes: readonly Change[];
  readonly next: number | null;
  readonly loading: boolean;
  readonly error: unknown;
}

/**
 * The change log a page at a time, newest first (cursor `before`): the feed starts now and "load older" goes back
 * towards the beginning of the chosen period.
 */
function useChangeFeed(segmentId: string, since: Since) {
  const [feed, setFeed] = useState<Feed>({ changes: [], next: null, loading: true, error: undefined });
  const controller = useRef<AbortController | null>(null);

  const load = useCallback(
    async (before: number | null, previous: readonly Change[]) => {
      controller.current?.abort();
      const current = new AbortController();
      controller.current = current;
      setFeed({ changes: previous, next: before, loading: true, error: undefined });
      try {
        const page = await api.get<ChangesPage>(
          `/api/segments/${encodeURIComponent(segmentId)}/changes`,
          {
            order: 'newest',
            limit: PAGE,
            before,
            since: since === 'all' ? null : new Date(Date.now() - Number(since) * DAY_MS).toISOString(),
          },
          current.signal,
        );
        setFeed({ changes: [...previous, ...page.changes], next: page.next_before, loading: false, error: undefined });
      } catch (error) {
        if (!current.signal.aborted) setFeed({ changes: previous, next: before, loading: false, error });
      }
    },
    [segmentId, since],
  );

  useEffect(() => {
    void load(null, []);
    return () => controller.current?.abort();
  }, [load]);

  return { feed, more: () => void load(feed.next, feed.changes) };
}

function ChangeRow({ change, segmentId }: { readonly change: Change; readonly segmentId: string }) {
  return (
    <tr>
      <td>{formatTime(change.at)}</td>
      <td>
        {change.change === 'entered' ? (
          <span className="badge good">entered</span>
        ) : (
          <span className="badge bad">exited</span>
        )}
      </td>
      <td>
        <Link
          className="mono"
          href={`/segments/${encodeURIComponent(segmentId)}?tab=members&user=${encodeURIComponent(change.user_id)}`}
          aria-label={`Explain ${change.user_id}`}
        >
          {change.user_id}
        </Link>
      </td>
      <td className="num muted">{change.seq}</td>
    </tr>
  );
}

/** GET /api/segments/:id/changes: who entered and who left, and when. */
export function ChangesTab({
  segmentId,
  since,
  onSince,
}: {
  readonly segmentId: string;
  readonly since: Since;
  readonly onSince: (since: Since) => void;
}) {
  const { feed, more } = useChangeFeed(segmentId, since);
  const period = SINCE_CHOICES.find((choice) => choice.value === since)?.label ?? '';
  return (
    <>
      <div className="toolbar">
        <label>
          Changes from
          <select value={since} onChange={(event) => onSince(parseSince(event.target.value))}>
            {SINCE_CHOICES.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {feed.changes.length === 0 && feed.loading ? <Loading what="Loading changes" /> : null}
      {feed.changes.length === 0 && !feed.loading && feed.error === undefined ? (
        <Empty title={`No one entered or left in ${period}.`} />
      ) : null}
      {feed.changes.length > 0 ? (
        <>
          <p className="muted small" role="status">
            {formatInt(feed.changes.length)} changes shown, newest first{feed.next === null ? '; that is all.' : '.'}
          </p>
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">When (evaluation time)</th>
                  <th scope="col">Change</th>
                  <th scope="col">User</th>
                  <th scope="col" className="num">
                    Seq
                  </th>
                </tr>
              </thead>
              <tbody>
                {feed.changes.map((change) => (
                  <ChangeRow key={change.seq} change={change} segmentId={segmentId} />
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
      {feed.error !== undefined ? <ErrorMessage error={feed.error} retry={more} /> : null}
      {feed.next !== null && feed.changes.length > 0 ? (
        <p>
          <button type="button" onClick={more} disabled={feed.loading}>
            {feed.loading ? 'Loading…' : 'Load older'}
          </button>
        </p>
      ) : null}
    </>
  );
}
