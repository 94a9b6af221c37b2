import type { Engine } from '../../engines/engine.js';
import { int, sql, str } from '../../engines/sql.js';
import { nameIn, type OrderOptions } from '../orders.js';
import { orderId } from './event-scan.js';
import type { QualitySample } from './types.js';

export interface DuplicateOrderIds {
  /** Distinct order ids among order events. */
  readonly orderIds: number;
  /** Order ids carried by more than one order event. */
  readonly duplicated: number;
  /** Order events beyond the first of each duplicated id: the ones whose revenue is counted twice. */
  readonly extraEvents: number;
  /** The most repeated ids, most first. */
  readonly samples: readonly QualitySample[];
}

/** Order ids that more than one order event carries (a resent order stored under a new message id). */
export async function duplicateOrderIds(
  engine: Engine,
  workspace: string,
  orders: OrderOptions,
  limit: number,
): Promise<DuplicateOrderIds> {
  const perOrder = sql`SELECT oid, count(*) AS copies, min(message_id) AS first_message, max(message_id) AS last_message
    FROM (SELECT ${orderId(engine.dialect)} AS oid, message_id FROM events
          WHERE workspace = ${str(workspace)} AND ${nameIn(orders.orderEvents)}) ids
    WHERE oid IS NOT NULL AND oid <> ''
    GROUP BY oid`;
  const [row] = await engine.query(
    sql`SELECT count(*) AS order_ids, ${engine.dialect.countIf(sql`copies > 1`)} AS duplicated,
          sum(CASE WHEN copies > 1 THEN copies - 1 ELSE 0 END) AS extra_events
        FROM (${perOrder}) per_order`,
  );
  const duplicated = Number(row?.['duplicated'] ?? 0);
  const samples =
    duplicated > 0 && limit > 0
      ? await engine.query(
          sql`SELECT oid, copies, first_message, last_message FROM (${perOrder}) per_order
              WHERE copies > 1 ORDER BY copies DESC, oid LIMIT ${int(limit)}`,
        )
      : [];
  return {
    orderIds: Number(row?.['order_ids'] ?? 0),
    duplicated,
    extraEvents: Number(row?.['extra_events'] ?? 0),
    samples: samples.map((r) => ({
      order_id: String(r['oid']),
      events: Number(r['copies']),
      first_message_id: String(r['first_message']),
      last_message_id: String(r['last_message']),
    })),
  };
}
