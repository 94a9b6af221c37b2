import { beforeEach, expect } from 'vitest';
import type { Engine } from '../../src/engines/engine.js';
import { sql } from '../../src/engines/sql.js';
import { ingestMessages } from '../../src/ingest/pipeline.js';
import { explainMember, listMembers, previewCount } from '../../src/segments/query.js';
import { refreshAll, refreshSegment } from '../../src/segments/refresh.js';
import {
  createSegment,
  createStaticSegment,
  deleteSegment,
  listSegments,
  segmentHistory,
  updateSegment,
} from '../../src/segments/store.js';
import type { Table } from '../../src/store/tables.js';
import * as tables from '../../src/store/tables.js';
import { WS } from '../helpers.js';
import { resetStore } from './harness/seed.js';
import { forEachEngine } from './harness/suite.js';

const T = new Date('2024-06-01T00:00:00Z');
/** Every table but the migrations: each test starts from an empty store, as it did with a fresh engine. */
const DATA_TABLES = Object.values(tables)
  .filter((value): value is Table => typeof value === 'object' && value !== null && 'columns' in value)
  .map((table) => table.name)
  .filter((name) => name !== tables.schemaMigrations.name);

forEachEngine('segment store', (suite) =>
  suite.block('segment store and refresh', () => {
    let engine: Engine;
    beforeEach(async () => {
      engine = suite.engine();
      await resetStore(engine, DATA_TABLES);
      await ingestMessages(
        engine,
        [
          { type: 'identify', userId: 'ann', traits: { plan: 'pro', country: 'NO' } },
          { type: 'identify', userId: 'bob', traits: { plan: 'free', country: 'US' } },
          { type: 'identify', userId: 'cat', traits: { plan: 'pro', country: 'US' } },
          {
            type: 'track',
            userId: 'ann',
            event: 'Order Completed',
            properties: { revenue: 50 },
            timestamp: '2024-05-20T00:00:00Z',
          },
          {
            type: 'track',
            userId: 'cat',
            event: 'Order Completed',
            properties: { revenue: 5 },
            timestamp: '2024-01-20T00:00:00Z',
          },
        ],
        { workspace: WS, now: T, source: 'test' },
      );
    });

    const members = async (name: string) => (await listMembers(engine, WS, name)).userIds;
    const changes = async () =>
      (await engine.query(sql`SELECT seq, user_id, change FROM segment_changes ORDER BY seq`)).map(
        (r) => `${r['seq']}:${r['change']}:${r['user_id']}`,
      );

    suite.test('saves, refreshes and logs enter/exit with increasing sequence numbers', async () => {
      await createSegment(engine, WS, {
        name: 'Recent buyers',
        rule: { type: 'event', event: 'Order Completed', window: { last: '30d' } },
      });
      const first = await refreshSegment(engine, WS, 'Recent buyers', { asOf: T });
      expect(first).toMatchObject({ size: 1, entered: 1, exited: 0 });
      expect(await members('Recent buyers')).toEqual(['ann']);
      // Time passes: ann's order leaves the 30-day window.
      const later = await refreshSegment(engine, WS, 'Recent buyers', { asOf: new Date('2024-06-25T00:00:00Z') });
      expect(later).toMatchObject({ size: 0, entered: 0, exited: 1 });
      expect(await changes()).toEqual(['1:entered:ann', '2:exited:ann']);
      const again = await refreshSegment(engine, WS, 'Recent buyers', { asOf: new Date('2024-06-25T00:00:00Z') });
      expect(again).toMatchObject({ size: 0, entered: 0, exited: 0 });
    });

    suite.test('keeps every version of a definition and rejects bad ones with paths', async () => {
      await createSegment(engine, WS, { name: 'Pro', rule: { type: 'trait', trait: 'plan', op: '=', value: 'pro' } });
      await updateSegment(engine, WS, 'Pro', {
        name: 'Pro',
        rule: { type: 'trait', trait: 'plan', op: 'in', value: ['pro', 'team'] },
      });
      expect((await segmentHistory(engine, WS, 'Pro')).map((v) => v.version)).toEqual([1, 2]);
      await expect(
        createSegment(engine, WS, { name: 'Bad', rule: { type: 'trait', trait: 'plan', op: 'in', value: 'pro' } }),
      ).rejects.toMatchObject({ code: 'invalid_value', path: 'rule.value' });
      await expect(
        createSegment(engine, WS, { name: 'Pro', rule: { type: 'segment', segment: 'Pro' } }),
      ).rejects.toMatchObject({
        status: 409,
      });
      await expect(
        createSegment(engine, WS, { name: 'X', rule: { type: 'segment', segment: 'Nope' } }),
      ).rejects.toMatchObject({ code: 'unknown_segment', path: 'rule.segment' });
      await expect(
        createSegment(engine, WS, { name: 'Y', rule: { type: 'trait', trait: 'plan', op: '=', value: 'x' }, extra: 1 }),
      ).rejects.toMatchObject({ code: 'unknown_field' });
    });

    suite.test('rejects reference cycles, including through an update', async () => {
      await createSegment(engine, WS, { name: 'A', rule: { type: 'trait', trait: 'plan', op: '=', value: 'pro' } });
      await createSegment(engine, WS, { name: 'B', rule: { type: 'segment', segment: 'A' } });
      await expect(
        updateSegment(engine, WS, 'A', { name: 'A', rule: { type: 'segment', segment: 'B' } }),
      ).rejects.toMatchObject({
        code: 'segment_cycle',
      });
      await expect(deleteSegment(engine, WS, 'A')).rejects.toMatchObject({ code: 'segment_in_use' });
    });

    suite.test('uses static segments in rules and refreshes in dependency order', async () => {
      await createStaticSegment(engine, WS, { name: 'Employees', userIds: ['bob', 'cat', 'ghost'] });
      await createSegment(engine, WS, {
        name: 'Customers',
        rule: {
          type: 'and',
          rules: [
            { type: 'trait', trait: 'country', op: '=', value: 'US' },
            { type: 'not', rule: { type: 'segment', segment: 'Employees' } },
          ],
        },
      });
      await createSegment(engine, WS, {
        name: 'US pro staff',
        rule: {
          type: 'and',
          rules: [
            { type: 'segment', segment: 'Employees' },
            { type: 'trait', trait: 'plan', op: '=', value: 'pro' },
          ],
        },
      });
      const results = await refreshAll(engine, WS, { asOf: T });
      expect(results.map((r) => r.name)).toEqual(['Employees', 'Customers', 'US pro staff']);
      expect(await members('Employees')).toEqual(['bob', 'cat']);
      expect(await members('Customers')).toEqual([]);
      expect(await members('US pro staff')).toEqual(['cat']);
      expect((await listSegments(engine, WS)).map((s) => s.kind).sort()).toEqual(['dynamic', 'dynamic', 'static']);
    });

    suite.test('previews a count without saving, and explains one member', async () => {
      const rule = { type: 'aggregate', fn: 'sum', event: 'Order Completed', property: 'revenue', op: '>=', value: 10 };
      expect(await previewCount(engine, WS, rule, { asOf: T })).toMatchObject({ count: 1 });
      await expect(previewCount(engine, WS, { type: 'trait', trait: 'plan' })).rejects.toMatchObject({
        path: 'rule.op',
      });
      await createSegment(engine, WS, { name: 'Spenders', rule });
      const why = await explainMember(engine, WS, 'Spenders', 'cat', { asOf: T });
      expect(why.member).toBe(false);
      expect(why.explanation).toMatchObject({ node: 'aggregate', actual: 5, result: false });
      await expect(explainMember(engine, WS, 'Spenders', 'nobody')).rejects.toMatchObject({ status: 404 });
      // A value test says what the rule asks of the value, beside what the user's data held.
      await createSegment(engine, WS, {
        name: 'Named',
        rule: { type: 'trait', trait: 'country', op: 'in', value: ['FR', "O'Brien"] },
      });
      const named = await explainMember(engine, WS, 'Named', 'cat', { asOf: T });
      expect(named.explanation).toMatchObject({
        node: 'value',
        detail: 'trait.country',
        expected: `in ["FR", "O'Brien"]`,
        actual: 'US',
        result: false,
      });
    });
  }),
);
