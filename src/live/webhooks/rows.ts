import type { Engine, Row } from '../../engines/engine.js';
import { runAll } from '../../engines/run-all.js';
import { int, join, type Sql, sql, str } from '../../engines/sql.js';
import type { RowUpdate } from '../../engines/write-dialect.js';
import { webhooks } from '../../store/tables.js';

/** The webhook row as both the API (store.ts) and the dispatcher (delivery.ts) read and change it. */

export type WebhookState = 'active' | 'paused';
export const webhookStates = ['active', 'paused'] as const satisfies readonly WebhookState[];

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

export const dateOrNull = (value: unknown): Date | null => (value instanceof Date ? value : null);
export const numberOf = (value: unknown): number => Number(value ?? 0);
export const stateOf = (value: unknown): WebhookState => (value === 'paused' ? 'paused' : 'active');
export const idsOf = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

export function toTarget(row: Row): DeliveryTarget {
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
export function deliverable(target: DeliveryTarget): Sql {
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

export async function webhookRow(engine: Engine, workspace: string, id: string): Promise<Row | null> {
  const [row] = await engine.query(sql`SELECT * FROM webhooks WHERE workspace = ${str(workspace)} AND id = ${str(id)}`);
  return row ?? null;
}

/**
 * Sets columns of one webhook (`set` as in `RowUpdate`: expressions name columns as `webhooks.x`); `also` narrows
 * which state of the row may change. One statement on every engine (the ClickHouse form writes a new version of
 * the row, as its key is not set), so there is nothing to roll back; a webhook deleted meanwhile stays deleted.
 */
export async function updateRow(
  engine: Engine,
  workspace: string,
  id: string,
  set: RowUpdate['set'],
  also: Sql = sql``,
): Promise<void> {
  const where = sql`webhooks.workspace = ${str(workspace)} AND webhooks.id = ${str(id)}${also}`;
  const statements = engine.dialect.update(webhooks, { set, where });
  await engine.transaction((tx) => runAll(tx, statements));
}
