import { randomBytes } from 'node:crypto';
import type { Engine, Row } from '../../engines/engine.js';
import { bool, int, join, json, num, type Sql, sql, str, ts } from '../../engines/sql.js';
import { UserError } from '../../errors.js';
import { findSegment } from '../../segments/store.js';
import type { ChangeKind, DeliverableChange } from './payload.js';

/**
 * Webhooks and their delivery state. The change log (`segment_changes`) is the outbox: a webhook is a cursor over it
 * (`cursor_seq`), so nothing is copied per webhook and a restart resumes from the cursor. Changes with
 * `seq <= sync_until` are the initial sync, of which only each current member's latest `entered` is deliverable.
 * All SQL of the webhooks lives here; the dispatcher only calls these functions.
 */

export type WebhookState = 'active' | 'paused';
export const webhookStates = ['active', 'paused'] as const satisfies readonly WebhookState[];

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

/** What the dispatcher needs to deliver the next batch of a webhook, secret included. */
export interface DeliveryTarget {
  readonly workspace: string;
  readonly id: string;
  readonly url: string;
  readonly secret: string;
  readonly segmentIds: readonly string[];
  readonly batchSize: number;
  readonly state: WebhookState;
  readonly cursorSeq: number;
  readonly syncUntil: number;
  readonly consecutiveFailures: number;
  readonly nextAttemptAt: Date | null;
  readonly updatedAt: Date;
}

const newId = () => `wh_${randomBytes(8).toString('hex')}`;
const newSecret = () => `whsec_${randomBytes(24).toString('base64url')}`;

const dateOrNull = (value: unknown): Date | null => (value instanceof Date ? value : null);
const numberOf = (value: unknown): number => Number(value ?? 0);
const stateOf = (value: unknown): WebhookState => (value === 'paused' ? 'paused' : 'active');
const idsOf = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

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

function toTarget(row: Row): DeliveryTarget {
  return {
    workspace: String(row['workspace']),
    id: String(row['id']),
    url: String(row['url']),
    secret: String(row['secret']),
    segmentIds: idsOf(row['segment_ids']),
    batchSize: numberOf(row['batch_size']),
    state: stateOf(row['state']),
    cursorSeq: numberOf(row['cursor_seq']),
    syncUntil: numberOf(row['sync_until']),
    consecutiveFailures: numberOf(row['consecutive_failures']),
    nextAttemptAt: dateOrNull(row['next_attempt_at']),
    updatedAt: row['updated_at'] as Date,
  };
}

/**
 * The changes of a webhook that are still to be delivered, as a query of (seq, segment_id, user_id, change, at):
 * every change after the cursor and after `sync_until`, and, while the initial sync runs, each user's latest change
 * in (cursor, sync_until] when it is an `entered` (a current member as of `sync_until`). Restricting that window to
 * after the cursor is exact: a later change of the same user lies after the cursor too. A window function, not a
 * correlated anti-join: one pass over the log (10x faster on DuckDB at 2 M changes).
 */
