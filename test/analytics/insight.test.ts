import { beforeAll, describe, expect, it } from 'vitest';
import { scalarOfKey } from '../../src/analytics/insight/distinguishing.js';
import { insightForMembers, segmentInsight } from '../../src/analytics/insight/index.js';
import type { CellValue, Engine } from '../../src/engines/engine.js';
import { join, type Sql, sql, str, trusted } from '../../src/engines/sql.js';
import { UserError } from '../../src/errors.js';
import { segments, staticMembers, type Table } from '../../src/store/tables.js';
import { type EventRow, loadFixture, onEachEngine, type ProfileRow, resetData } from './harness.js';
import { SHOP_EVENTS } from './shop-events.js';

/**
 * Segment insight on both engines, one small workspace per concern so every number can be worked out by hand:
 * `shop` (size, revenue, AOV, conversion, retention weeks), `traits` (distinguishing traits and events, BH),
 * `ret` (the retention curve with censoring), `saas` (MRR, ARPU, churn, LTV). Members are given as a relation
 * (`insightForMembers`) and, in `traits`, as a saved static segment whose rows are written directly (the segment store
 * writes with DuckDB statements).
 */

const AS_OF = new Date('2024-06-01T00:00:00Z');
const HOSTILE_KEY = `it's "odd" ключ`;
const HOSTILE_VALUE = `'; DROP TABLE profiles; --`;
const HOSTILE_EVENT = `Ordered "it's" 🚀'; DROP TABLE events; --`;
const SEGMENT = `Gold "fans" 'ünï'`;

async function append(engine: Engine, table: Table, rows: CellValue[][]): Promise<void> {
  if (rows.length === 0) return;
  const staging = await engine.stage(table, rows);
  await engine.run(sql`INSERT INTO ${trusted(table.name)} SELECT * FROM ${staging}`);
}

async function staticSegment(engine: Engine, workspace: string, id: string, name: string, users: string[]) {
  const at = new Date('2024-01-01T00:00:00Z');
  await append(engine, segments, [[workspace, id, name, null, 'static', null, 1, at, at]]);
  await append(
    engine,
    staticMembers,
    users.map((u) => [workspace, id, u]),
  );
}

/** Members as a plain relation: these user ids. */
const listed = (workspace: string, ids: readonly string[]): Sql =>
  sql`SELECT user_id FROM profiles WHERE workspace = ${str(workspace)} AND user_id IN (${join(ids.map((id) => sql`${str(id)}`))})`;

