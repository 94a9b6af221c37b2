import { type FormEvent, useEffect, useState } from 'react';
import { useApi } from '../../api/use-api';
import { formatInt } from '../../components/format';
import { Pager } from '../../components/pager';
import { Empty, Loaded } from '../../components/states';
import { setQueryParam } from '../../router';
import { MemberDetail } from './member-detail';
import type { MembersPage } from './types';
import { useDebounced } from './use-debounced';

export const MEMBERS_PER_PAGE = 20;

/** Search, page and the picked user live in the URL, so a view of the members can be shared or reloaded. */
export interface MembersView {
  readonly search: string;
  readonly offset: number;
  readonly user: string | null;
}

function SearchBox({ current }: { readonly current: string }) {
  const [text, setText] = useState(current);
  const settled = useDebounced(text.trim());
  // Only the user's typing moves the URL; `current` is read, not followed, so a late answer never undoes a keystroke.
  // biome-ignore lint/correctness/useExhaustiveDependencies: see above.
  useEffect(() => {
    if (settled === current) return;
    setQueryParam('offset', null);
    setQueryParam('q', settled);
  }, [settled]);
  return (
    <label>
      Search user ids
      <input type="search" value={text} onChange={(event) => setText(event.target.value)} placeholder="e.g. u0012" />
    </label>
  );
}

/** Any user, member or not: "why is this user not in it?" is the question explain answers best. */
function ExplainAnyone() {
  const [user, setUser] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (user.trim()) setQueryParam('user', user.trim());
  };
  return (
    <form className="toolbar" onSubmit={submit} style={{ marginBottom: 0 }}>
      <label>
        Explain any user
        <input value={user} onChange={(event) => setUser(event.target.value)} placeholder="user id" />
      </label>
      <button type="submit" disabled={user.trim() === ''}>
        Explain
      </button>
    </form>
  );
}

function MemberList({
  page,
  offset,
  user,
}: {
  readonly page: MembersPage;
  readonly offset: number;
  readonly user: string | null;
}) {
  return (
    <table>
      <thead>
        <tr>
          <th scope="col" className="num">
            #
          </th>
          <th scope="col">User id</th>
        </tr>
      </thead>
      <tbody>
        {page.userIds.map((id, index) => (
          <tr key={id} className={id === user ? 'selected' : undefined}>
            <td className="num muted">{formatInt(offset + index + 1)}</td>
            <td>
              <button
                type="button"
                className="link"
                aria-current={id === user ? 'true' : undefined}
                aria-label={`Explain ${id}`}
                onClick={() => setQueryParam('user', id)}
              >
                {id}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** GET /api/segments/:id/members: a page at a time, searchable; a picked member is explained beside the list. */
export function MembersTab({ segmentId, view }: { readonly segmentId: string; readonly view: MembersView }) {
  const members = useApi<MembersPage>(`/api/segments/${encodeURIComponent(segmentId)}/members`, {
    limit: MEMBERS_PER_PAGE,
    offset: view.offset,
    search: view.search,
  });
  return (
    <div className="segment-members">
      <section className="panel" aria-label="Members">
        <div className="toolbar">
          <SearchBox current={view.search} />
        </div>
        <Loaded result={members} what="Loading members">
          {(page) =>
            page.total === 0 ? (
              <Empty title={view.search ? `No member's id contains “${view.search}”.` : 'No members.'}>
                {view.search ? null : <p>Refresh the segment, or check its rule.</p>}
              </Empty>
            ) : (
              <>
                <p className="muted small" role="status">
                  {formatInt(page.total)} {view.search ? 'matching members' : 'members'} at the last refresh
                </p>
                <MemberList page={page} offset={view.offset} user={view.user} />
                <Pager
                  label="Member pages"
                  offset={view.offset}
                  limit={MEMBERS_PER_PAGE}
                  total={page.total}
                  onChange={(offset) => setQueryParam('offset', offset === 0 ? null : String(offset))}
                />
              </>
            )
          }
        </Loaded>
      </section>
      <div>
        {view.user ? (
          <MemberDetail segmentId={segmentId} userId={view.user} onClose={() => setQueryParam('user', null)} />
        ) : (
          <Empty title="Pick a member to see why they are in it.">
            <p>Each part of the rule is shown with the user's own value and whether it holds.</p>
            <ExplainAnyone />
          </Empty>
        )}
      </div>
    </div>
  );
}
