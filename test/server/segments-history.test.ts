import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeSegmentListItem } from '../../src/live/history/migration.js';
import { createSegment } from '../../src/segments/store.js';
import { memoryEngine, WS } from '../helpers.js';
import { ACTIVE, BUYERS, buildHistory, DAY, HOSTILE_USER, LAPSING, T1, T2, T3, T4 } from '../live/history-fixture.js';
import { bearer, call, type Harness, startHarness } from './harness.js';

let h: Harness;
const get = (path: string) => call(h.url, 'GET', path, { auth: bearer(h.admin) });
const seg = (name: string) => `/api/segments/${encodeURIComponent(name)}`;
const H = HOSTILE_USER;

beforeAll(async () => {
  const engine = await memoryEngine();
  await buildHistory(engine, WS);
  h = await startHarness({ engine }); // the server's clock says NOW = 2024-06-01T12:00Z
});
afterAll(async () => {
  await h.close();
});

describe('GET /api/segments/:id/changes', () => {
  it('pages through the log with a seq cursor and filters by time and user', async () => {
    const first = await get(`${seg(ACTIVE)}/changes?limit=5`);
    expect(first.status).toBe(200);
    const page = first.body as { changes: { seq: number; user_id: string }[]; next_after: number };
    expect(page.changes.map((c) => c.user_id)).toEqual(['ann', 'bob', H, 'bob', H]);
    expect(page.next_after).toBe(page.changes[4]?.seq);
    const rest = await get(`${seg(ACTIVE)}/changes?after=${page.next_after}&limit=100`);
    expect(rest.body).toMatchObject({ next_after: null });
    expect((rest.body as { changes: unknown[] }).changes).toHaveLength(7);

    const hostile = await get(`${seg(ACTIVE)}/changes?user=${encodeURIComponent(H)}`);
    expect(hostile.body).toMatchObject({
      segment: { name: ACTIVE },
      changes: [
        { user_id: H, change: 'entered', at: T1.toISOString() },
        { user_id: H, change: 'exited', at: T2.toISOString() },
        { user_id: H, change: 'entered', at: T4.toISOString() },
      ],
      next_after: null,
    });
    const newest = await get(`${seg(ACTIVE)}/changes?order=newest&limit=3`);
    const newestPage = newest.body as { changes: { seq: number; user_id: string }[]; next_before: number };
    expect(newestPage.changes.map((c) => c.user_id)).toEqual([H, 'ann', 'bob']);
    expect(newestPage).toMatchObject({ next_after: null, next_before: newestPage.changes[2]?.seq });
    const older = await get(`${seg(ACTIVE)}/changes?before=${newestPage.next_before}&limit=100`);
    expect((older.body as { changes: unknown[] }).changes).toHaveLength(9);
    expect(older.body).toMatchObject({ next_before: null });
    const window = await get(`${seg(LAPSING)}/changes?since=2024-02-01&until=2024-02-10T00:00:00Z`);
    expect((window.body as { changes: { user_id: string; change: string }[] }).changes).toEqual([
      expect.objectContaining({ user_id: 'bob', change: 'exited', at: T3.toISOString() }),
      expect.objectContaining({ user_id: 'ann', change: 'entered' }),
      expect.objectContaining({ user_id: 'cy', change: 'entered' }),
    ]);
  });
});

