import { beforeAll, describe, expect, it } from 'vitest';
import { activityAsOf } from '../../src/analytics/lifecycle/activity-as-of.js';
import { histogramQuantile } from '../../src/analytics/lifecycle/quantiles.js';
import { lifecycleStages } from '../../src/analytics/lifecycle/stages.js';
import { lifecycleSummary, lifecycleUsers } from '../../src/analytics/lifecycle/summary.js';
import {
  lifecycleConfigSchema,
  lifecycleThresholds,
  thresholdsFrom,
} from '../../src/analytics/lifecycle/thresholds.js';
import { DAY_MS, defaultOrderOptions } from '../../src/analytics/orders.js';
import { sql } from '../../src/engines/sql.js';
import { type EventRow, loadFixture, onEachEngine, type ProfileRow, resetData } from './harness.js';

const WS = 'shop';
const AS_OF = new Date('2024-06-01T00:00:00Z');
/** d whole days before as-of (plus an hour, so the floor is exactly d; on UTC day asOf − d − 1, at 23:00). */
const ago = (d: number) => new Date(AS_OF.getTime() - d * DAY_MS - 3_600_000).toISOString();
const HOSTILE = "o'brien'; DROP TABLE profiles; --";
const CONFIG = { newDays: 7, activeDays: 30, atRiskDays: 60, dormantDays: 120 };

const order = (user: string, d: number): EventRow => ({ user, name: 'Order Completed', at: ago(d), revenue: 10 });
const view = (user: string, d: number): EventRow => ({ user, name: 'Page Viewed', at: ago(d) });

/** Each user tests one rule or boundary with thresholds new 7, active 30, at risk 60, dormant 120. */
const profiles: ProfileRow[] = [
  { id: 'n_new', firstSeen: ago(7) }, // seen 7 ≤ 7, no order → new (boundary)
  { id: 'n_old_browser', firstSeen: ago(8) }, // seen 8 > 7; a = 3 ≤ 30 → active
  { id: 'n_signup_only', firstSeen: ago(2) }, // no events at all, seen 2 → new
  { id: 'n_ghost', firstSeen: ago(400) }, // no events, seen long ago → churned
  { id: 'ftb' }, // one order, t = 30 = activeDays → first_time_buyer (boundary)
  { id: 'ftb_late' }, // one order, t = a = 31 → not active; t ≤ 60 → at_risk
  { id: 'rep' }, // purchase days 40 and 5 ago: gap 35 ≤ 60, t = 5 → repeat_buyer
  { id: 'rep_same_day' }, // two orders on one day = one purchase day, t = 3 → first_time_buyer
  { id: 'react' }, // purchase days 100 and 10 ago: gap 90 > 60, t = 10 → reactivated
  { id: 'react_boundary' }, // 70 and 10 ago: gap exactly 60, not > 60 → repeat_buyer
  { id: 'buyer_browsing' }, // order 45 ago (t > 30), page view 20 ago (a ≤ 30) → active
  { id: 'at_risk_boundary' }, // order 60 ago: t = 60 ≤ 60 → at_risk (boundary)
  { id: 'dormant_buyer' }, // order 61 ago: t > 60, a = 61 ≤ 120 → dormant
  { id: 'dormant_boundary', firstSeen: ago(200) }, // no order, last event 120 ago → dormant (boundary)
  { id: 'churned_buyer' }, // order 121 ago: a = 121 > 120 → churned
  { id: HOSTILE, firstSeen: ago(1) }, // → new
  { id: 'future', firstSeen: new Date(AS_OF.getTime() + DAY_MS).toISOString() }, // not there yet at as-of: no row
];
const events: EventRow[] = [
  view('n_new', 7),
  view('n_old_browser', 3),
  order('ftb', 30),
  order('ftb_late', 31),
  { user: 'ftb_late', name: 'Order Completed', at: new Date(AS_OF.getTime() + 1000).toISOString(), revenue: 5 },
  order('rep', 40),
  order('rep', 5),
  {
    user: 'rep_same_day',
    name: 'Order Completed',
    at: new Date(AS_OF.getTime() - 3 * DAY_MS - 7_200_000).toISOString(),
  },
  order('rep_same_day', 3),
  order('react', 100),
  order('react', 10),
  order('react_boundary', 70),
  order('react_boundary', 10),
  order('buyer_browsing', 45),
  view('buyer_browsing', 20),
  order('at_risk_boundary', 60),
  order('dormant_buyer', 61),
  view('dormant_boundary', 120),
  order('churned_buyer', 121),
  view(HOSTILE, 1),
  { user: 'future', name: 'Page Viewed', at: new Date(AS_OF.getTime() + DAY_MS).toISOString() },
];

const expectedStages: Record<string, string> = {
  n_new: 'new',
  n_old_browser: 'active',
  n_signup_only: 'new',
  n_ghost: 'churned',
  ftb: 'first_time_buyer',
  ftb_late: 'at_risk',
  rep: 'repeat_buyer',
  rep_same_day: 'first_time_buyer',
  react: 'reactivated',
  react_boundary: 'repeat_buyer',
  buyer_browsing: 'active',
  at_risk_boundary: 'at_risk',
  dormant_buyer: 'dormant',
  dormant_boundary: 'dormant',
  churned_buyer: 'churned',
  [HOSTILE]: 'new',
};

