import { beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/engines/engine.js';
import { openEngine } from '../../../src/engines/open.js';
import { sql } from '../../../src/engines/sql.js';
import { importFile } from '../../../src/ingest/import/index.js';
import type { ImportOptions } from '../../../src/ingest/import/types.js';
import { ingestMessages } from '../../../src/ingest/pipeline.js';
import { getProfile, listEvents } from '../../../src/store/profiles.js';
import { onEachEngine, resetData } from '../../analytics/harness.js';
import { NOW, WS } from '../../helpers.js';
import { count, fixture, scratch } from './files.js';

const write = scratch();

/** What the ClickHouse family cannot import yet (declared, printed, and checked to still fail). */
const HEADER_ONLY_GAP =
  'a CSV file holding only a header cannot be read: ClickHouse infers column types from data rows and has none ' +
  '(EMPTY_DATA_PASSED), so the import reports the file as unreadable instead of importing nothing';

/** Every test runs on each engine, from empty tables. */
onEachEngine((opened, engineName) => {
  let engine: Engine;
  beforeEach(async () => {
    engine = opened();
    await resetData(engine);
  });

  const run = (file: string, options: Partial<ImportOptions> = {}) =>
    importFile(engine, { workspace: WS, file, now: NOW, ...options });

  describe('CSV events', () => {
    it('stores one event per row, the other columns as properties with their types', async () => {
      const file = write(
        'basic.csv',
        'User_ID,Event,Timestamp,plan,total,signup\n' +
          'u1,Signed Up,2024-05-01T10:00:00Z,pro,3,2024-04-01\n' +
          'u2,Order Completed,2024-05-02 11:30:00,free,42.5,\n',
      );
      const summary = await run(file);
      expect(summary).toMatchObject({
        format: 'csv',
        kind: 'events',
        rowsRead: 2,
        stored: 2,
        duplicates: 0,
        skipped: [],
        reconciled: true,
        accounting: { stored: 2, duplicates: 0, skipped: 0 },
      });
      const [signedUp] = await listEvents(engine, WS, 'u1');
      expect(signedUp).toMatchObject({ name: 'Signed Up', type: 'track', revenue: null });
      expect(signedUp?.ts.toISOString()).toBe('2024-05-01T10:00:00.000Z');
      expect(signedUp?.properties).toEqual({ plan: 'pro', total: 3, signup: '2024-04-01' });
      const [order] = await listEvents(engine, WS, 'u2');
      expect(order?.properties).toEqual({ plan: 'free', total: 42.5, signup: null });
      expect(order?.revenue).toBe(42.5);
      expect((await getProfile(engine, WS, 'u1'))?.firstSeen?.toISOString()).toBe('2024-05-01T10:00:00.000Z');
    });

    it('skips rows without a user, an event name or a readable time, or too far in the future, by line', async () => {
      const file = write(
        'skips.csv',
        'user_id,event,timestamp\n' +
          'u1,A,2024-05-01T00:00:00Z\n' +
          ',B,2024-05-01T00:00:00Z\n' +
          'u3,,2024-05-01T00:00:00Z\n' +
          'u4,C,not a date\n' +
          'u5,D,\n' +
          'u6,E,2024-06-02T12:00:01Z\n' +
          'u7,F,2024-06-02T12:00:00Z\n',
      );
      const summary = await run(file);
      expect(summary.rowsRead).toBe(7);
      expect(summary.stored).toBe(2);
      expect(summary.reconciled).toBe(true);
      const byCode = Object.fromEntries(summary.skipped.map((r) => [r.code, r.lines]));
      expect(byCode).toEqual({
        missing_user: [3],
        missing_event: [4],
        invalid_timestamp: [5, 6],
        timestamp_in_future: [7],
      });
      expect(summary.skipped.find((r) => r.code === 'invalid_timestamp')?.count).toBe(2);
      expect(summary.accounting).toEqual({ stored: 2, duplicates: 0, skipped: 5 });
    });

    it('re-importing the same file stores nothing new, and identical rows stay two events', async () => {
      const file = write(
        'same.csv',
        'user_id,event,timestamp,page\nu1,Viewed,2024-05-01 00:00:00,/a\nu1,Viewed,2024-05-01 00:00:00,/a\nu1,Viewed,2024-05-01 00:00:00,/b\n',
      );
      expect(await run(file)).toMatchObject({ stored: 3, duplicates: 0 });
      expect(await run(file)).toMatchObject({ rowsRead: 3, stored: 0, duplicates: 3, reconciled: true });
      const ids = (await listEvents(engine, WS, 'u1')).map((e) => e.messageId).sort();
      expect(ids).toHaveLength(3);
      expect(ids.every((id) => /^import:[0-9a-f]{32}#[12]$/.test(id))).toBe(true);
      expect(ids.filter((id) => id.endsWith('#2'))).toHaveLength(1);
    });

    it('uses a messageId column, dropping repeats within the file and ids already stored', async () => {
      await ingestMessages(
        engine,
        [{ type: 'track', messageId: 'm3', userId: 'u1', event: 'A', timestamp: '2024-05-01T00:00:00Z' }],
        { workspace: WS, now: NOW, source: 'test' },
      );
      const file = write(
        'ids.csv',
        'message_id,user_id,event,timestamp\nm1,u1,A,2024-05-01\nm1,u1,A,2024-05-02\nm2,u1,B,2024-05-01\nm3,u1,A,2024-05-01\n',
      );
      const summary = await run(file);
      expect(summary).toMatchObject({ rowsRead: 4, stored: 2, duplicates: 2, reconciled: true });
      const events = await listEvents(engine, WS, 'u1');
      expect(events.map((e) => [e.messageId, e.ts.toISOString()]).sort()).toEqual([
        ['m1', '2024-05-01T00:00:00.000Z'],
        ['m2', '2024-05-01T00:00:00.000Z'],
        ['m3', '2024-05-01T00:00:00.000Z'],
      ]);
    });

    it('takes hostile column names verbatim as property keys, and maps them', async () => {
      const file = write(
        'hostile.csv',
        'who,"we""ird -- col",$key,ünï 😀,"Robert\');DROP TABLE events;--",what,when\n' +
          "u1,a,1,x,'; DELETE FROM profiles; --,Clicked,2024-05-01\n",
      );
      const summary = await run(file, {
        map: { who: 'userId', what: 'event', when: 'timestamp', 'we"ird -- col': 'properties.wé "q"' },
      });
      expect(summary.stored).toBe(1);
      const [event] = await listEvents(engine, WS, 'u1');
      expect(event?.properties).toEqual({
        'wé "q"': 'a',
        $key: 1,
        'ünï 😀': 'x',
        "Robert');DROP TABLE events;--": "'; DELETE FROM profiles; --",
      });
      expect(await count(engine)).toBe(1);
    });

    it('computes revenue in SQL: revenue, else total, on orders; refunds negative; other events none', async () => {
      const file = write(
        'revenue.csv',
        'user_id,event,timestamp,revenue,total\n' +
          'u1,Order Completed,2024-05-01,10,99\n' +
          'u1,Order Completed,2024-05-02,,12.5\n' +
          'u1,Order Refunded,2024-05-03,4,\n' +
          'u1,Viewed,2024-05-04,7,7\n',
      );
      await run(file);
      expect((await listEvents(engine, WS, 'u1')).map((e) => e.revenue)).toEqual([10, 12.5, -4, null]);
    });

    it('creates missing profiles and widens first/last seen of existing ones, keeping their traits', async () => {
      await ingestMessages(
        engine,
        [
          { type: 'identify', userId: 'u1', traits: { plan: 'pro' }, timestamp: '2024-05-10T00:00:00Z' },
          { type: 'track', userId: 'u1', event: 'A', timestamp: '2024-05-10T00:00:00Z' },
        ],
        { workspace: WS, now: NOW, source: 'test' },
      );
      const file = write('widen.csv', 'user_id,event,timestamp\nu1,B,2024-05-01\nu1,C,2024-05-20\nu2,D,2024-05-05\n');
      await run(file);
      const u1 = await getProfile(engine, WS, 'u1');
      expect(u1?.traits).toEqual({ plan: 'pro' });
      expect([u1?.firstSeen?.toISOString(), u1?.lastSeen?.toISOString()]).toEqual([
        '2024-05-01T00:00:00.000Z',
        '2024-05-20T00:00:00.000Z',
      ]);
      expect(await getProfile(engine, WS, 'u2')).toMatchObject({ traits: {}, firstSeen: new Date('2024-05-05') });
    });

    it('gives anonymous-only rows the user their anonymous id is linked to, else none', async () => {
      await ingestMessages(
        engine,
        [{ type: 'identify', anonymousId: 'a1', userId: 'u9', timestamp: '2024-05-01T00:00:00Z' }],
        {
          workspace: WS,
          now: NOW,
          source: 'test',
        },
      );
      const file = write('anon.csv', 'anonymous_id,event,timestamp\na1,Viewed,2024-05-02\na2,Viewed,2024-05-03\n');
      expect(await run(file)).toMatchObject({ stored: 2, skipped: [] });
      expect((await listEvents(engine, WS, 'u9')).map((e) => e.anonymousId)).toEqual(['a1']);
      const [orphan] = await engine.query(sql`SELECT user_id FROM events WHERE anonymous_id = 'a2'`);
      expect(orphan?.['user_id']).toBeNull();
    });

    it('reads Unix epoch seconds and milliseconds, tab-separated and gzip-compressed files', async () => {
      const file = write('epoch.tsv.gz', 'user_id\tevent\tts\nu1\tA\t1714557600\nu1\tB\t1714557600123\n');
      const summary = await run(file);
      expect(summary).toMatchObject({ format: 'csv', stored: 2 });
      expect((await listEvents(engine, WS, 'u1')).map((e) => e.ts.toISOString())).toEqual([
        '2024-05-01T10:00:00.000Z',
        '2024-05-01T10:00:00.123Z',
      ]);
    });

    it('keeps ids as written, leading zeros included', async () => {
      const file = write('zeros.csv', 'user_id,event,timestamp\n00042,A,2024-05-01\n007,B,2024-05-01\n');
      await run(file);
      expect((await listEvents(engine, WS, '00042')).map((e) => e.name)).toEqual(['A']);
    });

    it('imports nothing, successfully, from an empty file or one with only a header', async () => {
      const nothing = { rowsRead: 0, stored: 0, duplicates: 0, skipped: [], reconciled: true };
      expect(await run(write('empty.csv', ''))).toMatchObject(nothing);
      const headerOnly = run(write('header.csv', 'user_id,event,timestamp\n'));
      if (engineName === 'chdb') {
        // Checked to still fail, so fixing it shows: then this branch goes.
        console.warn(`known gap on chdb: ${HEADER_ONLY_GAP}`);
        await expect(headerOnly).rejects.toMatchObject({ code: 'unreadable_file' });
      } else expect(await headerOnly).toMatchObject(nothing);
    });

    it('reports progress between phases, ending with done', async () => {
      const phases: string[] = [];
      const file = write('progress.csv', 'user_id,event,timestamp\nu1,A,2024-05-01\n');
      await run(file, { onProgress: (p) => phases.push(p.phase) });
      expect(phases[0]).toBe('reading');
      expect(phases.at(-1)).toBe('done');
      expect(phases).toContain('storing events');
    });
  });

  describe('line numbers on a file the engine reads in parallel', () => {
    it('names the right lines far into a large file', async () => {
      // DuckDB in memory reads with one thread unless told otherwise; chDB always reads in parallel.
      const parallel = engineName === 'duckdb' ? await openEngine({ db: ':memory:' }) : engine;
      try {
        const bad = new Set([100_000, 250_001, 299_999]);
        const body = Array.from({ length: 300_000 }, (_, i) => {
          const line = i + 2;
          return `${bad.has(line) ? '' : `u${i % 1000}`},Viewed,2024-05-01T00:00:00Z,${i}`;
        });
        const file = write('large.csv', `user_id,event,timestamp,n\n${body.join('\n')}\n`);
        const summary = await importFile(parallel, { workspace: WS, file, now: NOW });
        expect(summary).toMatchObject({ rowsRead: 300_000, stored: 299_997, reconciled: true });
        expect(summary.skipped).toMatchObject([{ code: 'missing_user', lines: [100_000, 250_001, 299_999] }]);
      } finally {
        if (parallel !== engine) await parallel.close();
      }
    });
  });

  describe('Parquet events', () => {
    it('reads a Parquet file the same way', async () => {
      const summary = await run(fixture('events.parquet'));
      expect(summary).toMatchObject({ format: 'parquet', rowsRead: 2, stored: 2, reconciled: true });
      const [order] = await listEvents(engine, WS, 'u2');
      expect(order).toMatchObject({ name: 'Order Completed', properties: { plan: 'free', amount: 42 } });
      expect(order?.ts.toISOString()).toBe('2024-05-02T11:30:00.000Z');
      expect((await run(fixture('events.parquet'))).duplicates).toBe(2);
    });
  });

  describe('import errors the user can fix', () => {
    const file = () => write('e.csv', 'user_id,event,timestamp\nu1,A,2024-05-01\n');

    it.each([
      [{ map: { nope: 'userId' } }, 'unknown_column', 'map.nope'],
      [{ map: { user_id: 'user' } }, 'invalid_target', 'map.user_id'],
      [{ map: { user_id: 'ignore' } }, 'missing_column', 'map'],
      [{ map: { user_id: 'event', event: 'event' } }, 'duplicate_target', 'map.event'],
      [{ format: undefined, file: '/nowhere/x.csv' }, 'file_not_found', 'file'],
    ])('%j → %s at %s', async (options, code, path) => {
      await expect(run(file(), options as Partial<ImportOptions>)).rejects.toMatchObject({
        name: 'UserError',
        code,
        path,
      });
    });

    it('rejects a file whose format the extension does not tell', async () => {
      const path = write('data.xlsx', 'x');
      await expect(run(path)).rejects.toMatchObject({ code: 'unknown_format', path: 'format' });
    });

    it('reports a file the engine cannot read as a user error and stores nothing', async () => {
      const path = write('broken.parquet', 'not parquet at all');
      await expect(run(path)).rejects.toMatchObject({ code: 'unreadable_file', path: 'file' });
      expect(await count(engine)).toBe(0);
    });
  });
});
