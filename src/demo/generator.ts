import type { Message } from '../ingest/messages.js';
import { type DemoOptions, runContext } from './options.js';
import { type UserHistory, userHistory } from './user-journey.js';

/** Streams the demo: users one at a time, grouped into batches of whole users, so memory stays bounded. */

/** A batch closes once it holds at least this many messages (a user's messages never span two batches). */
export const BATCH_MESSAGES = 5_000;

export interface DemoBatch {
  readonly messages: Message[];
  /** The users whose messages the batch holds, without their messages. */
  readonly users: readonly Omit<UserHistory, 'messages'>[];
}

/** Batches of the demo's messages, each user's messages in time order, users in index order. */
export function* demoBatches(
  options: DemoOptions,
  batchMessages = BATCH_MESSAGES,
): Generator<DemoBatch, void, undefined> {
  const run = runContext(options);
  let messages: Message[] = [];
  let users: Omit<UserHistory, 'messages'>[] = [];
  for (let index = 0; index < options.users; index++) {
    const { messages: own, ...user } = userHistory(run, index);
    for (const message of own) messages.push(message);
    users.push(user);
    if (messages.length >= batchMessages) {
      yield { messages, users };
      messages = [];
      users = [];
    }
  }
  if (users.length > 0) yield { messages, users };
}

/**
 * The demo as Segment-spec messages, in batches of about 5,000. The same seed and end give the same messages,
 * ids and timestamps included.
 */
export function* generateDemo(options: DemoOptions): Generator<Message[], void, undefined> {
  for (const batch of demoBatches(options)) yield batch.messages;
}
