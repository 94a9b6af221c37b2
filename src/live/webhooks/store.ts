import { randomBytes } from 'node:crypto';
import type { Engine, Row } from '../../engines/engine.js';
import { int, json, sql, str, ts } from '../../engines/sql.js';
import { UserError } from '../../errors.js';
import { findSegment } from '../../segments/store.js';
import {
  type DeliveryTarget,
  dateOrNull,
  deliverable,
  numberOf,
  toTarget,
  updateRow,
  type WebhookState,
  webhookRow,
  webhookStates,
} from './rows.js';

/**
 * Webhooks as the API manages them: create, list, show with their delivery status, change, pause, replay, delete.
 * The change log (`segment_changes`) is the outbox: a webhook is a cursor over it (`cursor_seq`), so nothing is copied
 * per webhook and a restart resumes from the cursor. Changes with `seq <= sync_until` are the initial sync, of which
 * only each current member's latest `entered` is deliverable. The dispatcher's side is in delivery.ts, the row both
 * share in rows.ts.
 */

export { type DeliveryTarget, type WebhookState, webhookStates } from './rows.js';

export const MIN_SECRET_LENGTH = 16;
export const MAX_SECRET_LENGTH = 512;
export const MAX_BATCH_SIZE = 1000;
export const MAX_URL_LENGTH = 2048;
export const MAX_SEGMENTS = 100;

export interface WebhookStatus {
  readonly state: WebhookState;
  /** Every deliverable change with `seq <= cursor_seq` has been delivered. */
  readonly cursor_seq: number;
  /** The workspace's last seq when the webhook was created (or replay's `from_seq - 1`). */
  readonly sync_until: number;
  /** Still sending the initial sync: the cursor has not reached `sync_until`. */
  readonly syncing: boolean;
  /** Deliverable changes after the cursor. */
  readonly pending: number;
  readonly delivered_total: number;
  readonly failed_attempts_total: number;
  /** Failed attempts since the last success; the backoff grows with it. */
  readonly consecutive_failures: number;
  readonly last_success_at: Date | null;
  readonly last_failure_at: Date | null;
  readonly last_error: string | null;
  /** When the batch that failed is tried again; null when not waiting. */
  readonly next_attempt_at: Date | null;
}

/** A webhook as the API shows it: never its secret. */
export interface Webhook {
  readonly id: string;
  readonly url: string;
  readonly segment_ids: readonly string[];
  readonly batch_size: number;
  readonly state: WebhookState;
  readonly created_at: Date;
  readonly updated_at: Date;
  readonly status: WebhookStatus;
}

/** What `createWebhook` returns: the only time the secret is shown. */
export interface CreatedWebhook extends Webhook {
  readonly secret: string;
}

export interface WebhookInput {
  readonly url: string;
  /** Segment ids or names. */
  readonly segments: readonly string[];
  /** At least 16 characters; a random one is generated when absent. */
  readonly secret?: string;
  /** 1 (default) sends one change per request, up to 1000 sends `{"events": [...]}`. */
  readonly batchSize?: number;
}

export interface WebhookUpdate {
  readonly url?: string;
  readonly secret?: string;
  readonly batchSize?: number;
  /** `active` resumes (and retries at once), `paused` stops delivery after the request in flight. */
  readonly state?: WebhookState;
}

export interface WebhookAttempt {
  readonly at: Date;
  readonly first_seq: number;
  readonly last_seq: number;
  readonly events: number;
  readonly ok: boolean;
  readonly status_code: number | null;
  readonly error: string | null;
  readonly duration_ms: number;
}

const newId = () => `wh_${randomBytes(8).toString('hex')}`;
const newSecret = () => `whsec_${randomBytes(24).toString('base64url')}`;

function unknownWebhook(workspace: string, id: string): UserError {
  return new UserError('unknown_webhook', `no webhook "${id}" in workspace ${workspace}`, 'id', 404);
}

function checkUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError('invalid_url', `not a URL: ${JSON.stringify(url)}`, 'url', 400);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new UserError('invalid_url', `the URL must be http or https, got ${parsed.protocol}`, 'url', 400);
  if (url.length > MAX_URL_LENGTH)
    throw new UserError('invalid_url', `the URL is longer than ${MAX_URL_LENGTH} characters`, 'url', 400);
}

function checkSecret(secret: string): void {
  if (secret.length < MIN_SECRET_LENGTH || secret.length > MAX_SECRET_LENGTH)
    throw new UserError(
      'invalid_secret',
      `the secret must be ${MIN_SECRET_LENGTH}–${MAX_SECRET_LENGTH} characters, got ${secret.length}`,
      'secret',
      400,
    );
}

function checkBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE)
    throw new UserError(
      'invalid_batch_size',
      `batch_size must be a whole number 1–${MAX_BATCH_SIZE}, got ${batchSize}`,
      'batch_size',
      400,
    );
}

/** The workspace's last change seq, 0 when the log is empty. */
async function maxSeq(engine: Engine, workspace: string): Promise<number> {
  const [row] = await engine.query(
    sql`SELECT coalesce(max(seq), 0) AS seq FROM segment_changes WHERE workspace = ${str(workspace)}`,
  );
  return numberOf(row?.['seq']);
}

async function pendingCount(engine: Engine, target: DeliveryTarget): Promise<number> {
  if (target.segmentIds.length === 0) return 0;
  const [row] = await engine.query(sql`SELECT count(*) AS n FROM (${deliverable(target)}) d`);
  return numberOf(row?.['n']);
}

async function toWebhook(engine: Engine, row: Row): Promise<Webhook> {
  const target = toTarget(row);
  return {
    id: target.id,
    url: target.url,
    segment_ids: target.segmentIds,
    batch_size: target.batchSize,
    state: target.state,
    created_at: row['created_at'] as Date,
    updated_at: target.updatedAt,
    status: {
      state: target.state,
      cursor_seq: target.cursorSeq,
      sync_until: target.syncUntil,
      syncing: target.cursorSeq < target.syncUntil,
      pending: await pendingCount(engine, target),
      delivered_total: numberOf(row['delivered_total']),
      failed_attempts_total: numberOf(row['failed_attempts_total']),
      consecutive_failures: target.consecutiveFailures,
      last_success_at: dateOrNull(row['last_success_at']),
      last_failure_at: dateOrNull(row['last_failure_at']),
      last_error: (row['last_error'] as string | null) ?? null,
      next_attempt_at: target.nextAttemptAt,
    },
  };
}

async function requireRow(engine: Engine, workspace: string, id: string): Promise<Row> {
  const row = await webhookRow(engine, workspace, id);
  if (!row) throw unknownWebhook(workspace, id);
  return row;
}

/**
 * Creates a webhook for some segments. Its cursor starts at 0 and `sync_until` at the workspace's last change, so
 * it first sends every current member's `entered` (marked `initial`), then every change after. The returned secret
 * is the only time it is shown.
 * @example await createWebhook(engine, 'default', { url: 'https://example.com/hook', segments: ['Churn risk'] });
 */
export async function createWebhook(
  engine: Engine,
  workspace: string,
  input: WebhookInput,
  now: Date = new Date(),
): Promise<CreatedWebhook> {
  checkUrl(input.url);
  if (input.secret !== undefined) checkSecret(input.secret);
  const batchSize = input.batchSize ?? 1;
  checkBatchSize(batchSize);
  if (input.segments.length === 0)
    throw new UserError('missing_segments', 'name at least one segment', 'segments', 400);
  if (input.segments.length > MAX_SEGMENTS)
    throw new UserError('too_many_segments', `at most ${MAX_SEGMENTS} segments per webhook`, 'segments', 400);
  const segmentIds: string[] = [];
  for (const [i, idOrName] of input.segments.entries()) {
    const found = await findSegment(engine, workspace, idOrName);
    if (!found)
      throw new UserError(
        'unknown_segment',
        `no segment "${idOrName}" in workspace ${workspace}`,
        `segments[${i}]`,
        404,
      );
    if (!segmentIds.includes(found.id)) segmentIds.push(found.id);
  }
  const id = newId();
  const secret = input.secret ?? newSecret();
  const w = str(workspace);
  await engine.transaction(async (tx) => {
    // Read inside the writer's transaction: no refresh can append between reading the last seq and saving it.
    const syncUntil = await maxSeq(tx, workspace);
    await tx.run(
      sql`INSERT INTO webhooks (workspace, id, url, secret, segment_ids, batch_size, state, cursor_seq, sync_until,
            delivered_total, failed_attempts_total, consecutive_failures, last_success_at, last_failure_at, last_error,
            next_attempt_at, created_at, updated_at)
          VALUES (${w}, ${str(id)}, ${str(input.url)}, ${str(secret)}, ${json(segmentIds)}, ${int(batchSize)},
            'active', 0, ${int(syncUntil)}, 0, 0, 0, NULL, NULL, NULL, NULL, ${ts(now)}, ${ts(now)})`,
    );
  });
  return { ...(await toWebhook(engine, await requireRow(engine, workspace, id))), secret };
}