/**
 * A workspace with a known rhythm: g1's purchase days have gaps 1, 2, …, 10 and g2's 11, 12, …, 20 (20 gaps). g1
 * also orders twice on one day (merged: no gap of 0) and once after as-of (ignored).
 */
function rhythm(): EventRow[] {
  const out: EventRow[] = [];
  const start = AS_OF.getTime() - 200 * DAY_MS + 3_600_000;
  const buy = (user: string, day: number) =>
    out.push({ user, name: 'Order Completed', at: new Date(start + day * DAY_MS).toISOString(), revenue: 1 });
  /** Purchase days of a customer whose gaps are `gaps`, from day 0. */
  const buyEvery = (user: string, gaps: number[]) => {
    let day = 0;
    buy(user, day);
    for (const gap of gaps) {
      day += gap;
      buy(user, day);
    }
  };
  buy('g1', 0); // a second order on day 0: merged
  buyEvery('g1', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  buyEvery('g2', [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
  out.push({ user: 'g1', name: 'Order Completed', at: new Date(AS_OF.getTime() + DAY_MS).toISOString() });
  return out;
}

describe('thresholds from gaps', () => {
  const gaps1to20 = new Map(Array.from({ length: 20 }, (_, i) => [i + 1, 1]));

  it('computes exact quantiles by linear interpolation from a histogram', () => {
    // Sorted gaps 1..20 (x₀ = 1 … x₁₉ = 20). p75: h = 19·0.75 = 14.25 → x₁₄ + 0.25·(x₁₅ − x₁₄) = 15 + 0.25 = 15.25.
    // p90: h = 17.1 → 18 + 0.1 = 18.1. p50: h = 9.5 → 10.5.
    expect(histogramQuantile(gaps1to20, 75)).toBe(15.25);
    expect(histogramQuantile(gaps1to20, 90)).toBeCloseTo(18.1, 12);
    expect(histogramQuantile(gaps1to20, 50)).toBe(10.5);
    // Counts: gaps {2 ×3, 9 ×1}: sorted 2 2 2 9; p75: h = 2.25 → 2 + 0.25·7 = 3.75.
    expect(
      histogramQuantile(
        new Map([
          [9, 1],
          [2, 3],
        ]),
        75,
      ),
    ).toBe(3.75);
    expect(histogramQuantile(new Map(), 50)).toBeNull();
  });

  it('derives active = ⌈p75⌉, at risk = ⌈p90⌉, dormant = 2 × at risk, new = min(active, 30)', () => {
    // ⌈15.25⌉ = 16, ⌈18.1⌉ = 19, 2 × 19 = 38, min(16, 30) = 16.
    expect(thresholdsFrom(gaps1to20, {})).toEqual({
      newDays: 16,
      activeDays: 16,
      atRiskDays: 19,
      dormantDays: 38,
      source: 'derived',
      configured: [],
      gaps: 20,
      quantiles: { p50: 10.5, p75: 15.25, p90: expect.closeTo(18.1, 12) },
    });
  });

  it('keeps at risk a day past active when p75 = p90', () => {
    // 20 gaps of 7 days: p75 = p90 = 7 → active 7, at risk max(7, 7 + 1) = 8, dormant 16.
    expect(thresholdsFrom(new Map([[7, 20]]), {})).toMatchObject({ activeDays: 7, atRiskDays: 8, dormantDays: 16 });
  });

  it('falls back to the defaults under 20 gaps, and says why', () => {
    expect(thresholdsFrom(new Map([[5, 19]]), {})).toMatchObject({
      newDays: 30,
      activeDays: 30,
      atRiskDays: 90,
      dormantDays: 180,
      source: 'default',
      reason: 'only 19 gaps between purchase days up to as-of; 20 needed',
      gaps: 19,
    });
  });

  it('lets any threshold be configured; later ones follow from it', () => {
    // Defaults (too few gaps) with at risk 60: dormant 2 × 60 = 120; active stays 30.
    expect(thresholdsFrom(new Map(), { atRiskDays: 60 })).toMatchObject({
      newDays: 30,
      activeDays: 30,
      atRiskDays: 60,
      dormantDays: 120,
      source: 'default',
      configured: ['atRiskDays'],
    });
    expect(thresholdsFrom(gaps1to20, CONFIG)).toMatchObject({ ...CONFIG, source: 'configured', gaps: 20 });
    // Derived active 16 with a configured at risk of 10 cannot be ordered: the configured one is named.
    expect(() => thresholdsFrom(gaps1to20, { atRiskDays: 10 })).toThrow(
      expect.objectContaining({ code: 'invalid_thresholds', path: 'atRiskDays', status: 422 }),
    );
  });

  it('validates the configured order: new ≤ active < at risk < dormant', () => {
    expect(lifecycleConfigSchema.parse({ newDays: 30, activeDays: 30 })).toEqual({ newDays: 30, activeDays: 30 });
    const same = lifecycleConfigSchema.safeParse({ activeDays: 10, atRiskDays: 10 });
    expect(same.error?.issues[0]).toMatchObject({ path: ['atRiskDays'] });
    const newer = lifecycleConfigSchema.safeParse({ newDays: 31, activeDays: 30 });
    expect(newer.error?.issues[0]).toMatchObject({ path: ['activeDays'] });
    const dormant = lifecycleConfigSchema.safeParse({ atRiskDays: 90, dormantDays: 60 });
    expect(dormant.error?.issues[0]).toMatchObject({ path: ['dormantDays'] });
    expect(lifecycleConfigSchema.safeParse({ activeDays: 1.5 }).success).toBe(false);
    expect(lifecycleConfigSchema.safeParse({ activeDays: -1 }).success).toBe(false);
    expect(lifecycleConfigSchema.safeParse({ idleDays: 3 }).success).toBe(false);
  });
});

onEachEngine((engine) => {
  beforeAll(async () => {
    await resetData(engine());
    await loadFixture(engine(), WS, { profiles, events });
    await loadFixture(engine(), 'rhythm', { profiles: [{ id: 'g1' }, { id: 'g2' }], events: rhythm() });
  });

  it('derives the thresholds from the purchase-day gaps in the data', async () => {
    const thresholds = await lifecycleThresholds(engine(), 'rhythm', AS_OF, defaultOrderOptions, {});
    expect(thresholds).toMatchObject({ newDays: 16, activeDays: 16, atRiskDays: 19, dormantDays: 38, gaps: 20 });
    expect(thresholds.source).toBe('derived');
  });

  it('gives each user exactly one stage by the first rule that holds', async () => {
    const rows = await engine().query(
      sql`SELECT * FROM (${lifecycleStages(engine().dialect, WS, AS_OF, defaultOrderOptions, CONFIG)}) s
          ORDER BY user_id`,
    );
    expect(Object.fromEntries(rows.map((r) => [r['user_id'], r['lifecycle_stage']]))).toEqual(expectedStages);
    expect(rows).toHaveLength(16);
  });

  it('summarises every stage with the thresholds used', async () => {
    const summary = await lifecycleSummary(engine(), WS, { asOf: AS_OF, config: CONFIG });
    // 16 users: new 3, active 2, first_time_buyer 2, repeat_buyer 2, at_risk 2, dormant 2, churned 2, reactivated 1.
    expect(summary.users).toBe(16);
    expect(summary.stages).toEqual([
      { stage: 'new', users: 3, share: 3 / 16 },
      { stage: 'active', users: 2, share: 2 / 16 },
      { stage: 'first_time_buyer', users: 2, share: 2 / 16 },
      { stage: 'repeat_buyer', users: 2, share: 2 / 16 },
      { stage: 'at_risk', users: 2, share: 2 / 16 },
      { stage: 'dormant', users: 2, share: 2 / 16 },
      { stage: 'churned', users: 2, share: 2 / 16 },
      { stage: 'reactivated', users: 1, share: 1 / 16 },
    ]);
    // Gaps: rep 35, react 90, react_boundary 60 → 3 gaps; the configuration covers every threshold.
    expect(summary.thresholds).toMatchObject({ ...CONFIG, source: 'configured', gaps: 3 });
  });

  it('lists users with the facts behind their stage', async () => {
    const page = await lifecycleUsers(engine(), WS, { asOf: AS_OF, config: CONFIG, limit: 2, offset: 0 });
    expect(page.users).toBe(16);
    expect(page.rows).toEqual([
      {
        user_id: 'at_risk_boundary',
        lifecycle_stage: 'at_risk',
        purchase_days: 1,
        days_since_order: 60,
        days_since_event: 60,
        seen_days: 60,
      },
      {
        user_id: 'buyer_browsing',
        lifecycle_stage: 'active',
        purchase_days: 1,
        days_since_order: 45,
        days_since_event: 20,
        seen_days: 45,
      },
    ]);
  });

  it('defaults as-of to midnight after the latest event or sign-up, and thresholds to the defaults', async () => {
    // The latest is the 'future' user, first seen (and viewing) one day after AS_OF → midnight after that.
    expect(await activityAsOf(engine(), WS)).toEqual(new Date(AS_OF.getTime() + 2 * DAY_MS));
    expect(await activityAsOf(engine(), 'empty')).toBeNull();
    const empty = await lifecycleSummary(engine(), 'empty');
    expect(empty).toMatchObject({ asOf: null, users: 0, thresholds: { source: 'default', gaps: 0 } });
    expect(empty.stages.every((s) => s.users === 0)).toBe(true);
    const summary = await lifecycleSummary(engine(), WS);
    expect(summary.users).toBe(17);
    expect(summary.thresholds).toMatchObject({ activeDays: 30, atRiskDays: 90, source: 'default' });
  });
});
