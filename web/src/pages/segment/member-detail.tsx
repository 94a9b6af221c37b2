import { Fragment } from 'react';
import { useApi } from '../../api/use-api';
import { formatMoney, formatTime } from '../../components/format';
import { Loaded } from '../../components/states';
import { ExplainTree } from './explain-tree';
import type { Explanation, Profile } from './types';

const EVENTS_SHOWN = 8;

function traitText(value: unknown): string {
  if (value === null || value === undefined) return '–';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A glance at the profile: its traits and latest events (GET /api/profiles/:userId). */
function ProfilePeek({ userId }: { readonly userId: string }) {
  const profile = useApi<Profile>(`/api/profiles/${encodeURIComponent(userId)}`);
  return (
    <Loaded result={profile} what="Loading the profile">
      {({ profile: p, events }) => (
        <>
          <dl className="segment-traits" aria-label="Traits">
            <dt>first seen</dt>
            <dd>{formatTime(p.firstSeen)}</dd>
            <dt>last seen</dt>
            <dd>{formatTime(p.lastSeen)}</dd>
            {p.accountId ? (
              <>
                <dt>account</dt>
                <dd>{p.accountId}</dd>
              </>
            ) : null}
            {Object.entries(p.traits).map(([key, value]) => (
              <Fragment key={key}>
                <dt>{key}</dt>
                <dd>{traitText(value)}</dd>
              </Fragment>
            ))}
          </dl>
          <h3>Latest events</h3>
          {events.length === 0 ? (
            <p className="muted">No events.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Event</th>
                  <th scope="col">When</th>
                  <th scope="col" className="num">
                    Revenue
                  </th>
                </tr>
              </thead>
              <tbody>
                {events.slice(0, EVENTS_SHOWN).map((event) => (
                  <tr key={event.messageId}>
                    <td>{event.name}</td>
                    <td>{formatTime(event.ts)}</td>
                    <td className="num">{event.revenue === null ? '' : formatMoney(event.revenue)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </Loaded>
  );
}

/** Why one user is in the segment or not, and who they are. */
export function MemberDetail({
  segmentId,
  userId,
  onClose,
}: {
  readonly segmentId: string;
  readonly userId: string;
  readonly onClose: () => void;
}) {
  const explanation = useApi<Explanation>(`/api/segments/${encodeURIComponent(segmentId)}/explain`, { user: userId });
  return (
    <section className="panel" aria-label={`User ${userId}`}>
      <header>
        <h2>
          <code>{userId}</code>
        </h2>
        <div className="actions">
          <button type="button" className="small" onClick={onClose}>
            Close
          </button>
        </div>
      </header>
      <Loaded result={explanation} what="Explaining">
        {(data) => (
          <>
            <p role="status">
              {data.member ? (
                <span className="badge good">member</span>
              ) : (
                <span className="badge bad">not a member</span>
              )}{' '}
              <span className="muted small">as of {formatTime(data.asOf)}, evaluated now from their data</span>
            </p>
            <ExplainTree root={data.explanation} />
          </>
        )}
      </Loaded>
      <h3>Profile</h3>
      <ProfilePeek userId={userId} />
    </section>
  );
}
