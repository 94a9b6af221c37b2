import { expect, it } from 'vitest';
import type { Engine } from '../../src/engines/engine.js';
import { ident, sql, str } from '../../src/engines/sql.js';
import { membersAt } from '../../src/live/history/membership-at.js';
import { recordDailySizes, segmentSizes } from '../../src/live/history/sizes.js';
import { listMembers } from '../../src/segments/query.js';
import { EXIT_LIST_LIMIT, refreshAll, refreshSegment } from '../../src/segments/refresh.js';
import {
  createSegment,
  createStaticSegment,
  deleteSegment,
  listSegments,
  replaceStaticMembers,
  segmentHistory,
  updateSegment,
} from '../../src/segments/store.js';
import { loadFixture, onEachEngine } from '../analytics/harness.js';
import { changeLog } from '../live/stores.js';

/**
 * The segment store and refresh on every engine, with rows written straight into the tables (independent of the
 * ingestion path): saving, versions, static lists, deletion, the enter/exit log with its per-workspace sequence, and
 * the sizes. Each test has a workspace of its own, so they share one engine.
 */

const T = new Date('2024-06-01T00:00:00Z');
const LATER = new Date('2024-06-25T00:00:00Z');
const at = (iso: string) => new Date(iso);
const pro = { type: 'trait', trait: 'plan', op: '=', value: 'pro' };
const recentBuyers = { type: 'event', event: 'Order Completed', window: { last: '30d' } };

/** ann and cat are on plan pro; ann ordered on May 20, bob on May 30, cat in January. */
async function shop(engine: Engine, workspace: string): Promise<void> {
  await loadFixture(engine, workspace, {
    profiles: [
      { id: 'ann', traits: { plan: 'pro' } },
      { id: 'bob', traits: { plan: 'free' } },
      { id: 'cat', traits: { plan: 'pro' } },
    ],
    events: [
      { user: 'ann', name: 'Order Completed', at: '2024-05-20T00:00:00Z', properties: { revenue: 50 } },
      { user: 'bob', name: 'Order Completed', at: '2024-05-30T00:00:00Z', properties: { revenue: 20 } },
      { user: 'cat', name: 'Order Completed', at: '2024-01-20T00:00:00Z', properties: { revenue: 5 } },
    ],
  });
}

