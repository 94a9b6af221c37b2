import { existsSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/engines/engine.js';
import { sql } from '../../../src/engines/sql.js';
import { importFile } from '../../../src/ingest/import/index.js';
import { getProfile, listEvents } from '../../../src/store/profiles.js';
import { onEachEngine, resetData } from '../../analytics/harness.js';
import { WS } from '../../helpers.js';
import { count, fixture, scratch } from './files.js';

const write = scratch();
const NOW = new Date('2024-01-01T00:00:00Z');
const DATA = '/work/shared/data/cdnow';

/** Every test runs on each engine, from empty tables. */
onEachEngine((opened) => {
  let engine: Engine;
  beforeEach(async () => {
    engine = opened();
    await resetData(engine);
  });

  const run = (file: string) => importFile(engine, { workspace: WS, file, now: NOW, preset: 'cdnow' });

  describe('cdnow preset', () => {
    it('reads the master layout: header, leading spaces, CRLF; one order per row', async () => {
      const summary = await run(fixture('cdnow-master-slice.txt'));
      expect(summary).toMatchObject({
        preset: 'cdnow',
        rowsRead: 13,
        stored: 13,
        orders: 13,
        customers: 4,
        skipped: [],
        reconciled: true,
        accounting: { orders: 13, skipped: 0 },
      });
      const two = await listEvents(engine, WS, '2');
      expect(two.map((e) => [e.messageId, e.name, e.revenue, e.properties, e.ts.toISOString()])).toEqual([
        ['cdnow:2:19970112:1', 'Order Completed', 12, { cds: 1 }, '1997-01-12T00:00:00.000Z'],
        ['cdnow:2:19970112:2', 'Order Completed', 77, { cds: 5 }, '1997-01-12T00:00:00.000Z'],
      ]);
      const profile = await getProfile(engine, WS, '3');
      expect(profile?.firstSeen?.toISOString()).toBe('1997-01-02T00:00:00.000Z');
      expect(profile?.lastSeen?.toISOString()).toBe('1998-05-28T00:00:00.000Z');
    });

    it('reads the sample (no header) and the CSV elog, giving the same ids as the master', async () => {
      await run(fixture('cdnow-master-slice.txt'));
      // Customer 4's purchases are in the master slice already; customer 21's are new.
      expect(await run(fixture('cdnow-sample-slice.txt'))).toMatchObject({
        rowsRead: 6,
        stored: 2,
        duplicates: 4,
        customers: 2,
        reconciled: true,
      });
      expect(await run(fixture('cdnow-elog-slice.csv'))).toMatchObject({ rowsRead: 6, stored: 0, duplicates: 6 });
      expect(await count(engine)).toBe(15);
      expect((await listEvents(engine, WS, '21')).map((e) => e.messageId)).toEqual([
        'cdnow:21:19970101:1',
        'cdnow:21:19970113:1',
      ]);
    });

    it('skips malformed rows by line and ignores blank lines', async () => {
      const file = write(
        'bad.txt',
        ' 00001 19970101  1   11.77\n\n 00002 19971301 1 5.00\n 00003 19970102 x 5.00\n 00004 19970102 1\n  \n 00005 19970103 2 9.99\n',
      );
      const summary = await run(file);
      expect(summary).toMatchObject({ rowsRead: 5, stored: 2, reconciled: true });
      expect(Object.fromEntries(summary.skipped.map((r) => [r.code, r.lines]))).toEqual({
        invalid_timestamp: [3],
        invalid_number: [4],
        invalid_row: [5],
      });
    });

    it('rejects a file of another layout', async () => {
      const file = write('other.txt', 'a b c\n1 2 3\n');
      await expect(run(file)).rejects.toMatchObject({ code: 'unknown_layout', path: 'file' });
    });
  });

  describe('cdnow preset on the full data set', () => {
    const files = ['CDNOW_master.txt', 'CDNOW_sample.txt', 'cdnowElog.csv'].map((f) => `${DATA}/${f}`);
    const present = files.every((f) => existsSync(f));
    if (!present) console.log(`skipping the full cdnow imports: ${DATA} is not on this machine`);

    it.skipIf(!present)('master: 69,659 orders of 23,570 customers; sample and elog: 6,919 of 2,357', async () => {
      const [master, sample, elog] = files as [string, string, string];
      expect(await run(master)).toMatchObject({
        rowsRead: 69_659,
        stored: 69_659,
        customers: 23_570,
        reconciled: true,
      });
      expect(await run(sample)).toMatchObject({ rowsRead: 6_919, stored: 0, customers: 2_357, reconciled: true });
      expect(await run(elog)).toMatchObject({ rowsRead: 6_919, stored: 0, customers: 2_357, reconciled: true });
      const [revenue] = await engine.query(sql`SELECT round(sum(revenue), 2) AS total FROM events`);
      expect(revenue?.['total']).toBeGreaterThan(0);
    });
  });
});
