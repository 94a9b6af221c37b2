import { join } from 'node:path';
import { openChdbEngine } from '../../src/engines/chdb/connection.js';
import type { Engine } from '../../src/engines/engine.js';
import { openEngine } from '../../src/engines/open.js';
import { type Sql, sql } from '../../src/engines/sql.js';
import { lower } from '../../src/segments/ir/lower.js';
import { compileMembers } from '../../src/segments/sql/compile.js';
import { copyStore } from '../../src/store/migrate/copy.js';
import { type Measurement, time, type Workload } from '../harness.js';
import { BENCH_AS_OF, generateSegmentData } from './segment-data.js';
import { cases, lookup, median } from './segments.js';

/** Forces the whole membership to be computed, in SQL both engines read alike. */
const counted = (members: Sql) => sql`SELECT count(*) AS n, max(user_id) AS last FROM (${members}) AS m`;

async function members(engine: Engine, query: Sql): Promise<string[]> {
  const rows = await engine.query(query);
  return rows.map((row) => String(row['user_id'])).sort();
}

/**
 * The segment suite on both engines over the same data: generated into DuckDB, moved to chDB with `strata migrate`'s
 * copy (itself measured), then each segment compiled for each engine, checked to give the same members on both, and
 * timed on each. The baseline of a chDB figure is the DuckDB figure for the same segment.
 */
export const enginesWorkload: Workload = {
  name: 'engines',
  description:
    'the 20 segments of `segments` on DuckDB and on ClickHouse (chDB) over the same data (default 1M users / 20M events), side by side',
  async run({ size = 1_000_000, workdir }) {
    const duck = await openEngine({ db: join(workdir, 'engines.duckdb') });
    const chdb = await openChdbEngine({ path: join(workdir, 'chdb') });
    const events = size * 20;
    try {
      const generated = await time(() => generateSegmentData(duck, size, events));
      console.error(
        `generated ${size.toLocaleString('en-US')} users, ${events.toLocaleString('en-US')} events in ${generated.seconds.toFixed(1)} s`,
      );
      const copied = await time(() => copyStore(duck, chdb, { batchRows: 100_000 }));
      const rows = copied.result.reduce((sum, c) => sum + c.read, 0);
      console.error(`copied ${rows.toLocaleString('en-US')} rows to chDB in ${copied.seconds.toFixed(1)} s`);
      const out: Measurement[] = [
        {
          name: 'strata migrate: copy DuckDB → chDB (all tables)',
          rows,
          seconds: copied.seconds,
          baseline: { name: 'generating the data in DuckDB', seconds: generated.seconds },
          notes: `${Math.round(rows / copied.seconds).toLocaleString('en-US')} rows/s`,
        },
      ];
      for (const c of cases) {
        const lowered = lower(c.rule, { asOf: BENCH_AS_OF, segment: lookup });
        if (!lowered.ok) throw new Error(`${c.name}: ${JSON.stringify(lowered.issues)}`);
        const onDuck = compileMembers(lowered.ir, duck.dialect, { workspace: 'default' });
        const onChdb = compileMembers(lowered.ir, chdb.dialect, { workspace: 'default' });
        const [a, b] = [await members(duck, onDuck), await members(chdb, onChdb)];
        if (a.length !== b.length || a.some((user, i) => user !== b[i])) {
          throw new Error(`${c.name}: ${a.length} members on DuckDB, ${b.length} on chDB: not the same answer`);
        }
        const seconds = await median(() => chdb.query(counted(onChdb)));
        const baseline = await median(() => duck.query(counted(onDuck)));
        out.push({
          name: c.name,
          rows: events,
          seconds,
          baseline: { name: 'the same segment on DuckDB', seconds: baseline },
          notes: `${a.length.toLocaleString('en-US')} members on both; chDB ${seconds.toFixed(3)} s vs DuckDB ${baseline.toFixed(3)} s`,
        });
      }
      return out;
    } finally {
      await chdb.close();
      await duck.close();
    }
  },
};
