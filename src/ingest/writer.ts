import type { CellValue, Engine, Row } from '../engines/engine.js';
import { runAll } from '../engines/run-all.js';
import { type Sql, sql, str, strList } from '../engines/sql.js';
import type { Touched } from '../live/dependencies.js';
import { accounts, events, identities, profiles } from '../store/tables.js';
import type { Change, EventRecord, Subject } from './normalize.js';
import { missingProfile, widenProfileSpans } from './profile-spans.js';
import { emptyTraits, mergeStates, mergeTraits, type TraitState } from './traits.js';

export interface WriteSummary {
  /** Events stored. */
  readonly stored: number;
  /** Events whose message id was already stored (or repeated in the batch), dropped. */
  readonly duplicates: number;
  /** Message ids that were already in the store before this write (not those repeated within it). */
  readonly storedBefore: ReadonlySet<string>;
  /** What changed, for real-time segment evaluation. */
  readonly touched: Touched;
}

interface Span {
  first: Date;
  last: Date;
}

interface ProfileState {
  state: TraitState;
  accountId: string | null;
  accountAt: Date | null;
  firstSeen: Date | null;
  lastSeen: Date | null;
}

interface Visitor {
  userId: string | null;
  state: TraitState;
  dirty: boolean;
}

const unique = <T>(values: Iterable<T>): T[] => [...new Set(values)];
const minDate = (a: Date | null, b: Date | null) => (!a ? b : !b ? a : a < b ? a : b);
const maxDate = (a: Date | null, b: Date | null) => (!a ? b : !b ? a : a > b ? a : b);
const asDate = (value: unknown): Date | null => (value instanceof Date ? value : null);
const asState = (row: Row): TraitState => ({
  traits: (row['traits'] ?? {}) as Record<string, unknown>,
  times: (row['trait_times'] ?? {}) as Record<string, string>,
});

async function byIds(tx: Engine, table: Sql, idColumn: Sql, workspace: string, ids: string[]): Promise<Row[]> {
  if (ids.length === 0) return [];
  return tx.query(
    sql`SELECT * FROM ${table} WHERE workspace = ${str(workspace)}
        AND ${idColumn} IN (SELECT ${tx.dialect.unnest(strList(ids))})`,
  );
}

/**
 * Applies normalised changes in one transaction, set-based: identity links first (so anonymous activity lands on
 * its user), then events (deduplicated by message id), then profiles, visitors and accounts.
 */
export function applyChanges(engine: Engine, workspace: string, changes: readonly Change[]): Promise<WriteSummary> {
  return engine.transaction((tx) => apply(tx, workspace, changes));
}

