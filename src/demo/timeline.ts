import type { Message } from '../ingest/messages.js';
import { isoTime } from './calendar.js';
import type { Random } from './random.js';

/**
 * One user's messages while their history is being written: drafts with a time, collected in any order and turned
 * into Segment-spec messages (sorted by time, numbered, stamped) at the end. Every draft must fall inside the
 * user's allowed window; one outside is a generator bug that would break a planted rule, so it throws.
 */

/** Which ids a message carries: before sign-up only the anonymous id, in the sign-up session both, later the user id. */
export type Identity = 'anonymous' | 'both' | 'user';

type Properties = Record<string, unknown>;

export type DraftMessage =
  | { readonly type: 'track'; readonly event: string; readonly properties: Properties }
  | { readonly type: 'page'; readonly name: string; readonly category: string; readonly properties: Properties }
  | { readonly type: 'identify'; readonly traits: Properties }
  | { readonly type: 'group'; readonly groupId: string; readonly traits: Properties };

interface Draft {
  readonly at: number;
  readonly order: number;
  readonly identity: Identity;
  readonly message: DraftMessage;
}

export interface TimelineIds {
  readonly userId: string;
  readonly anonymousId: string | null;
  /** Prefix of every message id of the run, so two runs with other seeds never share ids. */
  readonly tag: string;
}

export class Timeline {
  private readonly drafts: Draft[] = [];

  /** @param from earliest allowed time; @param until every message must be strictly before this. */
  constructor(
    readonly from: number,
    readonly until: number,
  ) {}

  add(at: number, identity: Identity, message: DraftMessage): void {
    if (!(at >= this.from && at < this.until)) {
      throw new Error(
        `internal error: demo message at ${new Date(at).toISOString()} outside its user's window ` +
          `[${new Date(this.from).toISOString()}, ${new Date(this.until).toISOString()})`,
      );
    }
    this.drafts.push({ at: Math.floor(at), order: this.drafts.length, identity, message });
  }

  /**
   * The messages in time order (ties keep the order they were added). Message ids are `<tag>-<userId>-<n>`;
   * `receivedAt` trails the event time by a few hundred milliseconds, as a collector's would.
   */
  messages(ids: TimelineIds, random: Random): Message[] {
    const sorted = [...this.drafts].sort((a, b) => a.at - b.at || a.order - b.order);
    const prefix = `${ids.tag}-${ids.userId}-`;
    return sorted.map((draft, n) => {
      const { userId, anonymousId } = identityOf(draft.identity, ids);
      const receivedAt = isoTime(draft.at + 40 + Math.floor(random.next() * 900));
      return stamp(draft.message, prefix + n, userId, anonymousId, isoTime(draft.at), receivedAt);
    });
  }
}

/** A draft as a message. Built as literals of one shape per kind (no spreads): this runs for every demo message. */
function stamp(
  m: DraftMessage,
  messageId: string,
  userId: string | null,
  anonymousId: string | null,
  timestamp: string,
  receivedAt: string,
): Message {
  switch (m.type) {
    case 'track':
      return {
        type: 'track',
        messageId,
        userId,
        anonymousId,
        timestamp,
        receivedAt,
        event: m.event,
        properties: m.properties,
      };
    case 'page':
      return {
        type: 'page',
        messageId,
        userId,
        anonymousId,
        timestamp,
        receivedAt,
        name: m.name,
        category: m.category,
        properties: m.properties,
      };
    case 'identify':
      return { type: 'identify', messageId, userId, anonymousId, timestamp, receivedAt, traits: m.traits };
    case 'group':
      return {
        type: 'group',
        messageId,
        userId,
        anonymousId,
        timestamp,
        receivedAt,
        groupId: m.groupId,
        traits: m.traits,
      };
  }
}

/** The ids a message carries; an absent id is `null`, as analytics.js sends it, so every message has both keys. */
function identityOf(identity: Identity, ids: TimelineIds): { userId: string | null; anonymousId: string | null } {
  if (identity === 'user' || ids.anonymousId === null) return { userId: ids.userId, anonymousId: null };
  if (identity === 'anonymous') return { userId: null, anonymousId: ids.anonymousId };
  return { userId: ids.userId, anonymousId: ids.anonymousId };
}
