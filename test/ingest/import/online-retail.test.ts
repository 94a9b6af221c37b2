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
const NOW = new Date('2012-01-01T00:00:00Z');
const FULL = '/work/shared/data/online_retail/online_retail.csv.gz';

type Product = { product_id: string; name: string; quantity: number; price: number };
const productsOf = (event: { properties: Record<string, unknown> } | undefined): Product[] =>
  (event?.properties['products'] ?? []) as Product[];

/** Every test runs on each engine, from empty tables. */
onEachEngine((opened) => {
  let engine: Engine;
  beforeEach(async () => {
    engine = opened();
    await resetData(engine);
  });

  const run = (file: string) => importFile(engine, { workspace: WS, file, now: NOW, preset: 'online-retail' });

  describe('online-retail preset on a hand-checked slice', () => {
    it('groups invoice lines into orders and refunds and accounts for every line', async () => {
      const summary = await run(fixture('online-retail-slice.csv'));
      expect(summary).toMatchObject({
        preset: 'online-retail',
        kind: 'events',
        rowsRead: 27,
        stored: 8,
        duplicates: 0,
        orders: 6,
        refunds: 2,
        customers: 5,
        reconciled: true,
        accounting: { order_lines: 14, refund_lines: 4, skipped: 9 },
      });
      expect(summary.skipped).toEqual([
        expect.objectContaining({ code: 'missing_customer', count: 7, lines: [16, 18, 19, 20, 25, 26, 27] }),
        expect.objectContaining({ code: 'non_positive_price', count: 2, lines: [22, 28] }),
      ]);
      const revenue = await engine.query(
        sql`SELECT message_id, name, user_id, revenue FROM events ORDER BY message_id`,
      );
      expect(revenue.map((r) => [r['message_id'], r['name'], r['user_id'], r['revenue']])).toEqual([
        ['online-retail:536365', 'Order Completed', '17850', 139.12],
        ['online-retail:536381', 'Order Completed', '15311', 4.2],
        ['online-retail:536389', 'Order Completed', '12431', 90.6],
        ['online-retail:536477', 'Order Completed', '16210', 100.8],
        ['online-retail:537197', 'Order Completed', '12647', 13.5],
        ['online-retail:544193', 'Order Completed', '12431', 34.2],
        ['online-retail:C536379', 'Order Refunded', '14527', -27.5],
        ['online-retail:C536391', 'Order Refunded', '17548', -33.72],
      ]);
    });

    it('keeps products in line order, descriptions verbatim, the invoice time as UTC', async () => {
      await run(fixture('online-retail-slice.csv'));
      const [order] = await listEvents(engine, WS, '15311');
      expect(order?.ts.toISOString()).toBe('2010-12-01T09:41:00.000Z');
      expect(order?.properties).toEqual({
        order_id: '536381',
        products: [{ product_id: '82567', name: 'AIRLINE LOUNGE,METAL SIGN', quantity: 2, price: 2.1 }],
        country: 'United Kingdom',
      });
      const [frame] = await listEvents(engine, WS, '16210');
      expect(productsOf(frame)[0]?.name).toBe('RECORD FRAME 7" SINGLE SIZE ');
      const [big] = await listEvents(engine, WS, '17850');
      expect(productsOf(big).map((p) => p.product_id)).toEqual([
        '85123A',
        '71053',
        '84406B',
        '84029G',
        '84029E',
        '22752',
        '21730',
      ]);
      const [refund] = await listEvents(engine, WS, '17548');
      expect(productsOf(refund).map((p) => p.quantity)).toEqual([12, 24, 24]);
    });

    it("sets each customer's latest kept country and seen times on the profile", async () => {
      await run(fixture('online-retail-slice.csv'));
      const profile = await getProfile(engine, WS, '12431');
      expect(profile?.traits).toEqual({ country: 'Belgium' });
      expect(profile?.firstSeen?.toISOString()).toBe('2010-12-01T10:03:00.000Z');
      expect(profile?.lastSeen?.toISOString()).toBe('2011-02-17T08:23:00.000Z');
      expect((await getProfile(engine, WS, '17548'))?.traits).toEqual({ country: 'United Kingdom' });
      expect(await count(engine, sql`profiles`)).toBe(7);
    });

    it('stores nothing new when the same file is imported again', async () => {
      await run(fixture('online-retail-slice.csv'));
      expect(await run(fixture('online-retail-slice.csv'))).toMatchObject({
        stored: 0,
        duplicates: 8,
        orders: 6,
        reconciled: true,
      });
      expect(await count(engine)).toBe(8);
    });

    it('skips in priority order and reads the UCI spelling of dates and customer ids', async () => {
      const file = write(
        'retail.csv',
        'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n' +
          '1,A,"zero, zero",0,12/1/2010 8:26,0,17850,UK\n' +
          '2,A,missing first,-1,12/1/2010 8:26,0,,UK\n' +
          '3,A,price,1,12/1/2010 8:26,-1,17850,UK\n' +
          '4,A,ok,2,12/1/2010 8:26,1.25,17850,UK\n',
      );
      const summary = await run(file);
      expect(summary.skipped.map((r) => [r.code, r.lines])).toEqual([
        ['missing_customer', [3]],
        ['non_positive_price', [4]],
        ['non_positive_quantity', [2]],
      ]);
      const [order] = await listEvents(engine, WS, '17850');
      expect(order?.ts.toISOString()).toBe('2010-12-01T08:26:00.000Z');
      expect(order?.revenue).toBe(2.5);
    });

    it('names a missing column', async () => {
      const file = write('not-retail.csv', 'a,b\n1,2\n');
      await expect(run(file)).rejects.toMatchObject({ code: 'missing_column', path: 'file' });
    });
  });

  describe('online-retail preset on the full data set', () => {
    const present = existsSync(FULL);
    if (!present) console.log(`skipping the full online-retail import: ${FULL} is not on this machine`);

    it.skipIf(!present)('stores 18,532 orders of 4,338 customers and accounts for all 541,909 rows', async () => {
      const summary = await run(FULL);
      expect(summary).toMatchObject({
        rowsRead: 541_909,
        orders: 18_532,
        customers: 4_338,
        refunds: 3_654,
        reconciled: true,
        accounting: { order_lines: 397_884, refund_lines: 8_905, skipped: 135_120 },
      });
      expect(summary.stored).toBe(18_532 + 3_654);
      expect(Object.fromEntries(summary.skipped.map((r) => [r.code, r.count]))).toEqual({
        missing_customer: 135_080,
        non_positive_price: 40,
      });
    });
  });
});
