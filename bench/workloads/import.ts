import { join } from 'node:path';
import { DuckDBEngine } from '../../src/engines/duckdb/connection.js';
import { openEngine } from '../../src/engines/open.js';
import { sql, str } from '../../src/engines/sql.js';
import { importFile } from '../../src/ingest/import/index.js';
import { type Measurement, time, type Workload } from '../harness.js';

const DEFAULT_ROWS = 2_000_000;

/** Writes a realistic events file: 100k users, 20 event names, a price and a category per row. */
async function makeFile(path: string, rows: number, format: 'csv' | 'parquet'): Promise<void> {
  const engine = await DuckDBEngine.open({ path: ':memory:' });
  const copyFormat = format === 'csv' ? sql`(FORMAT csv, HEADER)` : sql`(FORMAT parquet)`;
  await engine.run(
    sql`COPY (SELECT 'm' || i AS message_id, 'u' || (i % 100000) AS user_id,
               CASE WHEN i % 20 = 0 THEN 'Order Completed' ELSE 'Event ' || (i % 20) END AS event,
               TIMESTAMP '2024-01-01' + to_seconds(i * 10) AS timestamp,
               round((i % 1000) / 7.0, 2) AS revenue, 'category ' || (i % 7) AS category
             FROM range(${str(String(rows))}::BIGINT) r(i)) TO ${str(path)} ${copyFormat}`,
  );
  await engine.close();
}

/** The hand-written baseline: DuckDB loading the same file into a plain table with the same columns. */
async function baseline(path: string, format: 'csv' | 'parquet'): Promise<number> {
  const engine = await DuckDBEngine.open({ path: ':memory:' });
  const source = format === 'csv' ? sql`read_csv(${str(path)})` : sql`read_parquet(${str(path)})`;
  const { seconds } = await time(() =>
    engine.run(
      sql`CREATE TABLE plain AS SELECT 'default' AS workspace, message_id, user_id, event AS name, timestamp AS ts,
            json_object('category', category, 'revenue', revenue) AS properties, revenue FROM ${source}`,
    ),
  );
  await engine.close();
  return seconds;
}

export const importWorkload: Workload = {
  name: 'import',
  description: `bulk import of events from CSV and Parquet (--size rows, default ${DEFAULT_ROWS.toLocaleString('en-US')})`,
  async run({ size = DEFAULT_ROWS, workdir }) {
    const out: Measurement[] = [];
    for (const format of ['csv', 'parquet'] as const) {
      const file = join(workdir, `events.${format}`);
      await makeFile(file, size, format);
      const baseSeconds = await baseline(file, format);
      const engine = await openEngine({ db: join(workdir, `import-${format}.duckdb`) });
      const { seconds, result } = await time(() => importFile(engine, { workspace: 'default', file }));
      const again = await time(() => importFile(engine, { workspace: 'default', file }));
      await engine.close();
      const rate = Math.round(size / seconds);
      out.push({
        name: `strata import ${format}`,
        rows: size,
        seconds,
        baseline: { name: `CREATE TABLE AS SELECT from ${format}`, seconds: baseSeconds },
        notes: `${rate.toLocaleString('en-US')} rows/s (target ≥ 500,000); stored ${result.stored.toLocaleString('en-US')}`,
      });
      out.push({
        name: `re-import ${format} (all duplicates)`,
        rows: size,
        seconds: again.seconds,
        baseline: { name: `CREATE TABLE AS SELECT from ${format}`, seconds: baseSeconds },
        notes: `stored ${again.result.stored}, duplicates ${again.result.duplicates.toLocaleString('en-US')}`,
      });
    }
    return out;
  },
};
