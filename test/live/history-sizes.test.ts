import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engines/engine.js';
import { sql, str } from '../../src/engines/sql.js';
import { membersAt } from '../../src/live/history/membership-at.js';
import { MAX_SIZE_SEGMENTS, recordDailySizes, segmentSizes, segmentSizesMany } from '../../src/live/history/sizes.js';
import { refreshSegment } from '../../src/segments/refresh.js';
import { WS } from '../helpers.js';
import { ACTIVE, at, BUYERS, buildHistory, DAY, LAPSING, T1, T2, T3, T4 } from './history-fixture.js';
import { forEachStore } from './stores.js';

/** The same history as `WS`, with the daily job run on each refresh day. */
const RECORDED = 'recorded';

const RANGE = { from: at('2024-01-09T15:00:00Z'), to: at('2024-02-16T03:00:00Z') };
const dayList = (from: string, to: string) => {
  const out: string[] = [];
  for (let t = at(from).getTime(); t <= at(to).getTime(); t += DAY) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
};

forEachStore((store) => {
  describe('segmentSizes', () => {
    let engine: Engine;
    beforeAll(async () => {
      engine = await store.open();
      await buildHistory(engine, WS);
      // The same history with the daily job run on each refresh day.
      await buildHistory(engine, RECORDED, { recordSizes: true });
    });
    afterAll(async () => {
      await engine.close();
    });

    it('derives the end-of-day size from the change log, with each day’s movement and the refreshes', async () => {
      const history = await segmentSizes(engine, WS, ACTIVE, RANGE);
      expect(history.from).toEqual(at('2024-01-09'));
      expect(history.to).toEqual(at('2024-02-16'));
      // By hand: Jan 9 → 0; Jan 10–19 → 3; Jan 20–Feb 4 → 2; Feb 5–14 → 1; Feb 15–16 → 2.
      const expected = [
        ...dayList('2024-01-09', '2024-01-09').map((day) => [day, 0]),
        ...dayList('2024-01-10', '2024-01-19').map((day) => [day, 3]),
        ...dayList('2024-01-20', '2024-02-04').map((day) => [day, 2]),
        ...dayList('2024-02-05', '2024-02-14').map((day) => [day, 1]),
        ...dayList('2024-02-15', '2024-02-16').map((day) => [day, 2]),
      ];
      expect(history.days.map((d) => [d.day, d.size])).toEqual(expected);
      expect(history.days.every((d) => !d.recorded)).toBe(true);
      expect(history.days.filter((d) => d.entered + d.exited > 0)).toEqual([
        { day: '2024-01-10', size: 3, entered: 3, exited: 0, recorded: false },
        { day: '2024-01-20', size: 2, entered: 1, exited: 2, recorded: false },
        { day: '2024-02-05', size: 1, entered: 1, exited: 2, recorded: false },
        { day: '2024-02-15', size: 2, entered: 2, exited: 1, recorded: false },
      ]);
      expect(history.refreshes).toEqual([
        { at: T1, size: 3, entered: 3, exited: 0 },
        { at: T2, size: 2, entered: 1, exited: 2 },
        { at: T3, size: 1, entered: 1, exited: 2 },
        { at: T4, size: 2, entered: 2, exited: 1 },
      ]);
      // Changes before the range count towards its first day.
      const late = await segmentSizes(engine, WS, LAPSING, { from: at('2024-02-10'), to: at('2024-02-10') });
      expect(late.days).toEqual([{ day: '2024-02-10', size: 3, entered: 0, exited: 0, recorded: false }]);
      expect(late.refreshes).toEqual([]);
    });

    it('agrees with the recorded daily sizes, which it reports where they exist', async () => {
      for (const name of [ACTIVE, LAPSING, BUYERS]) {
        const fromLog = await segmentSizes(engine, WS, name, RANGE);
        const withSnapshots = await segmentSizes(engine, RECORDED, name, RANGE);
        expect(
          withSnapshots.days.map((d) => d.size),
          name,
        ).toEqual(fromLog.days.map((d) => d.size));
        expect(
          withSnapshots.days.filter((d) => d.recorded).map((d) => d.day),
          name,
        ).toEqual(['2024-01-10', '2024-01-20', '2024-02-05', '2024-02-15']);
      }
      const snapshots = await engine.query(
        sql`SELECT s.name, z.day, z.size FROM segment_sizes AS z JOIN segments AS s ON s.id = z.segment_id
          WHERE z.workspace = ${str(RECORDED)} ORDER BY s.name, z.day`,
      );
      for (const row of snapshots) {
        const day = row['day'] as Date;
        const history = await segmentSizes(engine, WS, String(row['name']), { from: day, to: day });
        expect(history.days[0]?.size, `${row['name']} ${day.toISOString()}`).toBe(Number(row['size']));
      }
      expect(snapshots).toHaveLength(12);
    });

    it('rejects a reversed or too long range', async () => {
      await expect(segmentSizes(engine, WS, ACTIVE, { from: T2, to: T1 })).rejects.toMatchObject({
        code: 'invalid_range',
        path: 'to',
        status: 400,
      });
      const from = at('2014-03-01'); // + 3659 days = 2024-03-07
      const ok = await segmentSizes(engine, WS, ACTIVE, { from, to: new Date(from.getTime() + 3659 * DAY) });
      expect(ok.days).toHaveLength(3660);
      expect(ok.days.at(-1)?.size).toBe(2);
      await expect(
        segmentSizes(engine, WS, ACTIVE, { from, to: new Date(from.getTime() + 3660 * DAY) }),
      ).rejects.toMatchObject({ code: 'range_too_long', path: 'from' });
      await expect(segmentSizes(engine, WS, ACTIVE, { from: new Date('x'), to: T1 })).rejects.toMatchObject({
        code: 'invalid_parameter',
        path: 'from',
      });
    });
  });

  describe('segmentSizesMany', () => {
    let engine: Engine;
    beforeAll(async () => {
      engine = await store.open();
      await buildHistory(engine, WS);
      await buildHistory(engine, RECORDED, { recordSizes: true });
      await buildHistory(engine, 'other');
      await refreshSegment(engine, 'other', ACTIVE, { asOf: at('2024-01-07T00:00:00Z') });
    });
    afterAll(async () => {
      await engine.close();
    });

    it('gives each segment the days segmentSizes gives it, in three queries for all', async () => {
      for (const workspace of [WS, RECORDED, 'other']) {
        const many = await segmentSizesMany(engine, workspace, RANGE);
        expect(many.from).toEqual(at('2024-01-09'));
        expect(many.to).toEqual(at('2024-02-16'));
        // Every segment of the workspace, by name.
        expect(many.segments.map((s) => s.segment.name)).toEqual([ACTIVE, BUYERS, LAPSING]);
        for (const series of many.segments) {
          const one = await segmentSizes(engine, workspace, series.segment.id, RANGE);
          expect(series.days, `${workspace} ${series.segment.name}`).toEqual(one.days);
        }
      }
    });

    it('answers the segments named, in order and once each, with their first refresh', async () => {
      const active = (await segmentSizes(engine, 'other', ACTIVE, RANGE)).segment.id;
      const many = await segmentSizesMany(engine, 'other', { ...RANGE, segments: [LAPSING, ACTIVE, active, LAPSING] });
      expect(many.segments.map((s) => s.segment.name)).toEqual([LAPSING, ACTIVE]);
      // Active was refreshed once more, as of a time before the fixture's first refresh.
      expect(many.segments.map((s) => s.firstRefreshAt)).toEqual([T1, at('2024-01-07T00:00:00Z')]);
      expect(many.segments[1]?.days.find((d) => d.day === '2024-01-09')?.size).toBe(1);
      expect((await segmentSizesMany(engine, 'nobody', RANGE)).segments).toEqual([]);
    });

    it('refuses an unknown segment, too many segments and a bad range', async () => {
      await expect(segmentSizesMany(engine, WS, { ...RANGE, segments: [ACTIVE, 'Nope'] })).rejects.toMatchObject({
        code: 'unknown_segment',
        status: 404,
      });
      const many = Array.from({ length: MAX_SIZE_SEGMENTS + 1 }, () => ACTIVE);
      await expect(segmentSizesMany(engine, WS, { ...RANGE, segments: many })).rejects.toMatchObject({
        code: 'too_many_segments',
        path: 'segments',
        status: 400,
      });
      await expect(segmentSizesMany(engine, WS, { from: T2, to: T1 })).rejects.toMatchObject({
        code: 'invalid_range',
        path: 'to',
      });
    });
  });

  describe('recordDailySizes', () => {
    it('records every segment once per day, replacing that day on a second call', async () => {
      const engine = await store.open();
      try {
        await buildHistory(engine, WS);
        await buildHistory(engine, 'other');
        const jan25 = at('2024-01-25T18:30:00Z');
        expect(await recordDailySizes(engine, WS, jan25)).toBe(3);
        expect(await recordDailySizes(engine, WS, at('2024-01-25T23:00:00Z'))).toBe(3);
        const rows = await engine.query(
          sql`SELECT segment_id, day, size FROM segment_sizes WHERE workspace = ${str(WS)} ORDER BY size`,
        );
        expect(rows.map((r) => r['day'])).toEqual([at('2024-01-25'), at('2024-01-25'), at('2024-01-25')]);
        expect(rows.map((r) => r['size'])).toEqual([1, 1, 2]);
        expect(await engine.query(sql`SELECT * FROM segment_sizes WHERE workspace = 'other'`)).toEqual([]);
        // The recorded size is the membership when the job ran (Lapsing: {bob}); the log says {bob, H} at the end of
        // Jan 25. The recorded row wins for its day.
        const lapsing = await segmentSizes(engine, WS, LAPSING, { from: jan25, to: at('2024-01-26') });
        expect(lapsing.days.map((d) => [d.day, d.size, d.recorded])).toEqual([
          ['2024-01-25', 1, true],
          ['2024-01-26', 2, false],
        ]);
      } finally {
        await engine.close();
      }
    });
  });

  describe('segmentSizes when a refresh runs with an asOf in the past', () => {
    it('matches membersAt at the end of every day', async () => {
      const engine = await store.open();
      try {
        await buildHistory(engine, WS);
        await refreshSegment(engine, WS, ACTIVE, { asOf: at('2024-01-07T00:00:00Z') });
        const history = await segmentSizes(engine, WS, ACTIVE, { from: at('2024-01-05'), to: at('2024-02-20') });
        for (const day of history.days) {
          const endOfDay = new Date(at(day.day).getTime() + DAY - 1);
          expect(day.size, day.day).toBe((await membersAt(engine, WS, ACTIVE, endOfDay)).total);
        }
        expect(history.days.find((d) => d.day === '2024-01-07')).toMatchObject({ size: 1, entered: 1, exited: 2 });
      } finally {
        await engine.close();
      }
    });
  });
});
