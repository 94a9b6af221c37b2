import { afterAll, beforeAll } from 'vitest';
import type { Engine } from '../../src/engines/engine.js';
import { ingestMessages } from '../../src/ingest/pipeline.js';
import { recordDailySizes } from '../../src/live/history/sizes.js';
import { refreshAll } from '../../src/segments/refresh.js';
import { createSegment } from '../../src/segments/store.js';
import type { StoreTarget } from './stores.js';

/**
 * A small world whose change log is hand-computed (see the tables below): four users, three segments, four refreshes
 * at successive times in which users enter, leave and re-enter as the time windows pass.
 */

/** A hostile user id: quotes, a comma, SQL, a backslash, a newline and non-ASCII. */
export const HOSTILE_USER = `o'brien "x", -- ; DROP TABLE segment_changes; \\ é\nz`;
/** A hostile segment name: a comma (the list separator), a backslash, quotes and SQL. */
export const LAPSING = `Lapsing, "at risk" \\ '; DROP TABLE segments; --`;
export const ACTIVE = 'Active';
export const BUYERS = 'Buyers';

const day = (d: string) => new Date(`${d}T00:00:00Z`);
export const T1 = day('2024-01-10');
export const T2 = day('2024-01-20');
export const T3 = day('2024-02-05');
export const T4 = day('2024-02-15');
export const REFRESH_TIMES = [T1, T2, T3, T4] as const;
export const DAY = 86_400_000;
export const at = (iso: string) => new Date(iso);

const visit = (userId: string, date: string) => ({
  type: 'track',
  userId,
  event: 'Visit',
  timestamp: `${date}T12:00:00Z`,
});
const order = (userId: string, date: string) => ({
  type: 'track',
  userId,
  event: 'Order Completed',
  properties: { revenue: 10 },
  timestamp: `${date}T12:00:00Z`,
});

/*
 * Events (all at noon):      ann: Visit Jan 8, Jan 19, Feb 14; Order Jan 8
 *                            bob: Visit Jan 5, Feb 4; Order Feb 4
 *                            cy:  Visit Jan 15
 *                            H:   Visit Jan 9, Feb 10; Order Jan 9
 *
 * Active  = did "Visit" in last 7d          T1 {ann,bob,H}  T2 {ann,cy}    T3 {bob}        T4 {ann,H}
 * Lapsing = Visit in 30d, none in last 7d   T1 {}           T2 {bob,H}     T3 {ann,cy,H}   T4 {bob}
 * Buyers  = did "Order Completed" in 30d    T1 {ann,H}      T2 {ann,H}     T3 {ann,bob,H}  T4 {bob}
 */
export async function buildHistory(
  engine: Engine,
  workspace: string,
  o: { recordSizes?: boolean } = {},
): Promise<void> {
  const stored = await ingestMessages(
    engine,
    [
      visit('ann', '2024-01-08'),
      visit('ann', '2024-01-19'),
      visit('ann', '2024-02-14'),
      order('ann', '2024-01-08'),
      visit('bob', '2024-01-05'),
      visit('bob', '2024-02-04'),
      order('bob', '2024-02-04'),
      visit('cy', '2024-01-15'),
      visit(HOSTILE_USER, '2024-01-09'),
      visit(HOSTILE_USER, '2024-02-10'),
      order(HOSTILE_USER, '2024-01-09'),
    ],
    { workspace, now: new Date('2024-03-01T00:00:00Z'), source: 'test' },
  );
  if (stored.rejected.length > 0) throw new Error(`fixture rejected: ${JSON.stringify(stored.rejected)}`);
  const visitIn = (last: string) => ({ type: 'event', event: 'Visit', window: { last } });
  await createSegment(engine, workspace, { name: ACTIVE, rule: visitIn('7d') });
  await createSegment(engine, workspace, {
    name: LAPSING,
    rule: { type: 'and', rules: [visitIn('30d'), { type: 'not', rule: visitIn('7d') }] },
  });
  await createSegment(engine, workspace, {
    name: BUYERS,
    rule: { type: 'event', event: 'Order Completed', window: { last: '30d' } },
  });
  for (const asOf of REFRESH_TIMES) {
    await refreshAll(engine, workspace, { asOf });
    if (o.recordSizes) await recordDailySizes(engine, workspace, asOf);
  }
}

/**
 * Opens a store of `target` for the enclosing `describe` with the history built in `workspace`, and closes it after;
 * `engine` is the open store.
 */
export function openHistory(target: StoreTarget, workspace: string): { readonly engine: Engine } {
  let engine: Engine | undefined;
  beforeAll(async () => {
    engine = await target.open();
    await buildHistory(engine, workspace);
  });
  afterAll(async () => {
    await engine?.close();
  });
  return {
    get engine(): Engine {
      if (!engine) throw new Error('the history store is opened in beforeAll');
      return engine;
    },
  };
}
