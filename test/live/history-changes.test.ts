import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engines/engine.js';
import { type Change, listChanges } from '../../src/live/history/changes.js';
import { getSegment } from '../../src/segments/store.js';
import { WS } from '../helpers.js';
import { ACTIVE, buildHistory, HOSTILE_USER, LAPSING, T1, T2, T3, T4 } from './history-fixture.js';
import { forEachStore } from './stores.js';

forEachStore((store) => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await store.open();
    await buildHistory(engine, WS);
    // The same world in another workspace: sequence numbers and rows must not leak across.
    await buildHistory(engine, 'other');
  });
  afterAll(async () => {
    await engine.close();
  });

  const H = HOSTILE_USER;
  /** Active's log by hand: within a refresh, exits come first, then entries, each by user id. */
  const ACTIVE_LOG: [string, 'entered' | 'exited', Date][] = [
    ['ann', 'entered', T1],
    ['bob', 'entered', T1],
    [H, 'entered', T1],
    ['bob', 'exited', T2],
    [H, 'exited', T2],
    ['cy', 'entered', T2],
    ['ann', 'exited', T3],
    ['cy', 'exited', T3],
    ['bob', 'entered', T3],
    ['bob', 'exited', T4],
    ['ann', 'entered', T4],
    [H, 'entered', T4],
  ];
  const shape = (changes: readonly Change[]) => changes.map((c) => [c.user_id, c.change, c.at]);

  describe('listChanges', () => {
    it("lists a segment's enters and exits in seq order", async () => {
      const page = await listChanges(engine, WS, ACTIVE);
      const segment = await getSegment(engine, WS, ACTIVE);
      expect(page.segment).toEqual({ id: segment.id, name: ACTIVE });
      expect(shape(page.changes)).toEqual(ACTIVE_LOG);
      expect(page.next_after).toBeNull();
      const seqs = page.changes.map((c) => c.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(seqs.length);
      expect(shape((await listChanges(engine, 'other', ACTIVE)).changes)).toEqual(ACTIVE_LOG);
    });

    it('pages with a seq cursor', async () => {
      const seen: Change[] = [];
      const cursors: (number | null)[] = [];
      let after = 0;
      for (;;) {
        const page = await listChanges(engine, WS, ACTIVE, { after, limit: 5 });
        seen.push(...page.changes);
        cursors.push(page.next_after);
        if (page.next_after === null) break;
        expect(page.next_after).toBe(page.changes.at(-1)?.seq);
        after = page.next_after;
      }
      expect(seen.map((c) => c.user_id)).toEqual(ACTIVE_LOG.map(([user]) => user));
      expect(cursors).toHaveLength(3);
      // A page that ends exactly at the last change says so.
      const first = await listChanges(engine, WS, ACTIVE, { limit: 6 });
      const second = await listChanges(engine, WS, ACTIVE, { limit: 6, after: first.next_after ?? 0 });
      expect(second.changes).toHaveLength(6);
      expect(second.next_after).toBeNull();
    });

    it('pages newest first with a before cursor, filters included', async () => {
      const seen: Change[] = [];
      let before: number | undefined;
      for (;;) {
        const page = await listChanges(engine, WS, ACTIVE, {
          order: 'newest',
          limit: 5,
          ...(before === undefined ? {} : { before }),
        });
        seen.push(...page.changes);
        expect(page.next_after).toBeNull();
        if (page.next_before === null) break;
        expect(page.next_before).toBe(page.changes.at(-1)?.seq);
        before = page.next_before;
      }
      const oldestFirst = (await listChanges(engine, WS, ACTIVE)).changes;
      expect(seen).toEqual([...oldestFirst].reverse());
      expect(oldestFirst.length).toBe(12);
      // `before` alone reads newest first; with a time range and a user, the newest of what is left comes first.
      const middle = oldestFirst[6]?.seq ?? 0;
      expect((await listChanges(engine, WS, ACTIVE, { before: middle })).changes).toEqual(
        oldestFirst.slice(0, 6).reverse(),
      );
      const bob = await listChanges(engine, WS, ACTIVE, { order: 'newest', user: 'bob', since: T3, limit: 1 });
      expect(shape(bob.changes)).toEqual([['bob', 'exited', T4]]);
      expect(bob.next_before).toBe(bob.changes[0]?.seq);
      expect((await listChanges(engine, WS, ACTIVE, { order: 'newest', before: 0 })).changes).toEqual([]);
    });

    it('filters by time and by user, hostile ids included', async () => {
      const between = await listChanges(engine, WS, ACTIVE, { since: T2, until: T4 });
      expect(shape(between.changes)).toEqual(ACTIVE_LOG.slice(3, 9));
      expect((await listChanges(engine, WS, ACTIVE, { since: T4 })).changes).toHaveLength(3);
      expect((await listChanges(engine, WS, ACTIVE, { until: T1 })).changes).toEqual([]);
      const hostile = await listChanges(engine, WS, ACTIVE, { user: H });
      expect(shape(hostile.changes)).toEqual([
        [H, 'entered', T1],
        [H, 'exited', T2],
        [H, 'entered', T4],
      ]);
      expect((await listChanges(engine, WS, ACTIVE, { user: "' OR 1=1 --" })).changes).toEqual([]);
      const lapsing = await listChanges(engine, WS, LAPSING, { user: 'bob' });
      expect(shape(lapsing.changes)).toEqual([
        ['bob', 'entered', T2],
        ['bob', 'exited', T3],
        ['bob', 'entered', T4],
      ]);
      expect((await listChanges(engine, WS, ACTIVE, { since: T3, user: 'bob' })).changes.map((c) => c.change)).toEqual([
        'entered',
        'exited',
      ]);
    });

    it('rejects bad parameters with their name as the path', async () => {
      const bad = async (options: Parameters<typeof listChanges>[3], path: string, code = 'invalid_parameter') =>
        expect(listChanges(engine, WS, ACTIVE, options)).rejects.toMatchObject({ code, path, status: 400 });
      await bad({ limit: 0 }, 'limit');
      await bad({ limit: 100_001 }, 'limit');
      await bad({ limit: 2.5 }, 'limit');
      await bad({ after: -1 }, 'after');
      await bad({ before: -1 }, 'before');
      await bad({ order: 'newest', after: 3 }, 'after');
      await bad({ order: 'oldest', before: 3 }, 'before');
      await bad({ order: 'sideways' as 'newest' }, 'order');
      await bad({ since: new Date('soon') }, 'since');
      await bad({ since: T2, until: T2 }, 'until', 'invalid_range');
      await expect(listChanges(engine, WS, 'Nope')).rejects.toMatchObject({ code: 'unknown_segment', status: 404 });
      expect((await listChanges(engine, WS, ACTIVE, { limit: 100_000 })).changes).toHaveLength(12);
    });
  });
});
