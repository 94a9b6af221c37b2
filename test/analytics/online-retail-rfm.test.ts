import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RfmRow, rfmRows } from '../../src/analytics/rfm/report.js';
import type { Engine } from '../../src/engines/engine.js';
import { importFile } from '../../src/ingest/import/index.js';
import { memoryEngine, WS } from '../helpers.js';

/**
 * RFM on the UCI Online Retail data, checked against an independent computation from the raw CSV in this file.
 * DuckDB only: the import writer (`src/ingest/import/`) is DuckDB-only until the ClickHouse port, so the data cannot
 * be loaded into chDB the same way. The scoring SQL itself runs on both engines in rfm.test.ts.
 */

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'online-retail-customers.csv');
const FULL = '/work/shared/data/online_retail/online_retail.csv.gz';
const DAY_MS = 86_400_000;

/** One CSV record's fields (RFC 4180: quoted fields, `""` inside quotes); the files have no line breaks in fields. */
function fields(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}

interface Expected {
  readonly recency_days: number;
  readonly frequency: number;
  /** Exact, in pence. */
  readonly monetaryPence: number;
  r: number;
  f: number;
  m: number;
  segment: string;
}

/** The usual map, cell by cell: rows R1..R5, columns F1..F5. */
const GRID = [
  ['Hibernating', 'Hibernating', 'At Risk', 'At Risk', "Can't Lose Them"],
  ['Hibernating', 'Hibernating', 'At Risk', 'At Risk', "Can't Lose Them"],
  ['About To Sleep', 'About To Sleep', 'Need Attention', 'Loyal Customers', 'Loyal Customers'],
  ['Promising', 'Potential Loyalists', 'Potential Loyalists', 'Loyal Customers', 'Loyal Customers'],
  ['New Customers', 'Potential Loyalists', 'Potential Loyalists', 'Champions', 'Champions'],
];

/**
 * RFM from the raw lines with the standard cleaning: a customer id; order lines have quantity > 0 and price > 0 and
 * an invoice not starting with C; cancellation invoices (C…) are refunds (their lines' price > 0). One order per
 * invoice, its amount the invoice total rounded to pence, at its first line's time (UTC). As-of is midnight after the
 * last order. Scores: rank in the worse-first order (ties share the lowest rank), floor(5·(rank − 1)/n) + 1.
 */
function independentRfm(csv: string): { asOf: number; customers: Map<string, Expected> } {
  const lines = csv.split('\n');
  const header = fields(lines[0] ?? '');
  const col = (name: string) => header.indexOf(name);
  const [iInvoice, iQty, iDate, iPrice, iCustomer] = [
    'InvoiceNo',
    'Quantity',
    'InvoiceDate',
    'UnitPrice',
    'CustomerID',
  ].map(col);
  const invoices = new Map<string, { customer: string; cancel: boolean; at: number; total: number }>();
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    const f = fields(line);
    const rawCustomer = (f[iCustomer as number] ?? '').trim();
    if (rawCustomer === '') continue;
    const invoice = (f[iInvoice as number] ?? '').trim();
    const cancel = invoice.toUpperCase().startsWith('C');
    const quantity = Number(f[iQty as number]);
    const price = Number(f[iPrice as number]);
    if (price <= 0 || (!cancel && quantity <= 0)) continue;
    const customer = String(Number(rawCustomer)); // 17850.0 → 17850
    const at = Date.parse(`${(f[iDate as number] ?? '').replace(' ', 'T')}Z`);
    const entry = invoices.get(invoice) ?? { customer, cancel, at, total: 0 };
    entry.at = Math.min(entry.at, at);
    entry.total += quantity * price;
    invoices.set(invoice, entry);
  }
  const orders = [...invoices.values()].filter((i) => !i.cancel);
  const lastOrder = Math.max(...orders.map((o) => o.at));
  const asOf = (Math.floor(lastOrder / DAY_MS) + 1) * DAY_MS;
  const per = new Map<string, { last: number; orders: number; pence: number }>();
  for (const invoice of invoices.values()) {
    if (invoice.at > asOf) continue;
    const pence = Math.round(Math.abs(invoice.total) * 100);
    const c = per.get(invoice.customer) ?? { last: Number.NEGATIVE_INFINITY, orders: 0, pence: 0 };
    if (invoice.cancel) c.pence -= pence;
    else {
      c.pence += pence;
      c.orders += 1;
      c.last = Math.max(c.last, invoice.at);
    }
    per.set(invoice.customer, c);
  }
  const customers = new Map<string, Expected>();
  for (const [id, c] of per) {
    if (c.orders === 0) continue; // refunds only: not a customer
    customers.set(id, {
      recency_days: Math.floor((asOf - c.last) / DAY_MS),
      frequency: c.orders,
      monetaryPence: c.pence,
      r: 0,
      f: 0,
      m: 0,
      segment: '',
    });
  }
  const n = customers.size;
  /** 1 + how many customers are strictly worse, for a "worse first" key (larger key = worse). */
  const ranks = (worseness: (e: Expected) => number) => {
    const sorted = [...customers.values()].map(worseness).sort((a, b) => b - a);
    return (e: Expected) => {
      const key = worseness(e);
      let lo = 0;
      let hi = sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((sorted[mid] as number) > key) lo = mid + 1;
        else hi = mid;
      }
      return lo + 1;
    };
  };
  const score = (rank: number) => Math.floor((5 * (rank - 1)) / n) + 1;
  const rRank = ranks((e) => e.recency_days);
  const fRank = ranks((e) => -e.frequency);
  const mRank = ranks((e) => -e.monetaryPence);
  for (const e of customers.values()) {
    e.r = score(rRank(e));
    e.f = score(fRank(e));
    e.m = score(mRank(e));
    e.segment = GRID[e.r - 1]?.[e.f - 1] ?? '';
  }
  return { asOf, customers };
}

