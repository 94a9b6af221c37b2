import type { Engine } from '../../engines/engine.js';
import { bool, int, join, num, sql, str, ts } from '../../engines/sql.js';
import type { ChangeKind, DeliverableChange } from './payload.js';
import { type DeliveryTarget, deliverable, numberOf, toTarget, updateRow, webhookRow } from './rows.js';

/**
 * What the dispatcher needs: the webhooks to serve, the next changes after a webhook's cursor, and recording an
 * attempt (which moves the cursor after a success). The change log is the outbox, so nothing else is stored.
 */

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
  // The webhook first, then the attempt log: without rollback, a failure in between loses one line of the log, never
  // the cursor's move (which would send the batch again).
  await engine.transaction(async (tx) => {
    if (outcome.ok) {
      await updateRow(
        tx,
        target.workspace,
        target.id,
        {
          cursor_seq: int(outcome.lastSeq),
          delivered_total: sql`webhooks.delivered_total + ${int(outcome.events)}`,
          consecutive_failures: int(0),
          last_success_at: at,
          next_attempt_at: sql`NULL`,
        },
        sql` AND webhooks.cursor_seq = ${int(target.cursorSeq)} AND webhooks.sync_until = ${int(target.syncUntil)}`,
      );
    } else {
      await updateRow(tx, target.workspace, target.id, {
        failed_attempts_total: sql`webhooks.failed_attempts_total + 1`,
        consecutive_failures: sql`webhooks.consecutive_failures + 1`,
        last_failure_at: at,
        last_error: str(outcome.error),
        next_attempt_at: sql`CASE WHEN webhooks.updated_at = ${ts(target.updatedAt)}
                                  THEN ${ts(outcome.nextAttemptAt ?? null)} ELSE NULL END`,
      });
    }
    await tx.run(
      sql`INSERT INTO webhook_attempts
          SELECT ${w}, ${id}, ${at}, ${int(outcome.firstSeq)}, ${int(outcome.lastSeq)}, ${int(outcome.events)},
                 ${bool(outcome.ok)}, ${int(outcome.statusCode)}, ${str(outcome.error)}, ${num(outcome.durationMs)}
          WHERE EXISTS (SELECT 1 FROM webhooks WHERE workspace = ${w} AND id = ${id})`,
    );
    // The cut-off is read first, so the DELETE has a plain condition: ClickHouse applies such deletes to reads on
    // the fly instead of waiting for them (a wait of seconds after every delivery).
    const [oldest] = await tx.query(
      sql`SELECT count(*) AS n, min(kept.at) AS cutoff FROM (SELECT a.at FROM webhook_attempts a WHERE a.workspace = ${w}
            AND a.webhook_id = ${id} ORDER BY a.at DESC LIMIT ${int(keep)}) AS kept`,
    );
    if (Number(oldest?.['n'] ?? 0) >= keep && oldest?.['cutoff'] instanceof Date) {
      await tx.run(
        sql`DELETE FROM webhook_attempts WHERE workspace = ${w} AND webhook_id = ${id}
            AND webhook_attempts.at < ${ts(oldest['cutoff'])}`,
      );
    }
  });
}
