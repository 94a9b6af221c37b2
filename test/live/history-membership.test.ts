import { beforeAll, describe, expect, it } from 'vitest';
import { membersAt } from '../../src/live/history/membership-at.js';
import { listMembers } from '../../src/segments/query.js';
import { refreshSegment } from '../../src/segments/refresh.js';
import { getSegment } from '../../src/segments/store.js';
import { WS } from '../helpers.js';
import {
  ACTIVE,
  at,
  BUYERS,
  buildHistory,
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

  /** A workspace for a history with a late refresh. */
  const PAST = 'past';
  const ids = async (segment: string, time: Date) => (await membersAt(history.engine, WS, segment, time)).userIds;

  describe('membersAt', () => {
    it('answers the membership at past times from the change log', async () => {
      expect(await ids(ACTIVE, at('2024-01-09T23:59:59Z'))).toEqual([]);
      expect(await ids(ACTIVE, T1)).toEqual(['ann', 'bob', HOSTILE_USER]);
      expect(await ids(ACTIVE, at('2024-01-15T00:00:00Z'))).toEqual(['ann', 'bob', HOSTILE_USER]);
      expect(await ids(ACTIVE, at('2024-01-19T23:59:59.999Z'))).toEqual(['ann', 'bob', HOSTILE_USER]);
      expect(await ids(ACTIVE, T2)).toEqual(['ann', 'cy']);
      expect(await ids(ACTIVE, at('2024-02-01T00:00:00Z'))).toEqual(['ann', 'cy']);
      expect(await ids(ACTIVE, T3)).toEqual(['bob']);
      expect(await ids(ACTIVE, T4)).toEqual(['ann', HOSTILE_USER]);
      expect(await ids(LAPSING, at('2024-02-10T00:00:00Z'))).toEqual(['ann', 'cy', HOSTILE_USER]);
      expect(await ids(BUYERS, T3)).toEqual(['ann', 'bob', HOSTILE_USER]);
    });

    it('pages and searches like listMembers, and reports the time asked for', async () => {
      const page = await membersAt(history.engine, WS, ACTIVE, T1, { limit: 1, offset: 1 });
      expect(page).toEqual({ total: 3, userIds: ['bob'], at: T1 });
      expect(await membersAt(history.engine, WS, ACTIVE, T1, { search: 'BRIEN "X", --' })).toMatchObject({
        total: 1,
        userIds: [HOSTILE_USER],
      });
      expect(await membersAt(history.engine, WS, ACTIVE, T1, { search: "'; DROP TABLE x; --" })).toMatchObject({
        total: 0,
      });
      const segment = await getSegment(history.engine, WS, LAPSING);
      expect((await membersAt(history.engine, WS, segment.id, T2)).userIds).toEqual(['bob', HOSTILE_USER]);
    });

    it('agrees with the stored membership after the last change', async () => {
      for (const name of [ACTIVE, LAPSING, BUYERS]) {
        const now = await listMembers(history.engine, WS, name, { limit: 100 });
        const then = await membersAt(history.engine, WS, name, at('2030-01-01T00:00:00Z'));
        expect(then.userIds, name).toEqual(now.userIds);
        expect(then.userIds, name).toEqual((await membersAt(history.engine, WS, name, T4)).userIds);
      }
    });

    it('rejects bad input with the parameter as the path', async () => {
      await expect(membersAt(history.engine, WS, ACTIVE, new Date('nope'))).rejects.toMatchObject({
        code: 'invalid_parameter',
        path: 'at',
        status: 400,
      });
      await expect(membersAt(history.engine, WS, ACTIVE, T1, { limit: -1 })).rejects.toMatchObject({ path: 'limit' });
      await expect(membersAt(history.engine, WS, ACTIVE, T1, { offset: 1.5 })).rejects.toMatchObject({
        path: 'offset',
      });
      await expect(membersAt(history.engine, WS, `x' OR '1'='1`, T1)).rejects.toMatchObject({
        code: 'unknown_segment',
        status: 404,
      });
    });
  });

  describe('membersAt when a refresh runs with an asOf in the past', () => {
    // The same history in a workspace of its own.
    beforeAll(async () => {
      await buildHistory(history.engine, PAST);
      // Jan 7: window (Dec 31, Jan 7] holds only bob's Jan 5 visit; the stored {ann, H} exit and bob enters, at = Jan 7,
      // with sequence numbers greater than every earlier change.
      const late = await refreshSegment(history.engine, PAST, ACTIVE, { asOf: at('2024-01-07T00:00:00Z') });
      expect(late).toMatchObject({ size: 1, entered: 1, exited: 2 });
    });
    const idsAt = async (time: string) => (await membersAt(history.engine, PAST, ACTIVE, at(time))).userIds;

    it('takes, per user, the change with the greatest seq among those with at <= T', async () => {
      expect(await idsAt('2024-01-06T00:00:00Z')).toEqual([]);
      expect(await idsAt('2024-01-07T00:00:00Z')).toEqual(['bob']);
      // ann: entered at T1, then exited at Jan 7 with a later seq; bob's latest word at or before Jan 12 is "entered".
      expect(await idsAt('2024-01-12T00:00:00Z')).toEqual(['bob']);
      // cy entered at T2 and nothing later-seq at or before Jan 25 says otherwise.
      expect(await idsAt('2024-01-25T00:00:00Z')).toEqual(['bob', 'cy']);
      const now = await listMembers(history.engine, PAST, ACTIVE);
      expect(now.userIds).toEqual(['bob']);
      expect(await idsAt('2024-03-01T00:00:00Z')).toEqual(now.userIds);
    });
  });
});
