import { join } from 'node:path';
import { openEngine } from '../../src/engines/open.js';
import { sql } from '../../src/engines/sql.js';
import { DAY_MS, segmentSizes, segmentSizesMany } from '../../src/live/history/sizes.js';
import { refreshSegment } from '../../src/segments/refresh.js';
import { createSegment } from '../../src/segments/store.js';
import type { Measurement, Workload } from '../harness.js';
import { BENCH_AS_OF, generateSegmentData } from './segment-data.js';
import { cases, median } from './segments.js';

const USERS = 50_000;
const EVENTS_PER_USER = 20;
const SEGMENTS = 200;
const WEEKS = 8;
const DAYS = 30;

/**
 * The dashboard overview's size trends: the last 30 days of 200 segments, each refreshed weekly for eight weeks. One
 * `segmentSizesMany` for the workspace (`GET /api/segments/sizes`), against the baseline of one `segmentSizes` per
 * segment (`GET /api/segments/{id}/sizes`, what the overview asked before).
 */
export const overviewWorkload: Workload = {
  name: 'overview',
  description: "the overview's 30-day size trends of 200 segments: one batched query set vs one per segment",
  async run({ workdir, size }) {
    const users = size ?? USERS;
    const engine = await openEngine({ db: join(workdir, 'overview.duckdb') });
    try {
      await generateSegmentData(engine, users, users * EVENTS_PER_USER);
      // Rules that stand alone: the segment-reference case names a segment this workload does not make.
      const rules = cases.filter((c) => !JSON.stringify(c.rule).includes('"type":"segment"'));
      const ids: string[] = [];
      for (let i = 0; i < SEGMENTS; i++) {
        const c = rules[i % rules.length];
        if (!c) throw new Error('no segment cases');
        ids.push((await createSegment(engine, 'default', { name: `${c.name} #${i}`, rule: c.rule })).id);
      }
      for (let week = WEEKS - 1; week >= 0; week--) {
        const asOf = new Date(BENCH_AS_OF.getTime() - week * 7 * DAY_MS);
        for (const id of ids) await refreshSegment(engine, 'default', id, { asOf });
      }
      const range = { from: new Date(BENCH_AS_OF.getTime() - (DAYS - 1) * DAY_MS), to: BENCH_AS_OF };
      // Both give the same days for every segment before either is timed.
      const many = await segmentSizesMany(engine, 'default', range);
      for (const series of many.segments) {
        const one = await segmentSizes(engine, 'default', series.segment.id, range);
        if (JSON.stringify(one.days) !== JSON.stringify(series.days))
          throw new Error(`${series.segment.name}: the batched days differ from the segment's own`);
      }
      const [changes] = await engine.query(sql`SELECT count(*) AS n FROM segment_changes`);
      const batched = await median(() => segmentSizesMany(engine, 'default', range));
      const perSegment = await median(async () => {
        for (const id of ids) await segmentSizes(engine, 'default', id, range);
      });
      return [
        {
          name: `size trends of ${SEGMENTS} segments over ${DAYS} days, one request`,
          rows: SEGMENTS,
          seconds: batched,
          baseline: { name: 'one request per segment', seconds: perSegment },
          notes: `${users.toLocaleString('en-US')} users, ${Number(changes?.['n'] ?? 0).toLocaleString('en-US')} logged changes from ${WEEKS} weekly refreshes; identical days checked for every segment; median of 3`,
        } satisfies Measurement,
      ];
    } finally {
      await engine.close();
    }
  },
};
