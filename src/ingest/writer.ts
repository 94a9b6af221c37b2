import type { CellValue, Engine, Row } from '../engines/engine.js';
import { type Sql, sql, str, strList } from '../engines/sql.js';
import { accounts, events, identities, profiles } from '../store/tables.js';
import type { Change, EventRecord, Subject } from './normalize.js';
import { emptyTraits, mergeStates, mergeTraits, type TraitState } from './traits.js';

export interface WriteSummary {
  /** Events stored. */
  readonly stored: number;
  /** Events whose message id was already stored (or repeated in the batch), dropped. */
  readonly duplicates: number;
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
    sql`SELECT * FROM ${table} WHERE workspace = ${str(workspace)} AND ${idColumn} IN (SELECT unnest(${strList(ids)}))`,
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

  const touched = unique([
    ...subjects.map(resolve).filter((id): id is string => id !== null),
    ...newLinks.values(),
    ...aliasUsers.flatMap((a) => [a.previousId, a.userId]),
  ]);
  const people = new Map<string, ProfileState>();
  const existingProfiles = new Set<string>();
  for (const row of await byIds(tx, sql`profiles`, sql`user_id`, workspace, touched)) {
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

  // Events: resolve, drop repeats within the batch, insert those not stored yet.
  const seen = new Set<string>();
  const eventRows: CellValue[][] = [];
  let repeated = 0;
  for (const change of changes) {
    if (change.kind !== 'event') continue;
    const event: EventRecord = change.event;
    if (seen.has(event.messageId)) {
      repeated++;
      continue;
    }
    seen.add(event.messageId);
    const userId = resolve(event);
    if (userId) {
      const p = person(userId);
      p.firstSeen = minDate(p.firstSeen, event.ts);
      p.lastSeen = maxDate(p.lastSeen, event.ts);
    }
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
  let stored = 0;
  if (eventRows.length > 0) {
    const staging = await tx.stage(events, eventRows);
    stored = await tx.run(
      sql`INSERT INTO events SELECT s.* FROM ${staging} s
          WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.workspace = s.workspace AND e.message_id = s.message_id)`,
    );
  }

  // Earlier anonymous activity of newly linked visitors now belongs to their user.
  if (newLinks.size > 0) {
    const ids = [...newLinks.keys()];
    const users = ids.map((id) => newLinks.get(id) as string);
    await tx.run(
      sql`UPDATE events SET user_id = links.user_id
          FROM (SELECT unnest(${strList(ids)}) AS anonymous_id, unnest(${strList(users)}) AS user_id) AS links
          WHERE events.workspace = ${w} AND events.user_id IS NULL AND events.anonymous_id = links.anonymous_id`,
    );
    const spans = await tx.query(
      sql`SELECT user_id, min(ts) AS first_seen, max(ts) AS last_seen FROM events
          WHERE workspace = ${w} AND anonymous_id IN (SELECT unnest(${strList(ids)})) AND user_id IS NOT NULL
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

  for (const alias of aliasUsers) {
    const previous = people.get(alias.previousId);
    if (!previous || !existingProfiles.has(alias.previousId)) continue;
    const target = person(alias.userId);
    target.state = mergeStates(target.state, previous.state);
    target.firstSeen = minDate(target.firstSeen, previous.firstSeen);
    target.lastSeen = maxDate(target.lastSeen, previous.lastSeen);
    target.accountId ??= previous.accountId;
    await tx.run(
      sql`UPDATE events SET user_id = ${str(alias.userId)} WHERE workspace = ${w} AND user_id = ${str(alias.previousId)}`,
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
    await tx.run(sql`INSERT OR REPLACE INTO profiles SELECT * FROM ${staging}`);
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
    await tx.run(sql`INSERT OR REPLACE INTO identities SELECT * FROM ${staging}`);
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
    await tx.run(sql`INSERT OR REPLACE INTO accounts SELECT * FROM ${staging}`);
  }

  return { stored, duplicates: eventRows.length - stored + repeated };
}
