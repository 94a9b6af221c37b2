import type { Engine } from '../../engines/engine.js';
import { sql } from '../../engines/sql.js';
import { planColumns, type SourceColumn } from './columns.js';
import { candidateEvents, numberedRows, repeatedRows, resolvedRows, stagedRows } from './events-sql.js';
import { collectSkips, skippedRows } from './skips.js';
import { openSource, reading } from './source.js';
import { createTemp, dropTemp, storeEvents, upsertProfiles } from './store.js';
import type { ImportContext, ImportResult } from './types.js';

const STAGED = 'import_events';
const REPEATS = 'import_repeats';

/**
 * Imports events from a CSV or Parquet file in a handful of set-based statements: stage the parsed rows once, count
 * the skips, number repeated rows, insert the new events, upsert the profiles of their users. Runs inside the
 * caller's transaction, so a failure stores nothing.
 */
export async function importEvents(
  tx: Engine,
  context: ImportContext,
  map: Readonly<Record<string, string>> | undefined,
): Promise<ImportResult> {
  const { workspace, now, file } = context;
  context.progress('reading', 0);
  const source = await openSource(tx, file, context.format);
  const plan = planColumns('events', source.columns, map);
  const { fields } = plan;
  // Ids and names keep their exact text (leading zeros); dates in properties keep the spelling of the file.
  const textColumns = new Set<string>(
    [fields.userId, fields.anonymousId, fields.event, fields.messageId]
      .filter((c): c is SourceColumn => c !== undefined)
      .map((c) => c.name),
  );
  for (const e of plan.extra) if (tx.dialect.valueKind(e.column.type) === 'timestamp') textColumns.add(e.column.name);
  const parsed = { relation: source.relation(textColumns), plan, lineOffset: source.lineOffset };
  // A failure rolls the transaction back, temporary tables included, so they are dropped only on success.
  const staged = await reading(file, () => createTemp(tx, STAGED, stagedRows(tx, parsed, now)));
  const rows = numberedRows(tx, staged, source.lineOffset);
  const [counts] = await tx.query(
    sql`SELECT count(*) AS total, sum(CASE WHEN skip IS NULL THEN 1 ELSE 0 END) AS kept FROM ${staged}`,
  );
  const rowsRead = Number(counts?.['total'] ?? 0);
  const kept = Number(counts?.['kept'] ?? 0);
  const skipped = await collectSkips(tx, rows);
  context.progress('storing events', rowsRead, rowsRead);
  const repeats = await createTemp(tx, REPEATS, repeatedRows(tx, rows));
  const resolved = resolvedRows(rows, plan, workspace);
  const stored = await storeEvents(tx, workspace, now, candidateEvents(resolved, repeats));
  context.progress('updating profiles', rowsRead, rowsRead);
  await upsertProfiles(tx, workspace, now, sql`(SELECT user_id, ts FROM ${resolved} k WHERE user_id IS NOT NULL)`);
  await dropTemp(tx, REPEATS, STAGED);

  const skippedCount = skippedRows(skipped);
  const duplicates = kept - stored;
  return {
    rowsRead,
    stored,
    duplicates,
    skipped,
    reconciled: kept + skippedCount === rowsRead && duplicates >= 0,
    accounting: { stored, duplicates, skipped: skippedCount },
  };
}