async function apply(tx: Engine, workspace: string, changes: readonly Change[]): Promise<WriteSummary> {
  const now = new Date();
  const w = str(workspace);
  const d = tx.dialect;

  // Links from this batch: an anonymous id seen with a user id, or an alias. The first link of an id wins.
  const batchLinks = new Map<string, string>();
  const subjects: Subject[] = [];
  for (const change of changes) {
    if (change.kind === 'alias') {
      if (change.previousId !== change.userId && !batchLinks.has(change.previousId)) {
        batchLinks.set(change.previousId, change.userId);
      }
      continue;
    }
    const subject = change.kind === 'event' ? change.event : change.subject;
    subjects.push(subject);
    if (subject.userId && subject.anonymousId && !batchLinks.has(subject.anonymousId)) {
      batchLinks.set(subject.anonymousId, subject.userId);
    }
  }

  const anonymousIds = unique([
    ...subjects.map((s) => s.anonymousId).filter((id): id is string => id !== null),
    ...batchLinks.keys(),
  ]);
  const visitors = new Map<string, Visitor>();
  for (const row of await byIds(tx, sql`identities`, sql`anonymous_id`, workspace, anonymousIds)) {
    visitors.set(String(row['anonymous_id']), {
      userId: (row['user_id'] as string | null) ?? null,
      state: asState(row),
      dirty: false,
    });
  }
  const newLinks = new Map<string, string>();
  for (const [anonymousId, userId] of batchLinks) {
    const visitor = visitors.get(anonymousId);
    if (visitor?.userId) continue;
    newLinks.set(anonymousId, userId);
    if (visitor) {
      visitor.userId = userId;
      visitor.dirty = true;
    } else visitors.set(anonymousId, { userId, state: emptyTraits, dirty: true });
  }
  const resolve = (subject: Subject): string | null =>
    subject.userId ?? (subject.anonymousId ? (visitors.get(subject.anonymousId)?.userId ?? null) : null);

  // Aliases whose previous id is itself a user: that user's profile and events join the new id.
  const aliasUsers = changes.flatMap((c) => (c.kind === 'alias' && c.previousId !== c.userId ? [c] : []));

  // Users whose traits, account or identity change need their profile read and merged; users who only sent events
  // just move their first/last seen, which is done in SQL without reading the profile.
  const merged = new Set(
    [
      ...changes.flatMap((c) => (c.kind === 'traits' || c.kind === 'group' ? [resolve(c.subject)] : [])),
      ...newLinks.values(),
      ...aliasUsers.flatMap((a) => [a.previousId, a.userId]),
    ].filter((id): id is string => id !== null),
  );
  const people = new Map<string, ProfileState>();
  const existingProfiles = new Set<string>();
  for (const row of await byIds(tx, sql`profiles`, sql`user_id`, workspace, [...merged])) {
    const userId = String(row['user_id']);
    existingProfiles.add(userId);
    people.set(userId, {
      state: asState(row),
      accountId: (row['account_id'] as string | null) ?? null,
      accountAt: null,
      firstSeen: asDate(row['first_seen']),
      lastSeen: asDate(row['last_seen']),
    });
  }
  const person = (userId: string): ProfileState => {
    let found = people.get(userId);
    if (!found) {
      found = { state: emptyTraits, accountId: null, accountAt: null, firstSeen: null, lastSeen: null };
      people.set(userId, found);
    }
    return found;
  };

  // Events: resolve, drop repeats within the batch and those already stored, insert the rest.
  const seen = new Set<string>();
  const fresh: EventRecord[] = [];
  let repeated = 0;
  for (const change of changes) {
    if (change.kind !== 'event') continue;
    if (seen.has(change.event.messageId)) {
      repeated++;
      continue;
    }
    seen.add(change.event.messageId);
    fresh.push(change.event);
  }
  const storedBefore = new Set<string>();
  if (fresh.length > 0) {
    const found = await tx.query(
      sql`SELECT message_id FROM events WHERE workspace = ${w}
          AND message_id IN (SELECT ${d.unnest(strList(fresh.map((e) => e.messageId)))})`,
    );
    for (const row of found) storedBefore.add(String(row['message_id']));
  }
  const spans = new Map<string, Span>();
  const eventNames = new Set<string>();
  const eventUsers = new Set<string>();
  const eventRows: CellValue[][] = [];
  for (const event of fresh) {
    const userId = resolve(event);
    // Events stored before still count towards first and last seen, which are idempotent (min and max): on an
    // engine without rollback, a batch that failed after storing its events is retried with them as duplicates, and
    // its users' spans (or their new profiles) must still be written. Spans already covered write nothing.
    if (userId) {
      const span = spans.get(userId);
      if (!span) spans.set(userId, { first: event.ts, last: event.ts });
      else {
        if (event.ts < span.first) span.first = event.ts;
        if (event.ts > span.last) span.last = event.ts;
      }
    }
    if (storedBefore.has(event.messageId)) continue;
    if (userId) eventUsers.add(userId);
    eventNames.add(event.name);
    eventRows.push([
      workspace,
      event.messageId,
      event.type,
      event.name,
      userId,
      event.anonymousId,
      event.ts,
      event.receivedAt,
      event.properties,
      event.context,
      event.revenue,
    ]);
  }
  if (eventRows.length > 0) await tx.run(sql`INSERT INTO events SELECT * FROM ${await tx.stage(events, eventRows)}`);
  for (const [userId, span] of spans) {
    if (!merged.has(userId)) continue;
    const p = person(userId);
    p.firstSeen = minDate(p.firstSeen, span.first);
    p.lastSeen = maxDate(p.lastSeen, span.last);
    spans.delete(userId);
  }
  const newUsers = spans.size > 0 ? await writeSpans(tx, workspace, spans, now) : [];

  // Earlier anonymous activity of newly linked visitors now belongs to their user.
  if (newLinks.size > 0) {
    const ids = [...newLinks.keys()];
    const users = ids.map((id) => newLinks.get(id) as string);
    // A change of user_id moves the rows (a key column on some engines); the moved rows no longer match `where`.
    await runAll(
      tx,
      d.update(events, {
        set: { user_id: d.lookup(sql`anonymous_id`, strList(ids), strList(users)) },
        where: sql`workspace = ${w} AND user_id IS NULL AND ${d.inList(sql`anonymous_id`, strList(ids))}`,
      }),
    );
    // Only the linked users: another user who shared the device keeps the profile this write did not read.
    const spans = await tx.query(
      sql`SELECT user_id, min(ts) AS first_seen, max(ts) AS last_seen FROM events
          WHERE workspace = ${w} AND anonymous_id IN (SELECT ${d.unnest(strList(ids))})
            AND user_id IN (SELECT ${d.unnest(strList([...new Set(users)]))})
          GROUP BY user_id`,
    );
    for (const span of spans) {
      const p = person(String(span['user_id']));
      p.firstSeen = minDate(p.firstSeen, asDate(span['first_seen']));
      p.lastSeen = maxDate(p.lastSeen, asDate(span['last_seen']));
    }
    for (const [anonymousId, userId] of newLinks) {
      const visitor = visitors.get(anonymousId);
      if (visitor) person(userId).state = mergeStates(person(userId).state, visitor.state);
    }
  }

  const removedUsers = new Set<string>();
  for (const alias of aliasUsers) {
    const previous = people.get(alias.previousId);
    if (!previous || !existingProfiles.has(alias.previousId)) continue;
    removedUsers.add(alias.previousId);
    const target = person(alias.userId);
    target.state = mergeStates(target.state, previous.state);
    target.firstSeen = minDate(target.firstSeen, previous.firstSeen);
    target.lastSeen = maxDate(target.lastSeen, previous.lastSeen);
    target.accountId ??= previous.accountId;
    await runAll(
      tx,
      d.update(events, {
        set: { user_id: str(alias.userId) },
        where: sql`workspace = ${w} AND user_id = ${str(alias.previousId)}`,
      }),
    );
    await tx.run(sql`DELETE FROM profiles WHERE workspace = ${w} AND user_id = ${str(alias.previousId)}`);
    people.delete(alias.previousId);
  }

  // Traits and account links, in message order; each key keeps its latest value by message time.
  const accountUpdates = new Map<string, { traits: Record<string, unknown>; at: Date }[]>();
  for (const change of changes) {
    if (change.kind === 'traits' || change.kind === 'group') {
      const userId = resolve(change.subject);
      if (change.kind === 'group') {
        const list = accountUpdates.get(change.accountId) ?? [];
        list.push({ traits: change.traits, at: change.at });
        accountUpdates.set(change.accountId, list);
        if (userId) {
          const p = person(userId);
          if (!p.accountAt || change.at >= p.accountAt) {
            p.accountId = change.accountId;
            p.accountAt = change.at;
          }
        }
        continue;
      }
      if (userId) person(userId).state = mergeTraits(person(userId).state, change.traits, change.at);
      else if (change.subject.anonymousId) {
        const visitor = visitors.get(change.subject.anonymousId) ?? { userId: null, state: emptyTraits, dirty: true };
        visitor.state = mergeTraits(visitor.state, change.traits, change.at);
        visitor.dirty = true;
        visitors.set(change.subject.anonymousId, visitor);
      }
    }
  }

  if (people.size > 0) {
    const rows = [...people].map(([userId, p]): CellValue[] => [
      workspace,
      userId,
      p.state.traits,
      p.state.times,
      p.accountId,
      p.firstSeen,
      p.lastSeen,
      now,
    ]);
    const staging = await tx.stage(profiles, rows);
    await tx.run(d.upsert(profiles, sql`SELECT * FROM ${staging}`));
  }

  const dirtyVisitors = [...visitors].filter(([, v]) => v.dirty);
  if (dirtyVisitors.length > 0) {
    const rows = dirtyVisitors.map(([id, v]): CellValue[] => [
      workspace,
      id,
      v.userId,
      v.state.traits,
      v.state.times,
      now,
    ]);
    const staging = await tx.stage(identities, rows);
    await tx.run(d.upsert(identities, sql`SELECT * FROM ${staging}`));
  }

  if (accountUpdates.size > 0) {
    const existing = new Map<string, TraitState>();
    for (const row of await byIds(tx, sql`accounts`, sql`account_id`, workspace, [...accountUpdates.keys()])) {
      existing.set(String(row['account_id']), asState(row));
    }
    const rows = [...accountUpdates].map(([accountId, updates]): CellValue[] => {
      let state = existing.get(accountId) ?? emptyTraits;
      for (const update of updates) state = mergeTraits(state, update.traits, update.at);
      return [workspace, accountId, state.traits, state.times, now];
    });
    const staging = await tx.stage(accounts, rows);
    await tx.run(d.upsert(accounts, sql`SELECT * FROM ${staging}`));
  }

  const traitKeys = new Set<string>();
  const traitUsers = new Set<string>();
  for (const change of changes) {
    if (change.kind !== 'traits' && change.kind !== 'group') continue;
    const userId = resolve(change.subject);
    if (userId) traitUsers.add(userId);
    if (change.kind === 'traits') for (const key of Object.keys(change.traits)) traitKeys.add(key);
  }
  // A user merged away by an alias has no profile any more: evaluating them makes them leave every segment.
  const anyChange = new Set<string>([
    ...newUsers,
    ...newLinks.values(),
    ...aliasUsers.map((a) => a.userId),
    ...removedUsers,
  ]);
  for (const userId of people.keys()) if (!existingProfiles.has(userId)) anyChange.add(userId);
  const latest = fresh.reduce((max, event) => Math.max(max, event.ts.getTime()), Number.NEGATIVE_INFINITY);
  return {
    stored: eventRows.length,
    duplicates: fresh.length - eventRows.length + repeated,
    storedBefore,
    touched: {
      users: new Set([...eventUsers, ...traitUsers, ...anyChange]),
      eventNames,
      traitKeys,
      accounts: new Set(accountUpdates.keys()),
      anyChange,
      latestEvent: Number.isFinite(latest) ? new Date(latest) : null,
    },
  };
}

/**
 * First and last seen of users who only sent events: existing profiles widen their span when it grows, new users get
 * a profile with no traits. Returns the new users.
 */
async function writeSpans(tx: Engine, workspace: string, spans: Map<string, Span>, now: Date): Promise<string[]> {
  const rows = [...spans].map(([userId, span]): CellValue[] => [
    workspace,
    userId,
    {},
    {},
    null,
    span.first,
    span.last,
    now,
  ]);
  const staging = await tx.stage(profiles, rows);
  const created = await tx.query(sql`SELECT s.user_id FROM ${staging} s WHERE ${missingProfile(workspace)}`);
  await widenProfileSpans(tx, workspace, staging, now);
  return created.map((row) => String(row['user_id']));
}
