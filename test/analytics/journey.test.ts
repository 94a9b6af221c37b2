import { beforeAll, describe, expect, it } from 'vitest';
import { defaultJourney, journeyConfigSchema, journeyStages, journeySummary } from '../../src/analytics/journey.js';
import { sql } from '../../src/engines/sql.js';
import { type EventRow, loadFixture, onEachEngine, type ProfileRow, resetData } from './harness.js';

const WS = 'shop';
const AS_OF = new Date('2024-06-01T00:00:00Z');
const HOSTILE_EVENT = "'; DROP TABLE events; --";
const at = (day: number) => `2024-05-${String(day).padStart(2, '0')}T10:00:00Z`;
const ev = (user: string, name: string, day: number): EventRow => ({ user, name, at: at(day) });

const profiles: ProfileRow[] = [
  { id: 'aw' },
  { id: 'co' },
  { id: 'de' },
  { id: 're_orders' },
  { id: 're_boundary' },
  { id: 're_sub' },
  { id: 'none_user' },
  { id: 'none_profile', firstSeen: '2024-05-01T00:00:00Z' },
  { id: 'hostile3' },
  { id: 'hostile2' },
  { id: 'future', firstSeen: '2024-06-02T00:00:00Z' },
];
const events: EventRow[] = [
  ev('aw', 'Page Viewed', 1), // awareness
  ev('co', 'Product Viewed', 2), // consideration, without any awareness event: the furthest stage counts
  ev('de', 'Page Viewed', 1),
  ev('de', 'Order Completed', 3), // decision: one order
  ev('re_orders', 'Order Completed', 3),
  ev('re_orders', 'Order Completed', 4), // retention: Order Completed minCount 2
  ev('re_boundary', 'Order Completed', 5),
  { user: 're_boundary', name: 'Order Completed', at: '2024-06-01T00:00:01Z' }, // after as-of: still decision
  ev('re_sub', 'Subscription Changed', 6), // retention
  ev('none_user', 'Email Opened', 7), // no mapped event → none
  ...[1, 2, 3].map((d) => ev('hostile3', HOSTILE_EVENT, d)),
  ...[1, 2].map((d) => ev('hostile2', HOSTILE_EVENT, d)),
  { user: 'future', name: 'Order Completed', at: '2024-06-02T10:00:00Z' },
];

describe('the journey mapping', () => {
  it('fills every stage left out with its default entries', () => {
    expect(journeyConfigSchema.parse({})).toEqual(defaultJourney);
    expect(journeyConfigSchema.parse({ awareness: [] }).awareness).toEqual([]);
    expect(journeyConfigSchema.parse({ awareness: [] }).retention).toEqual(defaultJourney.retention);
  });

  it('names the offending entry', () => {
    const bad = journeyConfigSchema.safeParse({ decision: [{ event: 'Order Completed', minCount: 0 }] });
    expect(bad.error?.issues[0]).toMatchObject({ path: ['decision', 0, 'minCount'] });
    expect(journeyConfigSchema.safeParse({ decision: [{ event: '' }] }).error?.issues[0]).toMatchObject({
      path: ['decision', 0, 'event'],
    });
    expect(journeyConfigSchema.safeParse({ purchase: [] }).success).toBe(false);
  });
});

onEachEngine((engine) => {
  beforeAll(async () => {
    await resetData(engine());
    await loadFixture(engine(), WS, { profiles, events });
  });

  const stages = async (config = defaultJourney) => {
    const rows = await engine().query(
      sql`SELECT * FROM (${journeyStages(engine().dialect, WS, AS_OF, config)}) j ORDER BY user_id`,
    );
    return Object.fromEntries(rows.map((row) => [row['user_id'], row['journey_stage']]));
  };

  it('gives each user the furthest stage they reached, null for none, and leaves out later users', async () => {
    expect(await stages()).toEqual({
      aw: 'awareness',
      co: 'consideration',
      de: 'decision',
      re_orders: 'retention',
      re_boundary: 'decision',
      re_sub: 'retention',
      none_user: null,
      none_profile: null,
      hostile3: null,
      hostile2: null,
    });
  });

  it('applies a custom mapping with minCount, event names as parameters', async () => {
    const config = journeyConfigSchema.parse({
      awareness: [],
      consideration: [{ event: HOSTILE_EVENT, minCount: 3 }],
      decision: [{ event: 'Order Completed', minCount: 2 }],
      retention: [],
    });
    expect(await stages(config)).toEqual({
      aw: null,
      co: null,
      de: null, // one order < 2
      re_orders: 'decision',
      re_boundary: null, // one order up to as-of
      re_sub: null,
      none_user: null,
      none_profile: null,
      hostile3: 'consideration', // 3 ≥ 3
      hostile2: null, // 2 < 3
    });
  });

  it('summarises the funnel: reached and conversion from the previous stage', async () => {
    const summary = await journeySummary(engine(), WS, { asOf: AS_OF });
    // 10 users: awareness 1, consideration 1, decision 2, retention 2, none 4.
    // Reached: awareness 6 (1+1+2+2), consideration 5, decision 4, retention 2.
    expect(summary).toEqual({
      asOf: AS_OF,
      users: 10,
      none: 4,
      funnel: [
        { stage: 'awareness', users: 1, reached: 6, share: 0.6, conversion: 0.6 },
        { stage: 'consideration', users: 1, reached: 5, share: 0.5, conversion: 5 / 6 },
        { stage: 'decision', users: 2, reached: 4, share: 0.4, conversion: 0.8 },
        { stage: 'retention', users: 2, reached: 2, share: 0.2, conversion: 0.5 },
      ],
    });
  });

  it('defaults as-of to midnight after the latest activity, and answers an empty workspace', async () => {
    // 'future' (an order on Jun 2) is the latest: as-of Jun 3, so it counts (decision) and so does re_boundary's
    // second order (retention).
    const summary = await journeySummary(engine(), WS);
    expect(summary.asOf).toEqual(new Date('2024-06-03T00:00:00Z'));
    expect(summary.users).toBe(11);
    expect(summary.funnel.map((s) => s.users)).toEqual([1, 1, 2, 3]);
    expect(await journeySummary(engine(), 'empty')).toEqual({
      asOf: null,
      users: 0,
      none: 0,
      funnel: [
        { stage: 'awareness', users: 0, reached: 0, share: 0, conversion: null },
        { stage: 'consideration', users: 0, reached: 0, share: 0, conversion: null },
        { stage: 'decision', users: 0, reached: 0, share: 0, conversion: null },
        { stage: 'retention', users: 0, reached: 0, share: 0, conversion: null },
      ],
    });
  });
});
