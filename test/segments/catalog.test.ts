import { beforeAll, describe, expect, it } from 'vitest';
import { COMPUTED_TRAITS } from '../../src/analytics/traits/definitions.js';
import type { CellValue, Engine } from '../../src/engines/engine.js';
import { sql, trusted } from '../../src/engines/sql.js';
import { buildCatalog, CATALOG_LIMITS, type Catalog, type CatalogField } from '../../src/segments/catalog.js';
import { FieldCollector } from '../../src/segments/infer-fields.js';
import { accounts, segments, type Table } from '../../src/store/tables.js';
import { type EventRow, loadFixture, onEachEngine, resetData } from '../analytics/harness.js';

/**
 * The builder's catalog on both engines: exact counts for every event name, and properties and traits inferred from
 * a bounded sample of the latest documents. Each workspace isolates one concern.
 */

const AS_OF = new Date('2024-06-01T00:00:00Z');
const HOSTILE = `Ordered "it's" 🚀'; DROP TABLE events; --`;

async function append(engine: Engine, table: Table, rows: CellValue[][]): Promise<void> {
  const staging = await engine.stage(table, rows);
  await engine.run(sql`INSERT INTO ${trusted(table.name)} SELECT * FROM ${staging}`);
}

const day = (n: number) => new Date(Date.UTC(2024, 4, n)).toISOString();

const shopEvents: EventRow[] = [
  { user: 'u1', name: 'Order Completed', at: day(1), properties: { total: 10, coupon: 'A', paid: true } },
  { user: 'u2', name: 'Order Completed', at: day(2), properties: { total: 20, coupon: 'A', shipped_at: day(3) } },
  {
    user: 'u1',
    name: 'Order Completed',
    at: day(3),
    properties: { total: 10, address: { city: 'Oslo', geo: { lat: 59.9 } }, 'utm.source': 'mail', items: [1, 2] },
  },
  { user: 'u2', name: HOSTILE, at: day(4), properties: { note: null, "it's": 'x' } },
  { user: 'u1', name: 'Page Viewed', at: day(5), properties: { path: '/' } },
  { user: 'u2', name: 'Page Viewed', at: day(6), properties: { path: '/' } },
  { user: 'u2', name: 'Page Viewed', at: day(7), properties: { path: 1 } },
  { user: 'u1', name: '', at: day(7) },
];

const field = (fields: readonly CatalogField[], path: string) => fields.find((f) => f.path === path);

describe('FieldCollector', () => {
  it('turns nested objects into escaped dot paths, times into "time", arrays into lists, and skips nulls', () => {
    const fields = new FieldCollector();
    fields.add({ a: { b: { c: 1 } }, 'x.y': 'v', when: '2024-05-01T10:00:00Z', day: '2024-05-01', list: [1], n: null });
    fields.add({ when: 'not a time', a: { b: 'flat' } });
    expect(fields.fields()).toEqual([
      { path: 'a', types: ['object'], examples: [] },
      { path: 'a.b', types: ['string', 'object'], examples: ['flat'] },
      { path: 'a.b.c', types: ['number'], examples: [1] },
      { path: 'day', types: ['time'], examples: ['2024-05-01'] },
      { path: 'list', types: ['list'], examples: [] },
      { path: 'when', types: ['string', 'time'], examples: ['2024-05-01T10:00:00Z', 'not a time'] },
      { path: 'x\\.y', types: ['string'], examples: ['v'] },
    ]);
  });

  it('lists the most common values first, ties by value, keeping 1 and "1" apart and leaving out long text', () => {
    const fields = new FieldCollector({ maxPaths: 10, maxDepth: 4, maxValuesPerPath: 10, maxExampleLength: 5 });
    for (const v of ['b', 'a', 1, '1', 'b', true, 'longer text', 'c', 'd', 'e', 'f']) fields.add({ v });
    expect(fields.fields()[0]).toEqual({
      path: 'v',
      types: ['string', 'number', 'boolean'],
      examples: ['b', 1, '1', 'a', 'c'],
    });
  });

  it('stays bounded: paths past maxPaths, nesting past maxDepth and values past maxValuesPerPath are not kept', () => {
    const fields = new FieldCollector({ maxPaths: 3, maxDepth: 2, maxValuesPerPath: 2, maxExampleLength: 100 });
    fields.add({ a: { b: { c: 1 } } });
    fields.add({ v: 'x' });
    fields.add({ v: 'y' });
    fields.add({ v: 'z' });
    fields.add({ v: 'z' });
    fields.add({ w: 1 });
    expect(fields.fields()).toEqual([
      { path: 'a', types: ['object'], examples: [] },
      { path: 'a.b', types: ['object'], examples: [] },
      { path: 'v', types: ['string'], examples: ['x', 'y'] },
    ]);
  });
});

