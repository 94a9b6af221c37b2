import { beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/engines/engine.js';
import { sql } from '../../../src/engines/sql.js';
import { importFile } from '../../../src/ingest/import/index.js';
import { BATCH_LINES } from '../../../src/ingest/import/jsonl.js';
import { getProfile, listEvents } from '../../../src/store/profiles.js';
import { onEachEngine, resetData } from '../../analytics/harness.js';
import { NOW, WS } from '../../helpers.js';
import { count, scratch } from './files.js';

const write = scratch();
const lines = (...messages: unknown[]) =>
  messages.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join('\n');
const at = '2024-05-01T00:00:00Z';

/** Every test runs on each engine, from empty tables. */
onEachEngine((opened) => {
  let engine: Engine;
  beforeEach(async () => {
    engine = opened();
    await resetData(engine);
  });

  describe('JSON lines of Segment messages', () => {
    it('stores tracks and applies identifies through the pipeline, skipping bad lines by number', async () => {
      const file = write(
        'messages.jsonl',
        lines(
          { type: 'identify', userId: 'u1', traits: { plan: 'pro' }, timestamp: at },
          { type: 'track', userId: 'u1', event: 'Order Completed', properties: { revenue: 12 }, timestamp: at },
          '',
          '{not json',
          { type: 'track', event: 'No One', timestamp: at },
          { type: 'track', userId: 'u1', event: 'Later', timestamp: '2030-01-01T00:00:00Z' },
          { type: 'page', userId: 'u1', name: 'Home', timestamp: at },
        ) + '\r\n',
      );
      const summary = await importFile(engine, { workspace: WS, file, now: NOW });
      expect(summary).toMatchObject({
        format: 'jsonl',
        rowsRead: 6,
        stored: 2,
        duplicates: 0,
        reconciled: true,
        accounting: { stored: 2, duplicates: 0, other_messages: 1, skipped: 3 },
      });
      expect(Object.fromEntries(summary.skipped.map((r) => [r.code, r.lines]))).toEqual({
        invalid_json: [4],
        missing_identity: [5],
        timestamp_in_future: [6],
      });
      expect((await getProfile(engine, WS, 'u1'))?.traits).toEqual({ plan: 'pro' });
      expect((await listEvents(engine, WS, 'u1')).map((e) => [e.name, e.revenue])).toEqual([
        ['Order Completed', 12],
        ['Page Viewed', null],
      ]);
    });

    it('reads gzip-compressed files in batches, and a re-import stores nothing new', async () => {
      const n = BATCH_LINES + 7;
      const messages = Array.from({ length: n }, (_, i) => ({
        type: 'track',
        messageId: `m${i}`,
        userId: `u${i % 10}`,
        event: 'Viewed',
        timestamp: at,
      }));
      const file = write('many.ndjson.gz', lines(...messages));
      expect(await importFile(engine, { workspace: WS, file, now: NOW })).toMatchObject({ rowsRead: n, stored: n });
      expect(await importFile(engine, { workspace: WS, file, now: NOW })).toMatchObject({ stored: 0, duplicates: n });
      expect(await count(engine)).toBe(n);
      const [log] = await engine.query(sql`SELECT count(*) AS n FROM ingest_log WHERE source = 'import'`);
      expect(Number(log?.['n'])).toBe(4);
    });

    it('refuses a column map for Segment messages', async () => {
      const file = write('m.jsonl', lines({ type: 'track', userId: 'u', event: 'A', timestamp: at }));
      await expect(importFile(engine, { workspace: WS, file, now: NOW, map: { a: 'userId' } })).rejects.toMatchObject({
        code: 'map_with_messages',
        path: 'map',
      });
    });

    it('rejects a JSON array with a clear error', async () => {
      const file = write('array.json', JSON.stringify([{ type: 'track' }]));
      await expect(importFile(engine, { workspace: WS, file, now: NOW })).rejects.toMatchObject({
        code: 'json_array',
        path: 'file',
      });
    });
  });
});
