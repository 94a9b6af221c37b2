import { describe, expect, it } from 'vitest';
import { escapeSegmentListItem, parseSegmentList, segmentMigration } from '../../src/live/history/migration.js';
import { refreshSegment } from '../../src/segments/refresh.js';
import { createStaticSegment, getSegment } from '../../src/segments/store.js';
import { WS } from '../helpers.js';
import { ACTIVE, at, BUYERS, LAPSING, openHistory, T1, T2, T3, T4 } from './history-fixture.js';
import { forEachStore } from './stores.js';

forEachStore((store) => {
  const history = openHistory(store, WS);

  describe('segmentMigration', () => {
    it('counts who moved where between two dates, first segment in the given order winning', async () => {
      // At T2: Buyers {ann, H}, Active {ann, cy}, Lapsing {bob, H} → ann, H: Buyers; cy: Active; bob: Lapsing.
      // At T4: Buyers {bob}, Active {ann, H}, Lapsing {bob}        → ann, H: Active; bob: Buyers; cy: none.
      const result = await segmentMigration(history.engine, WS, {
        segments: [BUYERS, ACTIVE, LAPSING],
        from: T2,
        to: T4,
      });
      expect(result.groups).toEqual([BUYERS, ACTIVE, LAPSING, '(none)']);
      expect(result.matrix).toEqual([
        [0, 2, 0, 0],
        [0, 0, 0, 1],
        [1, 0, 0, 0],
        [0, 0, 0, 0],
      ]);
      expect(result.overlaps).toEqual({ from: 2, to: 1 });
      expect(result.total).toBe(4);
      expect(result.from).toEqual(T2);
      expect(result.to).toEqual(T4);
      expect(result.segments).toEqual([
        { id: (await getSegment(history.engine, WS, BUYERS)).id, name: BUYERS },
        { id: (await getSegment(history.engine, WS, ACTIVE)).id, name: ACTIVE },
        { id: (await getSegment(history.engine, WS, LAPSING)).id, name: LAPSING },
      ]);
      const from = (g: string) => `${g} · 2024-01-20`;
      const to = (g: string) => `${g} · 2024-02-15`;
      expect(result.links).toEqual([
        { from: BUYERS, to: ACTIVE, count: 2, source: from(BUYERS), target: to(ACTIVE), value: 2 },
        { from: ACTIVE, to: '(none)', count: 1, source: from(ACTIVE), target: to('(none)'), value: 1 },
        { from: LAPSING, to: BUYERS, count: 1, source: from(LAPSING), target: to(BUYERS), value: 1 },
      ]);
      expect(result.nodes.map((n) => n.name)).toEqual([
        from(BUYERS),
        from(ACTIVE),
        from(LAPSING),
        to(BUYERS),
        to(ACTIVE),
        to('(none)'),
      ]);
      const names = new Set(result.nodes.map((n) => n.name));
      for (const link of result.links) expect(names.has(link.source) && names.has(link.target)).toBe(true);
    });

    it('depends on the order given, and works with ids and one segment', async () => {
      // At T1: Active {ann, bob, H}, Lapsing {}, Buyers {ann, H}; at T3: Active {bob}, Lapsing {ann, cy, H},
      // Buyers {ann, bob, H}.
      const ordered = await segmentMigration(history.engine, WS, {
        segments: [ACTIVE, (await getSegment(history.engine, WS, LAPSING)).id, BUYERS],
        from: T1,
        to: T3,
      });
      expect(ordered.matrix).toEqual([
        [1, 2, 0, 0],
        [0, 0, 0, 0],
        [0, 0, 0, 0],
        [0, 1, 0, 0],
      ]);
      expect(ordered.overlaps).toEqual({ from: 2, to: 3 });
      const one = await segmentMigration(history.engine, WS, { segments: [ACTIVE], from: T1, to: T2 });
      expect(one.groups).toEqual([ACTIVE, '(none)']);
      expect(one.matrix).toEqual([
        [1, 2],
        [1, 0],
      ]);
      const fromNothing = await segmentMigration(history.engine, WS, {
        segments: [ACTIVE],
        from: at('2024-01-01'),
        to: T1,
      });
      expect(fromNothing.matrix).toEqual([
        [0, 0],
        [3, 0],
      ]);
      expect(fromNothing.overlaps).toEqual({ from: 0, to: 0 });
    });

    it('keeps node names distinct on the same day and for a segment named "(none)"', async () => {
      const sameDay = await segmentMigration(history.engine, WS, {
        segments: [ACTIVE],
        from: at('2024-01-10T00:00:00Z'),
        to: at('2024-01-10T06:00:00Z'),
      });
      expect(sameDay.links).toEqual([
        expect.objectContaining({
          source: 'Active · 2024-01-10T00:00:00.000Z',
          target: 'Active · 2024-01-10T06:00:00.000Z',
        }),
      ]);
      const sameTime = await segmentMigration(history.engine, WS, { segments: [ACTIVE], from: T1, to: T1 });
      expect(sameTime.links).toEqual([
        expect.objectContaining({ source: 'Active · from', target: 'Active · to', value: 3 }),
      ]);

      await createStaticSegment(history.engine, WS, { name: '(none)', userIds: ['cy'] });
      await refreshSegment(history.engine, WS, '(none)', { asOf: T2 });
      // At T2: static {cy}, Active {ann, cy}; at T4: static {cy}, Active {ann, H}.
      const odd = await segmentMigration(history.engine, WS, { segments: ['(none)', ACTIVE], from: T2, to: T4 });
      expect(odd.groups).toEqual(['(none)', ACTIVE, '(none 2)']);
      expect(odd.matrix).toEqual([
        [1, 0, 0],
        [0, 1, 0],
        [0, 1, 0],
      ]);
      expect(odd.overlaps).toEqual({ from: 1, to: 0 });
    });

    it('rejects bad requests', async () => {
      const run = (segments: string[], from = T1, to = T2) =>
        segmentMigration(history.engine, WS, { segments, from, to });
      await expect(run([])).rejects.toMatchObject({ code: 'missing_parameter', path: 'segments', status: 400 });
      await expect(run([ACTIVE, "Nope' OR 1=1"])).rejects.toMatchObject({
        code: 'unknown_segment',
        path: 'segments',
        status: 404,
      });
      const id = (await getSegment(history.engine, WS, ACTIVE)).id;
      await expect(run([ACTIVE, id])).rejects.toMatchObject({ code: 'duplicate_segment', path: 'segments' });
      await expect(run([ACTIVE], T2, T1)).rejects.toMatchObject({ code: 'invalid_range', path: 'to' });
      await expect(run([ACTIVE], new Date('?'), T1)).rejects.toMatchObject({ code: 'invalid_parameter', path: 'from' });
      await expect(run(Array.from({ length: 21 }, (_, i) => `s${i}`))).rejects.toMatchObject({
        code: 'invalid_parameter',
        path: 'segments',
      });
    });
  });

  describe('parseSegmentList', () => {
    it('splits on commas, with backslash escapes for commas and backslashes in names', () => {
      expect(parseSegmentList('a, b ,c')).toEqual(['a', 'b', 'c']);
      expect(parseSegmentList('a,,b,')).toEqual(['a', 'b']);
      expect(parseSegmentList('')).toEqual([]);
      expect(parseSegmentList('Spend\\, high,x\\\\y')).toEqual(['Spend, high', 'x\\y']);
      const names = [LAPSING, ACTIVE, 'a\\,b', '\\'];
      expect(parseSegmentList(names.map(escapeSegmentListItem).join(','))).toEqual(names);
    });
  });
});
