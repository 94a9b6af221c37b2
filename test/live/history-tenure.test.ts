import { describe, expect, it } from 'vitest';
import { segmentTenure } from '../../src/live/history/tenure.js';
import { refreshSegment } from '../../src/segments/refresh.js';
import { WS } from '../helpers.js';
import {
  ACTIVE,
  at,
  BUYERS,
  buildHistory,
  DAY,
  HOSTILE_USER,
  LAPSING,
  openHistory,
  T1,
  T2,
  T3,
  T4,
} from './history-fixture.js';
import { forEachStore } from './stores.js';

forEachStore((store) => {
  const history = openHistory(store, WS);

  const H = HOSTILE_USER;
  /** A workspace for a history with a late refresh. */
  const PAST = 'past';
  const FEB20 = at('2024-02-20T00:00:00Z');

  describe('segmentTenure', () => {
    it('sums the in-segment intervals per user, the open one up to now, longest first', async () => {
      // Active: ann Jan 10 → Feb 5 (26 d) + Feb 15 → now (5 d); bob Jan 10 → Jan 20 + Feb 5 → Feb 15 (10 d + 10 d);
      // cy Jan 20 → Feb 5 (16 d); H Jan 10 → Jan 20 (10 d) + Feb 15 → now (5 d).
      const result = await segmentTenure(history.engine, WS, ACTIVE, { now: FEB20 });
      expect(result.now).toEqual(FEB20);
      expect(result.total).toBe(4);
      expect(result.users).toEqual([
        {
          user_id: 'ann',
          entries: 2,
          re_entries: 1,
          member: true,
          first_entered_at: T1,
          last_change_at: T4,
          total_ms: 31 * DAY,
        },
        {
          user_id: 'bob',
          entries: 2,
          re_entries: 1,
          member: false,
          first_entered_at: T1,
          last_change_at: T4,
          total_ms: 20 * DAY,
        },
        {
          user_id: 'cy',
          entries: 1,
          re_entries: 0,
          member: false,
          first_entered_at: T2,
          last_change_at: T3,
          total_ms: 16 * DAY,
        },
        {
          user_id: H,
          entries: 2,
          re_entries: 1,
          member: true,
          first_entered_at: T1,
          last_change_at: T4,
          total_ms: 15 * DAY,
        },
      ]);
      expect(result.summary).toEqual({
        users: 4,
        members_now: 2,
        re_entry_rate: 0.75,
        mean_ms: 20.5 * DAY,
        median_ms: 18 * DAY,
      });
    });

    it('reads only the changes up to now', async () => {
      // On Feb 1: ann and cy are still in (open intervals), nobody has re-entered yet; bob and H tie at 10 days.
      const result = await segmentTenure(history.engine, WS, ACTIVE, { now: at('2024-02-01T00:00:00Z') });
      expect(result.users.map((u) => [u.user_id, u.total_ms / DAY, u.member])).toEqual([
        ['ann', 22, true],
        ['cy', 12, true],
        ['bob', 10, false],
        [H, 10, false],
      ]);
      expect(result.summary).toEqual({
        users: 4,
        members_now: 2,
        re_entry_rate: 0,
        mean_ms: 13.5 * DAY,
        median_ms: 11 * DAY,
      });
      const before = await segmentTenure(history.engine, WS, ACTIVE, { now: at('2024-01-05T00:00:00Z') });
      expect(before).toMatchObject({
        total: 0,
        users: [],
        summary: { users: 0, members_now: 0, re_entry_rate: 0, mean_ms: 0, median_ms: 0 },
      });
    });

    it('pages, filters by user and keeps the summary over the whole segment', async () => {
      const page = await segmentTenure(history.engine, WS, ACTIVE, { now: FEB20, limit: 2, offset: 1 });
      expect(page.users.map((u) => u.user_id)).toEqual(['bob', 'cy']);
      expect(page.total).toBe(4);
      // Lapsing (a hostile name): bob Jan 20 → Feb 5 + Feb 15 → now, H Jan 20 → Feb 15.
      const lapsing = await segmentTenure(history.engine, WS, LAPSING, { now: FEB20, user: H });
      expect(lapsing.total).toBe(1);
      expect(lapsing.users).toEqual([expect.objectContaining({ user_id: H, entries: 1, total_ms: 26 * DAY })]);
      expect(lapsing.summary.users).toBe(4);
      const bob = await segmentTenure(history.engine, WS, LAPSING, { now: FEB20, user: 'bob' });
      expect(bob.users).toEqual([
        expect.objectContaining({ entries: 2, re_entries: 1, member: true, total_ms: 21 * DAY }),
      ]);
      const nobody = await segmentTenure(history.engine, WS, BUYERS, { now: FEB20, user: "x' OR '1'='1" });
      expect(nobody.users).toEqual([]);
      // Buyers: ann and H Jan 10 → Feb 15 (36 d), bob Feb 5 → now (15 d).
      const buyers = await segmentTenure(history.engine, WS, BUYERS, { now: FEB20 });
      expect(buyers.users.map((u) => [u.user_id, u.total_ms / DAY])).toEqual([
        ['ann', 36],
        [H, 36],
        ['bob', 15],
      ]);
    });

    it('rejects bad parameters', async () => {
      await expect(segmentTenure(history.engine, WS, ACTIVE, { now: new Date(Number.NaN) })).rejects.toMatchObject({
        code: 'invalid_parameter',
        path: 'now',
      });
      await expect(segmentTenure(history.engine, WS, ACTIVE, { now: FEB20, limit: 10_001 })).rejects.toMatchObject({
        path: 'limit',
      });
      await expect(segmentTenure(history.engine, WS, ACTIVE, { now: FEB20, offset: -2 })).rejects.toMatchObject({
        path: 'offset',
      });
    });
  });

  describe('segmentTenure when a refresh runs with an asOf in the past', () => {
    it('clamps an interval whose exit precedes its entry at 0 and follows seq for membership', async () => {
      // The same history in a workspace of its own.
      await buildHistory(history.engine, PAST);
      // Exits ann and H, enters bob, all at Jan 7, after every earlier change by seq.
      await refreshSegment(history.engine, PAST, ACTIVE, { asOf: at('2024-01-07T00:00:00Z') });
      const result = await segmentTenure(history.engine, PAST, ACTIVE, {
        now: at('2024-03-01T00:00:00Z'),
        user: 'ann',
      });
      // ann: Jan 10 → Feb 5 (26 d); Feb 15 → "Jan 7" counts 0.
      expect(result.users).toEqual([
        expect.objectContaining({ entries: 2, member: false, total_ms: 26 * DAY, last_change_at: at('2024-01-07') }),
      ]);
      expect(result.summary.members_now).toBe(1);
      expect(T3.getTime() - T1.getTime()).toBe(26 * DAY);
    });
  });
});
