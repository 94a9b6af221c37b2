import { signBody } from './sign.js';

/**
 * What a webhook receives: one JSON object per change (batch size 1) or `{"events": [...]}` (batch size > 1), signed
 * with the webhook's secret. docs/webhooks.md describes the format for receivers.
 */

export type ChangeKind = 'entered' | 'exited';

/** One deliverable row of the change log, with the segment's current name. */
export interface DeliverableChange {
  readonly seq: number;
  readonly segmentId: string;
  /** The segment's latest name (kept in its version history, so a deleted segment still has one). */
  readonly segmentName: string;
  readonly userId: string;
  readonly change: ChangeKind;
  readonly at: Date;
  /** Part of the initial sync: a current member's latest `entered`, sent when the webhook was created. */
  readonly initial: boolean;
}

/** A change as sent. `id` is stable across re-sends and replays, so receivers can deduplicate on it. */
export interface ChangeEvent {
  readonly id: string;
  readonly type: 'segment.entered' | 'segment.exited';
  readonly segment: { readonly id: string; readonly name: string };
  readonly user_id: string;
  readonly at: string;
  readonly seq: number;
  readonly initial?: true;
}

export function changeEvent(change: DeliverableChange): ChangeEvent {
  return {
    id: `sc_${change.seq}`,
    type: change.change === 'entered' ? 'segment.entered' : 'segment.exited',
    segment: { id: change.segmentId, name: change.segmentName },
    user_id: change.userId,
    at: change.at.toISOString(),
    seq: change.seq,
    ...(change.initial ? { initial: true as const } : {}),
  };
}

/** The request body: the change itself when the batch size is 1, else `{"events": [...]}` (even for one event). */
export function requestBody(changes: readonly DeliverableChange[], batchSize: number): string {
  const events = changes.map(changeEvent);
  if (batchSize === 1 && events.length === 1) return JSON.stringify(events[0]);
  return JSON.stringify({ events });
}

/** A signed request, ready for `fetch`: the body bytes are exactly what was signed. */
export interface DeliveryRequest {
  readonly body: Uint8Array;
  readonly headers: Record<string, string>;
  readonly firstSeq: number;
  readonly lastSeq: number;
}

export function deliveryRequest(o: {
  readonly webhookId: string;
  readonly secret: string;
  readonly version: string;
  readonly batchSize: number;
  readonly changes: readonly DeliverableChange[];
}): DeliveryRequest {
  const first = o.changes[0];
  const last = o.changes[o.changes.length - 1];
  if (!first || !last) throw new Error('internal error: a delivery needs at least one change');
  const body = Buffer.from(requestBody(o.changes, o.batchSize), 'utf8');
  return {
    body,
    firstSeq: first.seq,
    lastSeq: last.seq,
    headers: {
      'Content-Type': 'application/json',
      'User-Agent': `strata/${o.version}`,
      'X-Strata-Signature': signBody(o.secret, body),
      'X-Strata-Webhook-Id': o.webhookId,
      'X-Strata-Delivery': `${first.seq}-${last.seq}`,
    },
  };
}
