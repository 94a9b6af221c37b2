import { createHash, randomUUID } from 'node:crypto';
import type { Issue } from '../errors.js';
import type { Message } from './messages.js';
import { defaultConventions, extractRevenue, type PurchaseConventions } from './revenue.js';

/** Settings of one ingestion: where it goes and how far into the future a timestamp may lie. */
export interface IngestContext {
  readonly workspace: string;
  /** When the server received the messages; the clock for the future check and the default timestamp. */
  readonly now: Date;
  /** Events further than this after `now` are rejected. Default: 24 hours. */
  readonly maxFutureMs?: number;
  readonly conventions?: PurchaseConventions;
}

export interface EventRecord {
  readonly messageId: string;
  readonly type: 'track' | 'page' | 'screen';
  readonly name: string;
  readonly userId: string | null;
  readonly anonymousId: string | null;
  readonly ts: Date;
  readonly receivedAt: Date;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly context: Readonly<Record<string, unknown>> | null;
  readonly revenue: number | null;
}

/** Who a message is about: a known user, or an anonymous visitor until a link resolves it. */
export interface Subject {
  readonly userId: string | null;
  readonly anonymousId: string | null;
}

export type Change =
  | { readonly kind: 'event'; readonly event: EventRecord }
  | { readonly kind: 'traits'; readonly subject: Subject; readonly traits: Record<string, unknown>; readonly at: Date }
  | {
      readonly kind: 'group';
      readonly subject: Subject;
      readonly accountId: string;
      readonly traits: Record<string, unknown>;
      readonly at: Date;
    }
  | { readonly kind: 'alias'; readonly previousId: string; readonly userId: string; readonly at: Date };

export type Normalized = { ok: true; changes: Change[] } | { ok: false; issues: Issue[] };

export const PAGE_EVENT = 'Page Viewed';
export const SCREEN_EVENT = 'Screen Viewed';
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The event time, as Segment computes it: `timestamp` if given; else `originalTimestamp` corrected for the
 * device's clock skew (`receivedAt - (sentAt - originalTimestamp)`); else `receivedAt`.
 */
export function eventTime(message: Message, receivedAt: Date): Date {
  if (message.timestamp) return new Date(message.timestamp);
  if (message.originalTimestamp) {
    const original = Date.parse(message.originalTimestamp);
    if (message.sentAt) return new Date(receivedAt.getTime() - (Date.parse(message.sentAt) - original));
    return new Date(original);
  }
  return receivedAt;
}

/**
 * A stable id for a message that came without one: a hash of its content when it names its own time (a retry of
 * the same message then stays one message), else a random one.
 */
function messageIdFor(message: Message): string {
  if (message.messageId) return message.messageId;
  if (!message.timestamp && !message.originalTimestamp) return randomUUID();
  return `sha256:${createHash('sha256').update(JSON.stringify(message)).digest('hex').slice(0, 32)}`;
}

/** Turns one valid message into the changes it makes to the store, or says why it cannot be taken. */
export function normalize(message: Message, context: IngestContext, path: string): Normalized {
  const receivedAt = message.receivedAt ? new Date(message.receivedAt) : context.now;
  const at = eventTime(message, receivedAt);
  const maxFuture = context.maxFutureMs ?? DAY_MS;
  if (at.getTime() > context.now.getTime() + maxFuture) {
    return {
      ok: false,
      issues: [
        {
          code: 'timestamp_in_future',
          path: `${path}${message.timestamp ? '.timestamp' : '.originalTimestamp'}`,
          message: `event time ${at.toISOString()} is more than ${Math.round(maxFuture / 3_600_000)}h after the time it was received (${context.now.toISOString()}); fix the device clock or send the real time`,
        },
      ],
    };
  }
  const subject: Subject = { userId: message.userId ?? null, anonymousId: message.anonymousId ?? null };
  const eventBase = {
    messageId: messageIdFor(message),
    userId: subject.userId,
    anonymousId: subject.anonymousId,
    ts: at,
    receivedAt,
    context: message.context ?? null,
  };
  switch (message.type) {
    case 'track': {
      const properties = message.properties ?? {};
      const revenue = extractRevenue(message.event, properties, context.conventions ?? defaultConventions);
      return {
        ok: true,
        changes: [{ kind: 'event', event: { ...eventBase, type: 'track', name: message.event, properties, revenue } }],
      };
    }
    case 'page':
    case 'screen': {
      const properties: Record<string, unknown> = { ...(message.properties ?? {}) };
      if (message.name != null) properties['name'] ??= message.name;
      if (message.category != null) properties['category'] ??= message.category;
      const name = message.type === 'page' ? PAGE_EVENT : SCREEN_EVENT;
      return {
        ok: true,
        changes: [{ kind: 'event', event: { ...eventBase, type: message.type, name, properties, revenue: null } }],
      };
    }
    case 'identify':
      return { ok: true, changes: [{ kind: 'traits', subject, traits: message.traits ?? {}, at }] };
    case 'group':
      return {
        ok: true,
        changes: [{ kind: 'group', subject, accountId: message.groupId, traits: message.traits ?? {}, at }],
      };
    case 'alias':
      return { ok: true, changes: [{ kind: 'alias', previousId: message.previousId, userId: message.userId, at }] };
  }
}
