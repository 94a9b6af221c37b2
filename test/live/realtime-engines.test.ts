import { expect, it } from 'vitest';
import type { CellValue, Engine } from '../../src/engines/engine.js';
import { sql } from '../../src/engines/sql.js';
import type { Touched } from '../../src/live/dependencies.js';
import { evaluateTouched } from '../../src/live/realtime.js';
import { listMembers } from '../../src/segments/query.js';
import { refreshAll, refreshSegment } from '../../src/segments/refresh.js';
import { createSegment } from '../../src/segments/store.js';
import { accounts, events, profiles } from '../../src/store/tables.js';
import { loadFixture, onEachEngine } from '../analytics/harness.js';
import { changeLog } from './stores.js';

/**
 * Real-time evaluation (`evaluateTouched`) on every engine, with rows written straight into the tables, so it does
 * not depend on the ingestion path (`realtime.test.ts` covers that, through a server). Each test has a workspace of
 * its own; another workspace holds the same user ids and must never be read or written.
 */

const T0 = new Date('2024-06-01T12:00:00Z');
const HOUR = 3_600_000;
const HOSTILE = `o'brien "x", -- ; DROP TABLE segment_members; \\ é`;

const touched = (o: Partial<Touched>): Touched => ({
  users: new Set(),
  eventNames: new Set(),
  traitKeys: new Set(),
  accounts: new Set(),
  anyChange: new Set(),
  latestEvent: null,
  ...o,
});

async function upsert(engine: Engine, table: typeof profiles, rows: CellValue[][]): Promise<void> {
  await engine.run(engine.dialect.upsert(table, sql`SELECT * FROM ${await engine.stage(table, rows)}`));
}

const profile = (ws: string, user: string, traits: object, account: string | null = null): CellValue[] => [
  ws,
  user,
  traits,
  {},
  account,
  null,
  null,
  T0,
];

async function world(engine: Engine, ws: string): Promise<void> {
  await loadFixture(engine, ws, {
    profiles: [
      { id: 'ann', traits: { plan: 'pro' } },
      { id: 'bob', traits: { plan: 'free' } },
      { id: 'cat', traits: { plan: 'pro' }, account: 'acme' },
      { id: HOSTILE, traits: { plan: 'pro' }, account: 'acme' },
    ],
    events: [{ user: 'ann', name: 'Order Completed', at: '2024-05-30T00:00:00Z', id: `${ws}-o1` }],
  });
  await upsert(engine, accounts, [[ws, 'acme', { industry: 'Media' }, {}, T0]]);
  await createSegment(engine, ws, { name: 'Buyers', rule: { type: 'event', event: 'Order Completed' } });
  await createSegment(engine, ws, {
    name: 'Ordered twice',
    rule: { type: 'sequence', steps: [{ event: 'Order Completed' }, { event: 'Order Completed' }] },
  });
  await createSegment(engine, ws, { name: 'Pro', rule: { type: 'trait', trait: 'plan', op: '=', value: 'pro' } });
  await createSegment(engine, ws, {
    name: 'Retail',
    rule: { type: 'trait', trait: 'account.industry', op: '=', value: 'Retail' },
  });
  await refreshAll(engine, ws, { asOf: T0 });
}

onEachEngine((engine) => {
  it('evaluates the touched users only, appends their changes after the log and moves their membership', async () => {
    const e = engine();
    const ws = 'rt-touched';
    await world(e, ws);
    await world(e, `${ws}-other`);
    const before = await changeLog(e, ws);
    expect(before).toEqual([
      '1 entered Buyers ann',
      '2 entered Pro ann',
      '3 entered Pro cat',
      `4 entered Pro ${HOSTILE}`,
    ]);

    // bob orders twice, ann moves to the free plan; cat is not touched (her plan changes unseen).
    const orders = [1, 2].map((i): CellValue[] => {
      const time = new Date(T0.getTime() - i * HOUR);
      return [ws, `${ws}-b${i}`, 'track', 'Order Completed', 'bob', null, time, time, {}, null, null];
    });
    await e.run(sql`INSERT INTO events SELECT * FROM ${await e.stage(events, orders)}`);
    await upsert(e, profiles, [profile(ws, 'ann', { plan: 'free' }), profile(ws, 'cat', { plan: 'free' }, 'acme')]);
    const result = await evaluateTouched(
      e,
      ws,
      touched({
        users: new Set(['ann', 'bob']),
        eventNames: new Set(['Order Completed']),
        traitKeys: new Set(['plan']),
      }),
      T0,
    );
    expect(result).toEqual({ segments: 3, users: 2, changes: 3, skipped: [] });
    // After the log, by user: ann leaves Pro, bob enters Buyers and Ordered twice (in some segment order).
    const after = (await changeLog(e, ws)).slice(before.length);
    expect(after.map((line) => line.split(' ')[0])).toEqual(['5', '6', '7']);
    expect(after[0]).toBe('5 exited Pro ann');
    expect(
      after
        .slice(1)
        .map((line) => line.slice(2))
        .sort(),
    ).toEqual(['entered Buyers bob', 'entered Ordered twice bob']);
    expect((await listMembers(e, ws, 'Pro')).userIds).toEqual(['cat', HOSTILE]);
    expect((await listMembers(e, ws, 'Buyers')).userIds).toEqual(['ann', 'bob']);
    expect((await listMembers(e, ws, 'Ordered twice')).userIds).toEqual(['bob']);

    // The other workspace, with the same user ids, is untouched.
    expect((await listMembers(e, `${ws}-other`, 'Pro')).userIds).toEqual(['ann', 'cat', HOSTILE]);
    expect((await listMembers(e, `${ws}-other`, 'Buyers')).userIds).toEqual(['ann']);
    expect(await changeLog(e, `${ws}-other`)).toEqual(before);

    // A full refresh agrees for the touched users; cat's unseen change is all it finds.
    expect(await refreshSegment(e, ws, 'Pro', { asOf: T0 })).toMatchObject({ entered: 0, exited: 1 });
    for (const name of ['Buyers', 'Ordered twice']) {
      expect(await refreshSegment(e, ws, name, { asOf: T0 })).toMatchObject({ entered: 0, exited: 0 });
    }
  });

  it('moves every user of an account whose traits changed, and does nothing when nothing changes', async () => {
    const e = engine();
    const ws = 'rt-account';
    await world(e, ws);
    await world(e, `${ws}-other`);
    await upsert(e, accounts, [[ws, 'acme', { industry: 'Retail' }, {}, T0]]);
    const result = await evaluateTouched(e, ws, touched({ accounts: new Set(['acme']) }), T0);
    expect(result).toEqual({ segments: 1, users: 2, changes: 2, skipped: [] });
    expect((await listMembers(e, ws, 'Retail')).userIds).toEqual(['cat', HOSTILE]);
    expect((await listMembers(e, `${ws}-other`, 'Retail')).userIds).toEqual([]);
    expect((await changeLog(e, ws)).slice(4)).toEqual(['5 entered Retail cat', `6 entered Retail ${HOSTILE}`]);

    const again = await evaluateTouched(e, ws, touched({ accounts: new Set(['acme']) }), T0);
    expect(again).toEqual({ segments: 1, users: 2, changes: 0, skipped: [] });
    expect(await evaluateTouched(e, ws, touched({}), T0)).toEqual({ segments: 0, users: 0, changes: 0, skipped: [] });
    expect(await changeLog(e, ws)).toHaveLength(6);
  });
});