const range = (prefix: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${String(from + i).padStart(2, '0')}`);

// ---- shop: headline, conversion, retention weeks ----
const SHOP_MEMBERS = ['m1', 'm2', 'm3', 'm4'];
const shop = {
  profiles: ['m1', 'm2', 'm3', 'm4', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6'].map((id) => ({ id })),
  events: [
    ...SHOP_EVENTS,
    { user: 'n3', name: HOSTILE_EVENT, at: '2024-05-02T00:00:00Z' },
    { user: null, anonymousId: 'anon', name: 'Order Completed', at: '2024-05-02T00:00:00Z', revenue: 999 },
  ] satisfies EventRow[],
};

// ---- traits: 20 members (m01–m20), 40 non-members (n01–n40) ----
const T_MEMBERS = range('m', 1, 20);
const T_OTHERS = range('n', 1, 40);
function traitProfile(id: string): ProfileRow {
  const member = id.startsWith('m');
  const i = Number(id.slice(1));
  const traits: Record<string, unknown> = {
    plan: (member ? i <= 15 : i <= 5) ? 'gold' : 'silver',
    email: `${id}@example.com`, // 60 distinct values: skipped as an id-like key
    age: member ? 40 + i : 10 + i, // members 41–60, others 11–50: 50 distinct, too many to compare value by value
    vip: member ? i <= 4 : i <= 20,
  };
  if (member ? i <= 10 : i <= 2) traits[HOSTILE_KEY] = HOSTILE_VALUE;
  if (i === 1) traits['beta'] = true; // m01 and n01 only: too rare to test
  return { id, traits };
}
const traitsFixture = {
  profiles: [...T_MEMBERS, ...T_OTHERS].map(traitProfile),
  events: [
    ...[...T_MEMBERS, ...T_OTHERS].map((user) => ({ user, name: 'App Opened', at: '2024-05-20T00:00:00Z' })),
    ...[...range('m', 1, 12), ...range('n', 1, 4)].map((user) => ({
      user,
      name: 'Webinar Joined',
      at: '2024-05-15T00:00:00Z',
    })),
    // Before asOf − 90 days (2024-03-03): outside the event window.
    { user: 'n05', name: 'Webinar Joined', at: '2024-01-01T00:00:00Z' },
  ],
};

// ---- ret: the retention curve ----
const retFixture = {
  profiles: ['a', 'b', 'c', 'd', 'x', 'y'].map((id) => ({ id })),
  events: [
    { user: 'a', name: 'Seen', at: '2024-05-01T00:00:00Z' }, // first; 31 days before asOf: 4 full weeks
    { user: 'a', name: 'Seen', at: '2024-05-09T00:00:00Z' }, // day 8: week 1
    { user: 'a', name: 'Seen', at: '2024-05-23T00:00:00Z' }, // day 22: week 3
    { user: 'a', name: 'Seen', at: '2024-06-03T00:00:00Z' }, // after asOf
    { user: 'b', name: 'Seen', at: '2024-05-04T12:00:00Z' }, // first; 27.5 days: 3 full weeks
    { user: 'b', name: 'Seen', at: '2024-05-11T11:59:59Z' }, // 1 s before day 7: still week 0
    { user: 'b', name: 'Seen', at: '2024-05-18T12:00:00Z' }, // exactly day 14: week 2
    { user: 'c', name: 'Seen', at: '2024-05-20T00:00:00Z' }, // first; 12 days: 1 full week
    { user: 'c', name: 'Seen', at: '2024-05-28T00:00:00Z' }, // week 1, not complete by asOf: censored
    { user: 'd', name: 'Seen', at: '2024-05-31T00:00:00Z' }, // 1 day: no complete week
    { user: 'x', name: 'Seen', at: '2024-05-01T00:00:00Z' },
    { user: 'x', name: 'Seen', at: '2024-05-08T00:00:00Z' }, // exactly day 7: week 1
    { user: 'y', name: 'Seen', at: '2024-05-01T00:00:00Z' },
    { user: null, anonymousId: 'z', name: 'Seen', at: '2024-05-02T00:00:00Z' },
  ],
};

// ---- saas ----
const sub = (user: string, name: string, at: string, mrr: unknown) => ({ user, name, at, properties: { mrr } });
const saasFixture = {
  profiles: ['s1', 's2', 's3', 's4', 's5', 't1', 't2'].map((id) => ({ id })),
  events: [
    sub('s1', 'Subscription Started', '2024-04-01T00:00:00Z', 49),
    sub('s2', 'Subscription Started', '2024-04-01T00:00:00Z', 19),
    sub('s2', 'Subscription Changed', '2024-05-10T00:00:00Z', 149),
    sub('s3', 'Subscription Started', '2024-04-10T00:00:00Z', 49),
    sub('s3', 'Subscription Canceled', '2024-05-20T00:00:00Z', 0),
    sub('s4', 'Subscription Started', '2024-05-15T12:00:00Z', 19),
    sub('s5', 'Page Viewed', '2024-05-01T00:00:00Z', 'lots'), // not a number: no MRR
    sub('t1', 'Subscription Started', '2024-03-01T00:00:00Z', 99),
    sub('t2', 'Subscription Started', '2024-06-05T00:00:00Z', 10), // after asOf
  ],
};

onEachEngine((engine) => {
  beforeAll(async () => {
    const e = engine();
    await resetData(e);
    for (const table of ['segments', 'static_members', 'segment_members', 'segment_refreshes'])
      await e.run(sql`TRUNCATE TABLE ${trusted(table)}`);
    await loadFixture(e, 'shop', shop);
    await loadFixture(e, 'traits', traitsFixture);
    await loadFixture(e, 'ret', retFixture);
    await loadFixture(e, 'saas', saasFixture);
    await staticSegment(e, 'traits', 'seg_gold', SEGMENT, T_MEMBERS);
  });

  const insight = (workspace: string, members: readonly string[], options = {}) =>
    insightForMembers(engine(), workspace, listed(workspace, members), { asOf: AS_OF, ...options });

  describe('headline', () => {
    it('measures size, share, net revenue, AOV, orders and buyers by hand', async () => {
      const got = await insight('shop', SHOP_MEMBERS);
      // 4 of 10 profiles. Member revenue: m1 100 + 50 − 30 = 120, m2 80 (m3's order is after asOf) = 200 over 3
      // orders; everyone: 200 + n1 200 + n2 60 + 20 = 480 (the anonymous order has no user). AOV 200/3, 3/4 orders
      // per member, 2 of 4 members bought.
      expect(got.headline).toEqual({
        size: 4,
        users: 10,
        share: 0.4,
        revenue: 200,
        totalRevenue: 480,
        revenueShare: 200 / 480,
        orders: 3,
        aov: 200 / 3,
        ordersPerMember: 0.75,
        buyers: 2,
        buyersShare: 0.5,
      });
      expect(got.segment).toBeNull();
      expect(got.asOf).toEqual(AS_OF);
      expect(got.saas).toBeNull(); // no event carries mrr
    });

    it('counts gross revenue when asked', async () => {
      const got = await insight('shop', SHOP_MEMBERS, { orders: { monetary: 'gross' } });
      // m1 100 + 50, m2 80 = 230; everyone 230 + 200 + 80 = 510.
      expect(got.headline.revenue).toBe(230);
      expect(got.headline.totalRevenue).toBe(510);
    });

    it('handles an empty segment without dividing by zero', async () => {
      const got = await insight('shop', ['nobody']);
      expect(got.headline).toMatchObject({ size: 0, users: 10, share: 0, revenue: 0, aov: null, buyersShare: null });
      expect(got.distinguishing).toEqual({
        traits: [],
        numericTraits: [],
        events: [],
        tested: 0,
        significant: 0,
        excluded: { traits: [], events: [] },
      });
      expect(got.warnings.map((w) => w.code)).toEqual(['empty']);
    });
  });

  describe('conversion', () => {
    it('defaults to Product Viewed → Order Completed and respects the order of events', async () => {
      const got = await insight('shop', SHOP_MEMBERS);
      // Members who viewed: m1 (ordered 9 days later), m2 (viewed after its only order), m3 (ordered after asOf),
      // m4 (never ordered): 1 of 4. Others: n1 (6 days later), n2 (44 days later), n3 (no order): 2 of 3.
      expect(got.conversion).toEqual({
        from: 'Product Viewed',
        to: 'Order Completed',
        withinDays: null,
        members: { started: 4, converted: 1, rate: 0.25 },
        others: { started: 3, converted: 2, rate: 2 / 3 },
      });
    });

    it('applies a window, custom and hostile event names, and needs a later event when from = to', async () => {
      const within = await insight('shop', SHOP_MEMBERS, {
        conversion: { from: 'Product Viewed', to: 'Order Completed', withinDays: 30 },
      });
      // n2's order 44 days after the view no longer counts.
      expect(within.conversion?.members).toEqual({ started: 4, converted: 1, rate: 0.25 });
      expect(within.conversion?.others).toEqual({ started: 3, converted: 1, rate: 1 / 3 });
      const hostile = await insight('shop', SHOP_MEMBERS, {
        conversion: { from: 'Product Viewed', to: HOSTILE_EVENT },
      });
      expect(hostile.conversion?.members.converted).toBe(0);
      expect(hostile.conversion?.others).toEqual({ started: 3, converted: 1, rate: 1 / 3 });
      // Repeat orders: m1 and n2 ordered twice; m2 and n1 once (m3's order is after asOf).
      const repeat = await insight('shop', SHOP_MEMBERS, {
        conversion: { from: 'Order Completed', to: 'Order Completed' },
      });
      expect(repeat.conversion?.members).toEqual({ started: 2, converted: 1, rate: 0.5 });
      expect(repeat.conversion?.others).toEqual({ started: 2, converted: 1, rate: 0.5 });
    });

    it('is omitted when the workspace lacks the default events', async () => {
      expect((await insight('ret', ['a'])).conversion).toBeNull();
    });
  });

  describe('retention', () => {
    it('counts week k only among users whose week k is complete', async () => {
      const got = await insight('ret', ['a', 'b', 'c', 'd'], { retentionWeeks: 4 });
      // Full weeks before asOf: a 4, b 3, c 1, d 0. Week 0: a, b, c eligible and active. Week 1: a (day 8) yes,
      // b (6.99 days) no. Week 2: b (exactly day 14) yes, a no. Week 3: only a is eligible, active on day 22.
      // Week 4: nobody is eligible. c's week-1 event is censored, d counts nowhere.
      expect(got.retention.members).toEqual([
        { week: 0, eligible: 3, retained: 3, share: 1 },
        { week: 1, eligible: 2, retained: 1, share: 0.5 },
        { week: 2, eligible: 2, retained: 1, share: 0.5 },
        { week: 3, eligible: 1, retained: 1, share: 1 },
        { week: 4, eligible: 0, retained: 0, share: null },
      ]);
      // x and y started on 2024-05-01 (4 full weeks); x came back on exactly day 7.
      expect(got.retention.others).toEqual([
        { week: 0, eligible: 2, retained: 2, share: 1 },
        { week: 1, eligible: 2, retained: 1, share: 0.5 },
        { week: 2, eligible: 2, retained: 0, share: 0 },
        { week: 3, eligible: 2, retained: 0, share: 0 },
        { week: 4, eligible: 0, retained: 0, share: null },
      ]);
    });

    it('defaults to weeks 0–12', async () => {
      expect((await insight('ret', ['a'])).retention.members).toHaveLength(13);
    });
  });

  describe('SaaS', () => {
    it('computes MRR, ARPU, churn and LTV from the latest mrr of each member', async () => {
      const got = await insight('saas', ['s1', 's2', 's3', 's4', 's5']);
      // At asOf: s1 49, s2 149 (changed from 19), s3 0 (canceled), s4 19, s5 none ('lots' is not a number).
      // MRR 217 over 3 paying: ARPU 72.33. Thirty days earlier (2024-05-02): s1 49, s2 19, s3 49 paying; s3 stopped:
      // churn 1/3, LTV = 72.33 / (1/3) = 217. The workspace adds t1's 99 (t2 starts after asOf): 316.
      expect(got.saas).toEqual({
        mrr: 217,
        totalMrr: 316,
        mrrShare: 217 / 316,
        payingMembers: 3,
        arpu: 217 / 3,
        payingMembersBefore: 3,
        churnedMembers: 1,
        churnRate: 1 / 3,
        ltv: expect.closeTo(217, 10),
        ltvNote: null,
      });
    });

    it('leaves LTV out, saying why, when nobody churned', async () => {
      const got = await insight('saas', ['s1', 's2', 's3', 's4'], { asOf: new Date('2024-05-15T00:00:00Z') });
      // At 05-15: s1 49, s2 149 (since 05-10), s3 49 (s4 starts at noon): 247 over 3; on 04-15 s1, s2 (19) and s3
      // paid; none stopped.
      expect(got.saas).toMatchObject({ mrr: 247, payingMembers: 3, payingMembersBefore: 3, churnRate: 0, ltv: null });
      expect(got.saas?.ltvNote).toMatch(/unbounded/);
    });
  });

  describe('distinguishing traits and events', () => {
    it('finds the planted trait with its lift, z-test p-value and BH q-value', async () => {
      const got = await insight('traits', T_MEMBERS);
      const d = got.distinguishing;
      // Tested (8): plan=gold 15/20 vs 5/40, plan=silver 5/20 vs 35/40, the hostile key 10/20 vs 2/40,
      // vip=true 4/20 vs 20/40 (4 < 5 members, but 0.5·20 = 10 expected), vip=false 16/20 vs 20/40, age (numeric),
      // Webinar Joined 12/20 vs 4/40, App Opened 20/20 vs 40/40. Not tested: email and age as values (too many
      // distinct values), beta (1 member, 0.5 expected), Order events (none here).
      expect(d.tested).toBe(8);
      expect(d.significant).toBe(8 - 1); // all but App Opened (q = 1)
      // plan=gold: pooled 20/60 = 1/3, se = √(1/3·2/3·(1/20 + 1/40)) = √(1/60) = 0.1290994,
      // z = (0.75 − 0.125)/0.1290994 = 4.8412292, p = erfc(4.8412292/√2) = 1.2903845e-6 (scipy norm.sf ×2).
      // BH over the 8 sorted p-values (age 2.87e-12, gold, silver 1.29e-6, Webinar 3.65e-5, hostile 3.99e-5,
      // vip 0.0253 ×2, App 1): gold's q = min(8·p/2, 8·p/3) = 8·1.2903845e-6/3 = 3.4410252e-6.
      const gold = d.traits.find((t) => t.key === 'plan' && t.value === 'gold');
      expect(gold).toMatchObject({ kind: 'trait', shareIn: 0.75, shareOut: 0.125, lift: 6, countIn: 15, countOut: 5 });
      expect(gold?.pValue).toBeCloseTo(1.2903844524872024e-6, 15);
      expect(gold?.qValue).toBeCloseTo(3.4410252066325396e-6, 15);
      const hostile = d.traits.find((t) => t.key === HOSTILE_KEY);
      expect(hostile).toMatchObject({ value: HOSTILE_VALUE, shareIn: 0.5, shareOut: 0.05, lift: 10 });
      // z = 4.1079192 → p = 3.9923975e-5; q = min(8·3.65e-5/4, 8·3.99e-5/5) = 6.3878360e-5.
      expect(hostile?.pValue).toBeCloseTo(3.992397476901338e-5, 12);
      expect(hostile?.qValue).toBeCloseTo(6.387835963042142e-5, 12);
      // Ranked by p, then |ln lift|: gold and silver tie on p (|z| equal); |ln 6| > |ln (0.25/0.875)|.
      expect(d.traits.map((t) => `${t.key}=${String(t.value)}`)).toEqual([
        'plan=gold',
        'plan=silver',
        `${HOSTILE_KEY}=${HOSTILE_VALUE}`,
        'vip=true',
        'vip=false',
      ]);
      const vipTrue = d.traits[3];
      // Under-represented: 4/20 = 0.2 vs 20/40 = 0.5, lift 0.4, z = −2.2360680, p = 0.0253473, q = 8·p/7.
      expect(vipTrue).toMatchObject({ value: true, shareIn: 0.2, shareOut: 0.5, countIn: 4, countOut: 20 });
      expect(vipTrue?.lift).toBeCloseTo(0.4, 12);
      expect(vipTrue?.pValue).toBeCloseTo(0.025347318677468277, 12);
      expect(vipTrue?.qValue).toBeCloseTo(0.028968364202820885, 12);
    });

    it("compares numeric traits with Welch's t-test", async () => {
      const got = await insight('traits', T_MEMBERS);
      // Members 41…60: mean 50.5, variance 35; others 11…50: mean 30.5, variance 136.67. scipy ttest_ind
      // (equal_var=False): t = 8.7988269, df = 57.97, p = 2.8654584e-12; q = 8·p/1 = 2.2923667e-11.
      expect(got.distinguishing.numericTraits).toHaveLength(1);
      const age = got.distinguishing.numericTraits[0];
      expect(age).toMatchObject({ kind: 'numeric_trait', key: 'age', meanIn: 50.5, meanOut: 30.5, difference: 20 });
      expect(age).toMatchObject({ countIn: 20, countOut: 40 });
      expect((age?.pValue ?? 0) / 2.8654583603383946e-12).toBeCloseTo(1, 8);
      expect((age?.qValue ?? 0) / 2.2923666882707156e-11).toBeCloseTo(1, 8);
    });

    it('compares events in the window before asOf', async () => {
      const got = await insight('traits', T_MEMBERS);
      // Webinar Joined: m01–m12 vs n01–n04 (n05's is older than 90 days): 0.6 vs 0.1, lift 6, z = 4.1286141,
      // p = 3.6495629e-5, q = 6.3878360e-5 (the same step-down minimum as the hostile trait). App Opened: everyone.
      expect(got.distinguishing.events).toEqual([
        {
          kind: 'event',
          key: 'Webinar Joined',
          value: null,
          shareIn: 0.6,
          shareOut: 0.1,
          lift: expect.closeTo(6, 12),
          pValue: expect.closeTo(3.649562942655081e-5, 12),
          qValue: expect.closeTo(6.387835963042142e-5, 12),
          countIn: 12,
          countOut: 4,
        },
        {
          kind: 'event',
          key: 'App Opened',
          value: null,
          shareIn: 1,
          shareOut: 1,
          lift: 1,
          pValue: 1,
          qValue: 1,
          countIn: 20,
          countOut: 40,
        },
      ]);
      // A shorter window drops both events (they are 12 and 17 days before asOf) and their tests.
      const short = await insight('traits', T_MEMBERS, { eventDays: 10 });
      expect(short.distinguishing.events).toEqual([]);
      expect(short.distinguishing.tested).toBe(6);
    });

    it('lists the top N of each kind and honours minSupport', async () => {
      const got = await insight('traits', T_MEMBERS, { top: 2, minSupport: 11 });
      // Support 11: gold (15), vip=false (16), hostile (10 members, 2/40·20 = 1 expected: out), silver (5, but
      // 35/40·20 = 17.5 expected: in), vip=true (4; 10 expected: out), age (20), Webinar (12), App (20).
      expect(got.distinguishing.tested).toBe(6);
      expect(got.distinguishing.traits.map((t) => String(t.value))).toEqual(['gold', 'silver']);
      expect(got.distinguishing.events).toHaveLength(2);
    });
  });

  describe('saved segments', () => {
    it('compiles a static segment and adds the size guards', async () => {
      const saved = await segmentInsight(engine(), 'traits', SEGMENT, { asOf: AS_OF });
      expect(saved.segment).toEqual({ id: 'seg_gold', name: SEGMENT, kind: 'static' });
      const direct = await insight('traits', T_MEMBERS);
      expect(saved.headline).toEqual(direct.headline);
      expect(saved.distinguishing).toEqual(direct.distinguishing);
      // 20 members: under 100 (act) and under 30 (significance); static, so no refresh warning.
      expect(saved.warnings.map((w) => [w.code, w.severity, w.segmentId])).toEqual([
        ['too_small_to_act', 'warning', 'seg_gold'],
        ['too_small_for_significance', 'info', 'seg_gold'],
      ]);
    });

    it('answers 404 for an unknown segment and 400 for bad options', async () => {
      await expect(segmentInsight(engine(), 'traits', 'nope')).rejects.toMatchObject({ status: 404 });
      const bad = insightForMembers(engine(), 'traits', listed('traits', ['m01']), { top: 0 });
      await expect(bad).rejects.toBeInstanceOf(UserError);
      await expect(bad).rejects.toMatchObject({ status: 400, path: 'top' });
    });
  });
});

describe('scalar keys', () => {
  it('decodes both engines’ spellings', () => {
    expect(scalarOfKey('n:3.0')).toBe(3);
    expect(scalarOfKey('n:3')).toBe(3);
    expect(scalarOfKey('b:false')).toBe(false);
    expect(scalarOfKey("s:n:'x")).toBe("n:'x");
  });
});