onEachEngine((engine) => {
  let shop: Catalog;
  let empty: Catalog;
  beforeAll(async () => {
    const e = engine();
    await resetData(e);
    await e.run(sql`TRUNCATE TABLE segments`);
    await loadFixture(e, 'shop', {
      profiles: [
        {
          id: 'u1',
          account: 'acme',
          traits: { plan: 'pro', age: 30, address: { city: 'Oslo' }, rfm_segment: 'Champions', clv: 12.5 },
        },
        { id: 'u2', traits: { plan: 'pro', signed_up: '2024-01-02', vip: false, rfm_segment: 'Lost Ones' } },
        { id: 'u3', traits: { plan: 'free', age: '31' } },
      ],
      events: shopEvents,
    });
    await append(e, accounts, [
      ['shop', 'acme', { industry: 'Retail', seats: 12 }, {}, new Date(0)],
      ['other', 'hidden', { secret: 1 }, {}, new Date(0)],
    ]);
    await append(e, segments, [
      ['shop', 'seg_b', 'Buyers', null, 'static', null, 1, AS_OF, AS_OF],
      ['shop', 'seg_a', 'Active', null, 'static', null, 1, AS_OF, AS_OF],
      ['other', 'seg_x', 'Hidden', null, 'static', null, 1, AS_OF, AS_OF],
    ]);
    await loadFixture(e, 'other', {
      profiles: [{ id: 'x', traits: { hidden_trait: 1 } }],
      events: [{ user: 'x', name: 'Hidden Event', at: day(1), properties: { hidden: 1 } }],
    });
    shop = await buildCatalog(e, 'shop', { asOf: AS_OF });
    empty = await buildCatalog(e, 'nobody', { asOf: AS_OF });
  });

  it('counts every event name of the workspace, with the time it was last seen, sorted by name', () => {
    expect(shop.events.map((e) => [e.name, e.count, e.lastSeen?.toISOString()])).toEqual([
      ['Order Completed', 3, day(3)],
      [HOSTILE, 1, day(4)],
      ['Page Viewed', 3, day(7)],
    ]);
    expect(shop.asOf).toEqual(AS_OF);
  });

  it("infers an event's properties: nested paths, times, lists, mixed types and the most common values", () => {
    const order = shop.events.find((e) => e.name === 'Order Completed')?.properties ?? [];
    expect(order.map((p) => p.path)).toEqual([
      'address',
      'address.city',
      'address.geo',
      'address.geo.lat',
      'coupon',
      'items',
      'paid',
      'shipped_at',
      'total',
      'utm\\.source',
    ]);
    expect(field(order, 'total')).toEqual({ path: 'total', types: ['number'], examples: [10, 20] });
    expect(field(order, 'shipped_at')?.types).toEqual(['time']);
    expect(field(order, 'items')).toEqual({ path: 'items', types: ['list'], examples: [] });
    expect(field(order, 'paid')).toEqual({ path: 'paid', types: ['boolean'], examples: [true] });
    const page = shop.events.find((e) => e.name === 'Page Viewed')?.properties ?? [];
    expect(page).toEqual([{ path: 'path', types: ['string', 'number'], examples: ['/', 1] }]);
    const hostile = shop.events.find((e) => e.name === HOSTILE)?.properties ?? [];
    expect(hostile).toEqual([{ path: "it's", types: ['string'], examples: ['x'] }]);
  });

  it('lists profile traits, the built-in first and last seen, and every computed trait with its values', () => {
    const profile = shop.traits.filter((t) => t.source === 'profile');
    expect(profile.map((t) => [t.path, t.types])).toEqual([
      ['address', ['object']],
      ['address.city', ['string']],
      ['age', ['string', 'number']],
      ['first_seen', ['time']],
      ['last_seen', ['time']],
      ['plan', ['string']],
      ['signed_up', ['time']],
      ['vip', ['boolean']],
    ]);
    expect(field(profile, 'plan')?.examples).toEqual(['pro', 'free']);
    const computed = shop.traits.filter((t) => t.source === 'computed');
    expect(computed.map((t) => t.path)).toEqual([...COMPUTED_TRAITS].sort());
    // Values in the sample win; a trait no run has written yet shows the values it can take.
    expect(field(computed, 'rfm_segment')?.examples).toEqual(['Champions', 'Lost Ones']);
    expect(field(computed, 'clv')).toMatchObject({ types: ['number'], examples: [12.5] });
    expect(field(computed, 'lifecycle_stage')?.examples).toContain('at_risk');
    expect(field(computed, 'r_score')).toMatchObject({ types: ['number'], examples: [1, 2, 3, 4, 5] });
    expect(shop.traits.map((t) => t.path)).toEqual([...shop.traits.map((t) => t.path)].sort());
  });

  it("lists account traits under account., and the workspace's segments by name, nothing from other workspaces", () => {
    expect(shop.accountTraits).toEqual([
      { path: 'account.industry', types: ['string'], examples: ['Retail'] },
      { path: 'account.seats', types: ['number'], examples: [12] },
    ]);
    expect(shop.segments).toEqual([
      { id: 'seg_a', name: 'Active' },
      { id: 'seg_b', name: 'Buyers' },
    ]);
    expect(shop.sampled).toEqual({ events: 7, profiles: 3, accounts: 1 });
    expect(JSON.stringify(shop)).not.toMatch(/hidden|Hidden|secret/);
  });

  it('answers an empty workspace with no events, no segments and the computed traits alone', () => {
    expect(empty.events).toEqual([]);
    expect(empty.segments).toEqual([]);
    expect(empty.accountTraits).toEqual([]);
    expect(empty.sampled).toEqual({ events: 0, profiles: 0, accounts: 0 });
    expect(empty.traits.filter((t) => t.source === 'profile').map((t) => t.path)).toEqual(['first_seen', 'last_seen']);
  });

  describe('the bounded sample', () => {
    let sampled: Catalog;
    beforeAll(async () => {
      const e = engine();
      // 40 events a day apart: the 30 oldest carry `old`, the 10 latest `recent`; a second name keeps its 5 events.
      const events: EventRow[] = Array.from({ length: 40 }, (_, i) => ({
        user: 'u',
        name: 'Tick',
        at: new Date(Date.UTC(2024, 0, 1 + i)).toISOString(),
        properties: i < 30 ? { old: i } : { recent: i },
      }));
      events.push(
        ...Array.from({ length: 5 }, (_, i) => ({
          user: 'u',
          name: 'Rare',
          at: new Date(Date.UTC(2023, 0, 1 + i)).toISOString(),
          properties: { n: i },
        })),
        { user: 'u', name: 'Rarest', at: day(1), properties: { z: 1 } },
      );
      await loadFixture(e, 'bounded', { profiles: [{ id: 'u' }, { id: 'v' }, { id: 'w' }], events });
      sampled = await buildCatalog(e, 'bounded', {
        asOf: AS_OF,
        limits: { ...CATALOG_LIMITS, eventsPerName: 2, sampledNames: 2, profiles: 2 },
      });
    });

    it('reads only the latest events of each name, and no more profiles than the limit', () => {
      const tick = sampled.events.find((e) => e.name === 'Tick');
      expect(tick?.count).toBe(40);
      expect(tick?.properties).toEqual([{ path: 'recent', types: ['number'], examples: [38, 39] }]);
      expect(sampled.events.find((e) => e.name === 'Rare')?.properties.map((p) => p.examples)).toEqual([[3, 4]]);
      expect(sampled.sampled).toEqual({ events: 4, profiles: 2, accounts: 0 });
    });

    it('counts names past the sampled ones without reading their properties', () => {
      expect(sampled.events.find((e) => e.name === 'Rarest')).toEqual({
        name: 'Rarest',
        count: 1,
        lastSeen: new Date(day(1)),
        properties: [],
      });
    });
  });
});