onEachEngine((engine) => {
  it('saves, updates with versions, keeps static lists and deletes', async () => {
    const e = engine();
    const ws = 'store-crud';
    await shop(e, ws);
    const created = await createSegment(e, ws, { name: 'Pro', rule: pro });
    const updated = await updateSegment(e, ws, 'Pro', {
      name: 'Paying',
      description: 'it\'s "pro"',
      rule: { type: 'trait', trait: 'plan', op: 'in', value: ['pro', 'team'] },
    });
    expect(updated).toMatchObject({ id: created.id, name: 'Paying', version: 2, createdAt: created.createdAt });
    // One current row per segment, whatever the engine keeps underneath.
    expect((await listSegments(e, ws)).map((s) => [s.id, s.name, s.version, s.description])).toEqual([
      [created.id, 'Paying', 2, 'it\'s "pro"'],
    ]);
    expect((await segmentHistory(e, ws, created.id)).map((v) => [v.version, v.name, v.rule])).toEqual([
      [1, 'Pro', pro],
      [2, 'Paying', { type: 'trait', trait: 'plan', op: 'in', value: ['pro', 'team'] }],
    ]);

    const vip = await createStaticSegment(e, ws, { name: 'VIP', userIds: ['bob', 'ghost', 'bob', ''] });
    const listed = async () =>
      (
        await e.query(
          sql`SELECT user_id FROM static_members WHERE workspace = ${str(ws)} AND segment_id = ${str(vip.id)}
              ORDER BY user_id`,
        )
      ).map((r) => r['user_id']);
    expect(await listed()).toEqual(['bob', 'ghost']);
    await e.transaction((tx) => replaceStaticMembers(tx, ws, vip.id, ['cat', 'ann']));
    expect(await listed()).toEqual(['ann', 'cat']);
    expect(await updateSegment(e, ws, 'VIP', { name: 'VIPs' })).toMatchObject({ kind: 'static', version: 2 });

    await refreshAll(e, ws, { asOf: T });
    expect((await listMembers(e, ws, 'VIPs')).userIds).toEqual(['ann', 'cat']);
    expect((await listMembers(e, ws, 'Paying')).userIds).toEqual(['ann', 'cat']);

    expect(await deleteSegment(e, ws, 'VIPs')).toMatchObject({ id: vip.id });
    expect((await listSegments(e, ws)).map((s) => s.name)).toEqual(['Paying']);
    const left = async (table: string) => {
      const [row] = await e.query(
        sql`SELECT count(*) AS n FROM ${ident(table)}
            WHERE workspace = ${str(ws)} AND segment_id = ${str(vip.id)}`,
      );
      return Number(row?.['n']);
    };
    expect(await left('segment_members')).toBe(0);
    expect(await left('static_members')).toBe(0);
    // The change log and the versions outlive the segment.
    expect(await left('segment_changes')).toBe(2);
    expect(await left('segment_versions')).toBe(2);
    await expect(refreshSegment(e, ws, 'VIPs')).rejects.toMatchObject({ status: 404 });
    await expect(updateSegment(e, ws, 'VIPs', { name: 'x' })).rejects.toMatchObject({ status: 404 });
  });

  it('refreshes with enter/exit changes numbered per workspace, and records sizes', async () => {
    const e = engine();
    const ws = 'store-refresh';
    await shop(e, ws);
    await shop(e, `${ws}-other`);
    await createSegment(e, ws, { name: 'Recent buyers', rule: recentBuyers });
    await createSegment(e, ws, { name: 'Pro', rule: pro });
    await createSegment(e, `${ws}-other`, { name: 'Pro', rule: pro });

    expect(await refreshSegment(e, ws, 'Recent buyers', { asOf: T })).toMatchObject({
      size: 2,
      entered: 2,
      exited: 0,
    });
    expect(await refreshSegment(e, ws, 'Pro', { asOf: T })).toMatchObject({ size: 2, entered: 2, exited: 0 });
    expect(await refreshSegment(e, `${ws}-other`, 'Pro', { asOf: T })).toMatchObject({ size: 2, entered: 2 });
    // ann's order leaves the 30-day window; bob's stays.
    expect(await refreshSegment(e, ws, 'Recent buyers', { asOf: LATER })).toMatchObject({
      size: 1,
      entered: 0,
      exited: 1,
    });
    expect(await refreshSegment(e, ws, 'Recent buyers', { asOf: LATER })).toMatchObject({ size: 1, entered: 0 });
    expect(await changeLog(e, ws)).toEqual([
      '1 entered Recent buyers ann',
      '2 entered Recent buyers bob',
      '3 entered Pro ann',
      '4 entered Pro cat',
      '5 exited Recent buyers ann',
    ]);
    expect(await changeLog(e, `${ws}-other`)).toEqual(['1 entered Pro ann', '2 entered Pro cat']);
    expect((await listMembers(e, ws, 'Recent buyers')).userIds).toEqual(['bob']);
    expect((await membersAt(e, ws, 'Recent buyers', at('2024-06-10T00:00:00Z'))).userIds).toEqual(['ann', 'bob']);

    const sizes = await segmentSizes(e, ws, 'Recent buyers', { from: at('2024-05-31'), to: at('2024-06-26') });
    expect(
      sizes.days.filter((d) => d.entered + d.exited > 0 || d.day === '2024-05-31' || d.day >= '2024-06-24'),
    ).toEqual([
      { day: '2024-05-31', size: 0, entered: 0, exited: 0, recorded: false },
      { day: '2024-06-01', size: 2, entered: 2, exited: 0, recorded: false },
      { day: '2024-06-24', size: 2, entered: 0, exited: 0, recorded: false },
      { day: '2024-06-25', size: 1, entered: 0, exited: 1, recorded: false },
      { day: '2024-06-26', size: 1, entered: 0, exited: 0, recorded: false },
    ]);
    expect(sizes.refreshes.map((r) => [r.at, r.size, r.entered, r.exited])).toEqual([
      [T, 2, 2, 0],
      [LATER, 1, 0, 1],
      [LATER, 1, 0, 0],
    ]);

    // The daily snapshot replaces its day when taken again.
    expect(await recordDailySizes(e, ws, at('2024-06-25T12:00:00Z'))).toBe(2);
    expect(await recordDailySizes(e, ws, at('2024-06-25T23:00:00Z'))).toBe(2);
    const snapshots = await e.query(
      sql`SELECT day, size FROM segment_sizes WHERE workspace = ${str(ws)} ORDER BY size`,
    );
    expect(snapshots).toEqual([
      { day: at('2024-06-25'), size: 1 },
      { day: at('2024-06-25'), size: 2 },
    ]);
  });

  it('a refresh repairs a membership that a failed write left behind, and logs the change again', async () => {
    const e = engine();
    const ws = 'store-repair';
    await shop(e, ws);
    await createSegment(e, ws, { name: 'Recent buyers', rule: recentBuyers });
    await refreshSegment(e, ws, 'Recent buyers', { asOf: T });
    // As if the last write failed after logging bob's entry but before storing his membership (no rollback).
    await e.run(sql`DELETE FROM segment_members WHERE workspace = ${str(ws)} AND user_id = 'bob'`);
    expect(await refreshSegment(e, ws, 'Recent buyers', { asOf: T })).toMatchObject({ size: 2, entered: 1 });
    expect((await listMembers(e, ws, 'Recent buyers')).userIds).toEqual(['ann', 'bob']);
    expect(await changeLog(e, ws)).toEqual([
      '1 entered Recent buyers ann',
      '2 entered Recent buyers bob',
      '3 entered Recent buyers bob',
    ]);
    // The history reads the latest change per user, so the repeat changes nothing there.
    expect((await membersAt(e, ws, 'Recent buyers', T)).userIds).toEqual(['ann', 'bob']);
  });

  it('removes members in a list up to the limit, and by reading the log beyond it', async () => {
    const e = engine();
    const ws = 'store-many-exits';
    const users = EXIT_LIST_LIMIT + 2;
    await loadFixture(e, ws, {
      profiles: Array.from({ length: users }, (_, i) => ({
        id: `u${String(i).padStart(5, '0')}`,
        traits: { plan: i < 3 ? 'pro' : 'free' },
      })),
    });
    await createSegment(e, ws, { name: 'Everyone', rule: { type: 'trait', trait: 'plan', op: 'exists' } });
    await createSegment(e, ws, { name: 'Paying', rule: pro });
    expect(await refreshAll(e, ws, { asOf: T })).toMatchObject([{ size: users }, { size: 3 }]);
    // Three leave, named in a list; then all but one leave, more than the list takes.
    const rule = (name: string, value: unknown) => ({ name, rule: { type: 'trait', trait: 'plan', op: 'in', value } });
    await updateSegment(e, ws, 'Everyone', rule('Everyone', ['free']));
    await updateSegment(e, ws, 'Paying', rule('Paying', ['none']));
    expect(await refreshAll(e, ws, { asOf: LATER })).toMatchObject([
      { size: users - 3, entered: 0, exited: 3 },
      { size: 0, entered: 0, exited: 3 },
    ]);
    await updateSegment(e, ws, 'Everyone', rule('Everyone', ['pro', 'none']));
    await updateSegment(e, ws, 'Paying', rule('Paying', ['pro']));
    expect(await refreshSegment(e, ws, 'Everyone', { asOf: LATER })).toMatchObject({
      size: 3,
      entered: 3,
      exited: users - 3,
    });
    expect((await listMembers(e, ws, 'Everyone')).userIds).toEqual(['u00000', 'u00001', 'u00002']);
    expect(await refreshSegment(e, ws, 'Paying', { asOf: LATER })).toMatchObject({ size: 3, entered: 3 });
  });
});