function deliverable(target: DeliveryTarget): Sql {
  const w = str(target.workspace);
  const segmentIds = join(target.segmentIds.map((id) => sql`${str(id)}`));
  const live = sql`SELECT c.seq, c.segment_id, c.user_id, c.change, c.at FROM segment_changes c
    WHERE c.workspace = ${w} AND c.segment_id IN (${segmentIds})
      AND c.seq > ${int(Math.max(target.cursorSeq, target.syncUntil))}`;
  // Past the initial sync (the usual case): a plain range scan from the cursor.
  if (target.cursorSeq >= target.syncUntil) return live;
  return sql`SELECT s.seq, s.segment_id, s.user_id, s.change, s.at FROM (
      SELECT c.seq, c.segment_id, c.user_id, c.change, c.at,
             max(c.seq) OVER (PARTITION BY c.segment_id, c.user_id) AS latest
      FROM segment_changes c
      WHERE c.workspace = ${w} AND c.segment_id IN (${segmentIds})
        AND c.seq > ${int(target.cursorSeq)} AND c.seq <= ${int(target.syncUntil)}) s
    WHERE s.seq = s.latest AND s.change = 'entered'
    UNION ALL ${live}`;
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

async function webhookRow(engine: Engine, workspace: string, id: string): Promise<Row | null> {
  const [row] = await engine.query(sql`SELECT * FROM webhooks WHERE workspace = ${str(workspace)} AND id = ${str(id)}`);
  return row ?? null;
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
  await engine.run(
    sql`UPDATE webhooks SET url = ${str(update.url ?? current.url)}, secret = ${str(update.secret ?? current.secret)},
          batch_size = ${int(update.batchSize ?? current.batchSize)}, state = ${str(update.state ?? current.state)},
          next_attempt_at = ${retryNow ? sql`NULL` : sql`next_attempt_at`}, updated_at = ${ts(now)}
        WHERE workspace = ${str(workspace)} AND id = ${str(id)}`,
  );
  return getWebhook(engine, workspace, id);
}

/** Deletes a webhook and its attempt log; delivery stops after the request in flight. Returns what was deleted. */
export async function deleteWebhook(engine: Engine, workspace: string, id: string): Promise<Webhook> {
  const deleted = await getWebhook(engine, workspace, id);
  const w = str(workspace);
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
  await engine.run(
    sql`UPDATE webhooks SET cursor_seq = ${to}, sync_until = ${to}, next_attempt_at = NULL, updated_at = ${ts(now)}
        WHERE workspace = ${str(workspace)} AND id = ${str(id)}`,
  );
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

// ---- for the dispatcher ----

/** Every active webhook of every workspace: the dispatcher serves them all. */
export async function activeWebhooks(engine: Engine): Promise<{ workspace: string; id: string }[]> {
  const rows = await engine.query(
    sql`SELECT workspace, id FROM webhooks WHERE state = 'active' ORDER BY workspace, id`,
  );
  return rows.map((row) => ({ workspace: String(row['workspace']), id: String(row['id']) }));
}

/** A webhook's delivery state, secret included; null when it no longer exists. */
export async function deliveryTarget(engine: Engine, workspace: string, id: string): Promise<DeliveryTarget | null> {
  const row = await webhookRow(engine, workspace, id);
  return row ? toTarget(row) : null;
}

/**
 * Up to `limit` deliverable changes after the cursor, in seq order, with each segment's latest name. They stay the
 * next deliverable changes until the cursor or `sync_until` is moved by someone else (a replay): changes appended
 * later have higher seqs. So a caller may read ahead and deliver them over several requests.
 */
export async function nextChanges(engine: Engine, target: DeliveryTarget, limit: number): Promise<DeliverableChange[]> {
  if (target.segmentIds.length === 0) return [];
  const rows = await engine.query(sql`SELECT * FROM (${deliverable(target)}) d ORDER BY d.seq LIMIT ${int(limit)}`);
  if (rows.length === 0) return [];
  const names = await segmentNames(engine, target.workspace, [...new Set(rows.map((r) => String(r['segment_id'])))]);
  const until = target.syncUntil;
  return rows.map((row) => {
    const seq = numberOf(row['seq']);
    const segmentId = String(row['segment_id']);
    return {
      seq,
      segmentId,
      segmentName: names.get(segmentId) ?? segmentId,
      userId: String(row['user_id']),
      change: String(row['change']) as ChangeKind,
      at: row['at'] as Date,
      initial: seq <= until,
    };
  });
}

/** Each segment's latest name, from its version history (which outlives a deleted segment). */
async function segmentNames(engine: Engine, workspace: string, ids: readonly string[]): Promise<Map<string, string>> {
  const rows = await engine.query(
    sql`SELECT segment_id, name FROM segment_versions
        WHERE workspace = ${str(workspace)} AND segment_id IN (${join(ids.map((id) => sql`${str(id)}`))})
        ORDER BY version`,
  );
  const out = new Map<string, string>();
  for (const row of rows) out.set(String(row['segment_id']), String(row['name']));
  return out;
}

/** The outcome of one POST. */
export interface AttemptOutcome {
  readonly at: Date;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly events: number;
  readonly ok: boolean;
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly durationMs: number;
  /** After a failure: when to try again. */
  readonly nextAttemptAt?: Date;
}

/**
 * Records an attempt. A success moves the cursor to its last seq and updates the counters in one statement, only if
 * the cursor is still where the batch was read from (a replay meanwhile wins). A failure counts and schedules the
 * retry, unless the webhook was changed meanwhile (a resume or new URL retries at once). The attempt log keeps the
 * latest `keep` attempts per webhook.
 */
export async function recordAttempt(
  engine: Engine,
  target: DeliveryTarget,
  outcome: AttemptOutcome,
  keep = 1000,
): Promise<void> {
  const w = str(target.workspace);
  const id = str(target.id);
  const at = ts(outcome.at);
  await engine.transaction(async (tx) => {
    if (outcome.ok) {
      await tx.run(
        sql`UPDATE webhooks SET cursor_seq = ${int(outcome.lastSeq)}, delivered_total = delivered_total + ${int(outcome.events)},
              consecutive_failures = 0, last_success_at = ${at}, next_attempt_at = NULL
            WHERE workspace = ${w} AND id = ${id} AND cursor_seq = ${int(target.cursorSeq)}
              AND sync_until = ${int(target.syncUntil)}`,
      );
    } else {
      await tx.run(
        sql`UPDATE webhooks SET failed_attempts_total = failed_attempts_total + 1,
              consecutive_failures = consecutive_failures + 1, last_failure_at = ${at}, last_error = ${str(outcome.error)},
              next_attempt_at = CASE WHEN updated_at = ${ts(target.updatedAt)} THEN ${ts(outcome.nextAttemptAt ?? null)}
                                ELSE NULL END
            WHERE workspace = ${w} AND id = ${id}`,
      );
    }
    await tx.run(
      sql`INSERT INTO webhook_attempts
          SELECT ${w}, ${id}, ${at}, ${int(outcome.firstSeq)}, ${int(outcome.lastSeq)}, ${int(outcome.events)},
                 ${bool(outcome.ok)}, ${int(outcome.statusCode)}, ${str(outcome.error)}, ${num(outcome.durationMs)}
          WHERE EXISTS (SELECT 1 FROM webhooks WHERE workspace = ${w} AND id = ${id})`,
    );
    await tx.run(
      sql`DELETE FROM webhook_attempts WHERE workspace = ${w} AND webhook_id = ${id} AND webhook_attempts.at < (
            SELECT min(kept.at) FROM (SELECT a.at FROM webhook_attempts a WHERE a.workspace = ${w}
                                      AND a.webhook_id = ${id} ORDER BY a.at DESC LIMIT ${int(keep)}) AS kept)`,
    );
  });
}