let engine: Engine;
beforeEach(async () => {
  engine = await memoryEngine();
});
afterEach(async () => {
  await engine.close();
});

async function reconcile(file: string, csv: string) {
  await importFile(engine, { workspace: WS, file, now: new Date('2012-01-01T00:00:00Z'), preset: 'online-retail' });
  const expected = independentRfm(csv);
  const got = new Map<string, RfmRow>();
  for await (const page of rfmRows(engine, WS)) for (const row of page) got.set(row.user_id, row);
  expect([...got.keys()].sort()).toEqual([...expected.customers.keys()].sort());
  const mismatches: string[] = [];
  for (const [id, want] of expected.customers) {
    const row = got.get(id) as RfmRow;
    const same =
      row.recency_days === want.recency_days &&
      row.frequency === want.frequency &&
      Math.abs(row.monetary - want.monetaryPence / 100) < 1e-6 &&
      row.r === want.r &&
      row.f === want.f &&
      row.m === want.m &&
      row.segment === want.segment;
    if (!same) mismatches.push(`${id}: got ${JSON.stringify(row)}, want ${JSON.stringify(want)}`);
  }
  expect(mismatches).toEqual([]);
  return { expected, got };
}

describe('RFM on Online Retail customers (fixture)', () => {
  it('matches the independent computation for every customer', async () => {
    const { expected, got } = await reconcile(FIXTURE, readFileSync(FIXTURE, 'utf8'));
    // 25 customers chosen; 16995 only cancelled and 13256's only line has price 0: 23 customers.
    expect(got.size).toBe(23);
    expect(new Date(expected.asOf).toISOString()).toBe('2011-12-10T00:00:00.000Z');
    // Hand-checked: 12346 bought 74,215 units for 77,183.60 and cancelled them all the same day: net 0.
    expect(got.get('12346')).toMatchObject({ frequency: 1, monetary: 0, recency_days: 325 });
    // 12680's last invoice is the last line of the data (2011-12-09 12:50); 16446's last is that day too.
    expect(got.get('12680')).toMatchObject({ recency_days: 0, frequency: 4, r: 5 });
    expect(got.get('16446')).toMatchObject({ recency_days: 0, frequency: 2 });
  });
});

describe('RFM on the full Online Retail data set', () => {
  const present = existsSync(FULL);
  if (!present) console.log(`skipping the full Online Retail RFM reconciliation: ${FULL} is not on this machine`);

  it.skipIf(!present)('matches the independent computation for all 4,338 customers', async () => {
    const { got } = await reconcile(FULL, gunzipSync(readFileSync(FULL)).toString('utf8'));
    expect(got.size).toBe(4_338);
  });
});
