import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRuns } from '../../src/analytics/runs.js';
import { loadDemo } from '../../src/demo/index.js';
import { prepareDemoWorkspace, STARTER_SEGMENTS } from '../../src/demo/starter.js';
import type { Engine } from '../../src/engines/engine.js';
import { sql, str } from '../../src/engines/sql.js';
import { segmentSizes } from '../../src/live/history/sizes.js';
import { listMembers, previewCount } from '../../src/segments/query.js';
import { createSegment, listSegments } from '../../src/segments/store.js';
import { parseRule } from '../../src/segments/text/index.js';
import { memoryEngine, WS } from '../helpers.js';

// As the demo does by default: history up to the start of today, so windows like "in last 90d" hold users now.
const END = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000);
const WEEK_MS = 7 * 86_400_000;

describe('the demo starter kit', () => {
  let engine: Engine;
  let summary: Awaited<ReturnType<typeof prepareDemoWorkspace>>;
  beforeAll(async () => {
    engine = await memoryEngine();
    await loadDemo(engine, { users: 600, seed: 7, end: END, workspace: WS });
    summary = await prepareDemoWorkspace(engine, WS, { end: END });
  }, 120_000);
  afterAll(async () => {
    await engine.close();
  });

  it('fits the three models and saves every starter segment, each with the members its rule selects', async () => {
    expect(summary).toEqual({ segments: STARTER_SEGMENTS.length, models: ['clv', 'churn', 'cluster'] });
    const saved = await listSegments(engine, WS);
    expect(saved.map((s) => s.name).sort()).toEqual(STARTER_SEGMENTS.map((s) => s.name).sort());
    for (const starter of STARTER_SEGMENTS) {
      const parsed = parseRule(starter.text);
      if (!parsed.ok) throw new Error(starter.text);
      const segment = saved.find((s) => s.name === starter.name);
      const members = await listMembers(engine, WS, segment?.id ?? '', { limit: 0, offset: 0 });
      const now = await previewCount(engine, WS, parsed.rule);
      expect(members.total, starter.name).toBe(now.count);
    }
    // A demo worth opening: most starter segments hold someone.
    const sizes = await Promise.all(saved.map((s) => listMembers(engine, WS, s.id, { limit: 0, offset: 0 })));
    expect(sizes.filter((page) => page.total > 0).length).toBeGreaterThanOrEqual(8);
  });

  it('refreshes the segments as of each of the last eight weeks, so sizes have a history', async () => {
    const [segment] = (await listSegments(engine, WS)).filter((s) => s.name === 'Inactive 30 days');
    const history = await segmentSizes(engine, WS, segment?.id ?? '', {
      from: new Date(END.getTime() - 9 * WEEK_MS),
      to: new Date(),
    });
    const asOfs = history.refreshes.map((r) => r.at.toISOString());
    for (let week = 8; week >= 1; week -= 1) {
      expect(asOfs).toContain(new Date(END.getTime() - week * WEEK_MS).toISOString());
    }
  });

  it('computes the traits as of each of the last six months, so migrations have a history', async () => {
    const rows = await engine.query(
      sql`SELECT DISTINCT "at" FROM trait_changes WHERE workspace = ${str(WS)} AND trait = ${str('rfm_segment')}`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(6);
    const runs = await listRuns(engine, WS, { kind: 'traits' });
    expect(runs.filter((r) => r.status === 'succeeded')).toHaveLength(7);
  });

  it('never touches a workspace that has segments of its own', async () => {
    const other = await memoryEngine();
    await loadDemo(other, { users: 40, seed: 7, end: END, workspace: WS });
    await createSegment(other, WS, { name: 'Mine', rule: { type: 'event', event: 'Order Completed' } });
    expect(await prepareDemoWorkspace(other, WS, { end: END })).toEqual({ segments: 0, models: [] });
    expect((await listSegments(other, WS)).map((s) => s.name)).toEqual(['Mine']);
    expect(await listRuns(other, WS, {})).toEqual([]);
    await other.close();
  });
});