/** The workspace's webhooks with their status, oldest first. */
export async function listWebhooks(engine: Engine, workspace: string): Promise<Webhook[]> {
  const rows = await engine.query(
    sql`SELECT * FROM webhooks WHERE workspace = ${str(workspace)} ORDER BY created_at, id`,
  );
  const out: Webhook[] = [];
  for (const row of rows) out.push(await toWebhook(engine, row));
  return out;
}

/** A webhook with its delivery status; a 404 UserError when the workspace has no such webhook. */
export async function getWebhook(engine: Engine, workspace: string, id: string): Promise<Webhook> {
  return toWebhook(engine, await requireRow(engine, workspace, id));
}

/**
 * Changes a webhook's URL, secret, batch size or state. Setting `state: 'active'` (resume) or a new URL clears the
 * backoff, so the next attempt is immediate.
 */
export async function updateWebhook(
  engine: Engine,
  workspace: string,
  id: string,
  update: WebhookUpdate,
  now: Date = new Date(),
): Promise<Webhook> {
  const current = toTarget(await requireRow(engine, workspace, id));
  if (update.url !== undefined) checkUrl(update.url);
  if (update.secret !== undefined) checkSecret(update.secret);
  if (update.batchSize !== undefined) checkBatchSize(update.batchSize);
  if (update.state !== undefined && !webhookStates.includes(update.state))
    throw new UserError('invalid_state', `state is active or paused, got ${String(update.state)}`, 'state', 400);
  const retryNow = update.state === 'active' || (update.url !== undefined && update.url !== current.url);
  await updateRow(engine, workspace, id, {
    url: str(update.url ?? current.url),
    secret: str(update.secret ?? current.secret),
    batch_size: int(update.batchSize ?? current.batchSize),
    state: str(update.state ?? current.state),
    ...(retryNow ? { next_attempt_at: sql`NULL` } : {}),
    updated_at: ts(now),
  });
  return getWebhook(engine, workspace, id);
}

/** Deletes a webhook and its attempt log; delivery stops after the request in flight. Returns what was deleted. */
export async function deleteWebhook(engine: Engine, workspace: string, id: string): Promise<Webhook> {
  const deleted = await getWebhook(engine, workspace, id);
  const w = str(workspace);
  // The webhook first: without rollback, a failure in between leaves attempt rows that nothing shows any more.
  await engine.transaction(async (tx) => {
    await tx.run(sql`DELETE FROM webhooks WHERE workspace = ${w} AND id = ${str(id)}`);
    await tx.run(sql`DELETE FROM webhook_attempts WHERE workspace = ${w} AND webhook_id = ${str(id)}`);
  });
  return deleted;
}

/**
 * Sends again every change of the webhook's segments from `fromSeq` on, in full (no initial-sync filtering), then
 * continues live. `fromSeq` may be at most the workspace's last seq + 1 (which skips everything pending).
 */
export async function replayWebhook(
  engine: Engine,
  workspace: string,
  id: string,
  fromSeq: number,
  now: Date = new Date(),
): Promise<Webhook> {
  await requireRow(engine, workspace, id);
  if (!Number.isSafeInteger(fromSeq) || fromSeq < 1)
    throw new UserError('invalid_from_seq', `from_seq must be a whole number >= 1, got ${fromSeq}`, 'from_seq', 400);
  const last = await maxSeq(engine, workspace);
  if (fromSeq > last + 1)
    throw new UserError(
      'invalid_from_seq',
      `from_seq ${fromSeq} is past the end of the change log (last seq ${last})`,
      'from_seq',
      400,
    );
  const to = int(fromSeq - 1);
  await updateRow(engine, workspace, id, {
    cursor_seq: to,
    sync_until: to,
    next_attempt_at: sql`NULL`,
    updated_at: ts(now),
  });
  return getWebhook(engine, workspace, id);
}

/** The latest delivery attempts of a webhook, newest first. */
export async function listAttempts(
  engine: Engine,
  workspace: string,
  id: string,
  limit = 50,
): Promise<WebhookAttempt[]> {
  await requireRow(engine, workspace, id);
  const rows = await engine.query(
    sql`SELECT a.* FROM webhook_attempts a WHERE a.workspace = ${str(workspace)} AND a.webhook_id = ${str(id)}
        ORDER BY a.at DESC, a.last_seq DESC LIMIT ${int(Math.max(0, Math.floor(limit)))}`,
  );
  return rows.map((row) => ({
    at: row['at'] as Date,
    first_seq: numberOf(row['first_seq']),
    last_seq: numberOf(row['last_seq']),
    events: numberOf(row['events']),
    ok: row['ok'] === true,
    status_code: row['status_code'] === null || row['status_code'] === undefined ? null : numberOf(row['status_code']),
    error: (row['error'] as string | null) ?? null,
    duration_ms: numberOf(row['duration_ms']),
  }));
}