describe('GET /api/segments/:id/members?at=', () => {
  it('answers from the log at a past time, in every format', async () => {
    const json = await get(`${seg(ACTIVE)}/members?at=${encodeURIComponent('2024-01-15T00:00:00Z')}&limit=2`);
    expect(json.body).toEqual({ total: 3, userIds: ['ann', 'bob'], at: '2024-01-15T00:00:00.000Z' });
    const lapsing = await get(`${seg(LAPSING)}/members?at=2024-02-10`);
    expect(lapsing.body).toMatchObject({ total: 3, userIds: ['ann', 'cy', H] });
    const csv = await get(`${seg(ACTIVE)}/members?at=2024-01-10&format=csv`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.body).toBe(`user_id\nann\nbob\n"${H.replaceAll('"', '""')}"\n`);
    const jsonl = await get(`${seg(ACTIVE)}/members?at=2024-02-16&format=jsonl`);
    expect(
      String(jsonl.body)
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([{ user_id: 'ann' }, { user_id: H }]);
    // Without `at`: the last refresh, as before.
    expect((await get(`${seg(ACTIVE)}/members`)).body).toEqual({ total: 2, userIds: ['ann', H] });
  });
});

describe('GET /api/segments/:id/tenure', () => {
  it('reports time in the segment up to asOf, or up to the server clock', async () => {
    const at = await get(`${seg(ACTIVE)}/tenure?asOf=2024-02-20T00:00:00Z&limit=2`);
    expect(at.body).toMatchObject({
      now: '2024-02-20T00:00:00.000Z',
      total: 4,
      users: [
        { user_id: 'ann', entries: 2, re_entries: 1, member: true, total_ms: 31 * DAY },
        { user_id: 'bob', entries: 2, re_entries: 1, member: false, total_ms: 20 * DAY },
      ],
      summary: { users: 4, members_now: 2, re_entry_rate: 0.75, mean_ms: 20.5 * DAY, median_ms: 18 * DAY },
    });
    // Up to the server's NOW (2024-06-01T12:00Z): ann's open interval runs Feb 15 → Jun 1 noon (107.5 days).
    const now = await get(`${seg(ACTIVE)}/tenure?user=ann`);
    expect(now.body).toMatchObject({ total: 1, users: [{ user_id: 'ann', total_ms: 26 * DAY + 107.5 * DAY }] });
    const hostile = await get(`${seg(LAPSING)}/tenure?asOf=2024-02-20&user=${encodeURIComponent(H)}`);
    expect(hostile.body).toMatchObject({ users: [{ user_id: H, entries: 1, member: false, total_ms: 26 * DAY }] });
  });
});

describe('GET /api/segments/:id/sizes', () => {
  it('gives end-of-day sizes and refreshes, by default for the last 90 days', async () => {
    const range = await get(`${seg(ACTIVE)}/sizes?from=2024-01-09&to=2024-01-11T23:00:00Z`);
    expect(range.body).toMatchObject({
      from: '2024-01-09T00:00:00.000Z',
      to: '2024-01-11T00:00:00.000Z',
      days: [
        { day: '2024-01-09', size: 0, entered: 0, exited: 0, recorded: false },
        { day: '2024-01-10', size: 3, entered: 3, exited: 0, recorded: false },
        { day: '2024-01-11', size: 3, entered: 0, exited: 0, recorded: false },
      ],
      refreshes: [{ at: T1.toISOString(), size: 3, entered: 3, exited: 0 }],
    });
    const recent = (await get(`${seg(BUYERS)}/sizes`)).body as { days: { day: string; size: number }[] };
    expect(recent.days).toHaveLength(90);
    expect(recent.days[0]?.day).toBe('2024-03-04');
    expect(recent.days.at(-1)?.day).toBe('2024-06-01');
    expect(recent.days.every((d) => d.size === 1)).toBe(true);
  });
});

describe('GET /api/segments/sizes', () => {
  it('gives the days of many segments at once, as each one’s own sizes route does', async () => {
    const all = await get('/api/segments/sizes?from=2024-01-09&to=2024-02-16');
    expect(all.status).toBe(200);
    const body = all.body as { segments: { segment: { name: string }; days: unknown[]; firstRefreshAt: string }[] };
    expect(body).toMatchObject({ from: '2024-01-09T00:00:00.000Z', to: '2024-02-16T00:00:00.000Z' });
    expect(body.segments.map((s) => s.segment.name)).toEqual([ACTIVE, BUYERS, LAPSING]);
    for (const series of body.segments) {
      const one = await get(`${seg(series.segment.name)}/sizes?from=2024-01-09&to=2024-02-16`);
      expect(series.days, series.segment.name).toEqual((one.body as { days: unknown[] }).days);
      expect(series.firstRefreshAt, series.segment.name).toBe(T1.toISOString());
    }
    // Named, in order: the hostile name escaped in the list, and a repeated parameter; by default the last 90 days.
    const list = [LAPSING, ACTIVE].map(escapeSegmentListItem).join(',');
    const named = await get(`/api/segments/sizes?segments=${encodeURIComponent(list)}&segments=${BUYERS}`);
    const series = (named.body as { segments: { segment: { name: string }; days: { day: string }[] }[] }).segments;
    expect(series.map((s) => s.segment.name)).toEqual([LAPSING, ACTIVE, BUYERS]);
    expect(series.map((s) => [s.days.length, s.days[0]?.day, s.days.at(-1)?.day])).toEqual(
      Array(3).fill([90, '2024-03-04', '2024-06-01']),
    );
  });
});

describe('GET /api/segments/migration', () => {
  it('returns the from→to matrix of a family, hostile names escaped in the list', async () => {
    const list = [BUYERS, ACTIVE, LAPSING].map(escapeSegmentListItem).join(',');
    const reply = await get(
      `/api/segments/migration?segments=${encodeURIComponent(list)}&from=${T2.toISOString()}&to=2024-02-15`,
    );
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      groups: [BUYERS, ACTIVE, LAPSING, '(none)'],
      matrix: [
        [0, 2, 0, 0],
        [0, 0, 0, 1],
        [1, 0, 0, 0],
        [0, 0, 0, 0],
      ],
      overlaps: { from: 2, to: 1 },
      total: 4,
    });
    const repeated = await get(
      `/api/segments/migration?segments=${BUYERS}&segments=${ACTIVE}&from=2024-01-20&to=2024-02-15`,
    );
    expect(repeated.body).toMatchObject({
      matrix: [
        [0, 2, 0],
        [0, 0, 1],
        [1, 0, 0],
      ],
    });
  });

  it('leaves a segment named "migration" reachable under its sub-routes', async () => {
    await createSegment(h.engine, WS, { name: 'migration', rule: { type: 'event', event: 'Visit' } });
    expect((await get('/api/segments/migration/changes')).body).toMatchObject({
      segment: { name: 'migration' },
      changes: [],
    });
  });
});

describe('bad query parameters', () => {
  it('answer 400 with the parameter as the path', async () => {
    const cases: [string, string, string][] = [
      [`${seg(ACTIVE)}/changes?limit=abc`, 'invalid_parameter', 'limit'],
      [`${seg(ACTIVE)}/changes?limit=0`, 'invalid_parameter', 'limit'],
      [`${seg(ACTIVE)}/changes?limit=100001`, 'invalid_parameter', 'limit'],
      [`${seg(ACTIVE)}/changes?after=-1`, 'invalid_parameter', 'after'],
      [`${seg(ACTIVE)}/changes?before=x`, 'invalid_parameter', 'before'],
      [`${seg(ACTIVE)}/changes?order=up`, 'invalid_parameter', 'order'],
      [`${seg(ACTIVE)}/changes?order=newest&after=2`, 'invalid_parameter', 'after'],
      [`${seg(ACTIVE)}/changes?since=yesterday`, 'invalid_parameter', 'since'],
      [`${seg(ACTIVE)}/changes?since=2024-02-01&until=2024-01-01`, 'invalid_range', 'until'],
      [`${seg(ACTIVE)}/members?at=${encodeURIComponent("1' OR '1'='1")}`, 'invalid_parameter', 'at'],
      [`${seg(ACTIVE)}/tenure?limit=-5`, 'invalid_parameter', 'limit'],
      [`${seg(ACTIVE)}/tenure?asOf=2024-02-30`, 'invalid_parameter', 'asOf'],
      [`${seg(ACTIVE)}/sizes?from=2024-02-01&to=2024-01-01`, 'invalid_range', 'to'],
      [`${seg(ACTIVE)}/sizes?from=2000-01-01&to=2024-01-01`, 'range_too_long', 'from'],
      ['/api/segments/sizes?from=2024-02-01&to=2024-01-01', 'invalid_range', 'to'],
      ['/api/segments/sizes?segments=,', 'missing_parameter', 'segments'],
      [`/api/segments/sizes?segments=${Array(501).fill(ACTIVE).join(',')}`, 'too_many_segments', 'segments'],
      ['/api/segments/migration?from=2024-01-01', 'missing_parameter', 'segments'],
      ['/api/segments/migration?segments=,,&from=2024-01-01', 'missing_parameter', 'segments'],
      [`/api/segments/migration?segments=${ACTIVE}`, 'missing_parameter', 'from'],
      [`/api/segments/migration?segments=${ACTIVE},${ACTIVE}&from=2024-01-01`, 'duplicate_segment', 'segments'],
    ];
    for (const [path, code, where] of cases) {
      const reply = await get(path);
      expect(reply.status, path).toBe(400);
      expect(reply.body, path).toEqual({ error: { code, path: where, message: expect.any(String) } });
    }
  });

  it('answer 404 for unknown segments', async () => {
    for (const path of [
      `${seg("Nope'; DROP TABLE segments; --")}/changes`,
      `${seg('Nope')}/tenure`,
      `${seg('Nope')}/sizes`,
      `/api/segments/sizes?segments=${ACTIVE},Nope`,
      `${seg('Nope')}/members?at=2024-01-01`,
      '/api/segments/migration?segments=Nope&from=2024-01-01',
    ]) {
      const reply = await get(path);
      expect(reply.status, path).toBe(404);
      expect(reply.body, path).toMatchObject({ error: { code: 'unknown_segment' } });
    }
  });
});
