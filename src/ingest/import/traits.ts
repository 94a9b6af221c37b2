import type { CellValue, Engine, Row } from '../../engines/engine.js';
import { ident, int, json, type Sql, sql, str } from '../../engines/sql.js';
import { accounts } from '../../store/tables.js';
import { ingestMessages, logIngest } from '../pipeline.js';
import { emptyTraits, mergeTraits, type TraitState } from '../traits.js';
import { planColumns, type SourceColumn } from './columns.js';
import { BATCH_LINES } from './jsonl.js';
import { nullText, nullTimestamp } from './nulls.js';
import { describeSkip, SkipTally } from './skips.js';
import { openSource, reading } from './source.js';
import { countOf, createTemp, dropTemp } from './store.js';
import type { ImportContext, ImportResult } from './types.js';

const STAGED = 'import_traits';
const DAY_MS = 24 * 60 * 60 * 1000;

/** One row of the file: whose traits, set when, to what. */
interface TraitRow {
  readonly line: number;
  readonly subject: string;
  readonly at: Date;
  readonly traits: Record<string, unknown>;
}

/**
 * Stages the file as `(line, subject, row_time_text, row_time, traits)`: the id, the row's time as written and as
 * parsed, and the other columns as one JSON object, so values keep their types (numbers stay numbers).
 */
async function stagedRows(
  tx: Engine,
  kind: 'profiles' | 'accounts',
  context: ImportContext,
  map?: Record<string, string>,
): Promise<Sql> {
  const { dialect } = tx;
  const source = await openSource(tx, context.file, context.format);
  const plan = planColumns(kind, source.columns, map);
  // planColumns has checked that the id column exists.
  const id = (kind === 'profiles' ? plan.fields.userId : plan.fields.accountId) as SourceColumn;
  const at = plan.fields.timestamp;
  const col = (c: SourceColumn) => sql`s.${ident(c.name)}`;
  const text = new Set([id.name]);
  for (const e of plan.extra) if (dialect.valueKind(e.column.type) === 'timestamp') text.add(e.column.name);
  const traits =
    plan.extra.length > 0 ? dialect.jsonObject(plan.extra.map((e) => [e.key, col(e.column)] as const)) : json({});
  const timeText = at ? sql`NULLIF(trim(${dialect.toText(col(at))}), '')` : nullText(dialect);
  const time = at ? dialect.toTimestamp(col(at), dialect.valueKind(at.type)) : nullTimestamp(dialect);
  return sql`SELECT row_number() OVER () + ${int(source.lineOffset)} AS line,
      NULLIF(trim(${dialect.toText(col(id))}), '') AS subject, ${timeText} AS row_time_text, ${time} AS row_time,
      ${traits} AS traits
    FROM ${source.relation(text)} s`;
}

/** Traits without the empty cells: an empty cell says nothing, it does not erase a stored trait. */
function present(traits: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries((traits ?? {}) as Record<string, unknown>)) {
    if (value !== null) out[key] = value;
  }
  return out;
}

/** Profiles: each row becomes an `identify` message, so traits merge exactly as sent over HTTP. */
async function applyProfiles(tx: Engine, context: ImportContext, rows: TraitRow[], skips: SkipTally) {
  if (rows.length === 0) return 0;
  const messages = rows.map((r) => ({
    type: 'identify',
    userId: r.subject,
    traits: r.traits,
    timestamp: r.at.toISOString(),
  }));
  const result = await ingestMessages(tx, messages, {
    workspace: context.workspace,
    now: context.now,
    source: 'import',
    pathOf: (i) => `line ${rows[i]?.line}`,
  });
  for (const rejection of result.rejected) {
    const issue = rejection.issues[0];
    const code = issue?.code ?? 'invalid_message';
    skips.add(code, rows[rejection.index]?.line ?? 0, describeSkip(code, issue?.message));
  }
  return result.accepted;
}

/** Accounts: merged per key by time onto the stored traits, then written back in one statement. */
async function applyAccounts(tx: Engine, context: ImportContext, rows: TraitRow[], skips: SkipTally, staged: Sql) {
  const latest = context.now.getTime() + DAY_MS;
  const kept: TraitRow[] = [];
  for (const r of rows) {
    if (r.at.getTime() > latest) skips.add('timestamp_in_future', r.line);
    else kept.push(r);
  }
  if (kept.length === 0) return 0;
  const w = str(context.workspace);
  const states = new Map<string, TraitState>();
  const stored: Row[] = await tx.query(
    sql`SELECT account_id, traits, trait_times FROM accounts WHERE workspace = ${w} AND account_id IN
          (SELECT subject FROM ${staged} WHERE line >= ${int(kept[0]?.line ?? 0)}
             AND line <= ${int(kept[kept.length - 1]?.line ?? 0)})`,
  );
  for (const row of stored) {
    states.set(String(row['account_id']), {
      traits: (row['traits'] ?? {}) as Record<string, unknown>,
      times: (row['trait_times'] ?? {}) as Record<string, string>,
    });
  }
  for (const r of kept) states.set(r.subject, mergeTraits(states.get(r.subject) ?? emptyTraits, r.traits, r.at));
  const now = new Date();
  const cells = [...states].map(([id, s]): CellValue[] => [context.workspace, id, s.traits, s.times, now]);
  const staging = await tx.stage(accounts, cells);
  await tx.run(tx.dialect.upsert(accounts, sql`SELECT * FROM ${staging}`));
  return kept.length;
}

/**
 * Imports profile or account traits from CSV, Parquet or JSON lines: one row per user (or account), an optional
 * time column (default: now) ordering updates like message times do. All in one transaction.
 */
export function importTraits(
  engine: Engine,
  kind: 'profiles' | 'accounts',
  context: ImportContext,
  map?: Record<string, string>,
): Promise<ImportResult> {
  const table: Sql = kind === 'profiles' ? sql`profiles` : sql`accounts`;
  const missing = kind === 'profiles' ? 'missing_user' : 'missing_account';
  return engine.transaction(async (tx) => {
    context.progress('reading', 0);
    const query = await stagedRows(tx, kind, context, map);
    const staged = await reading(context.file, () => createTemp(tx, STAGED, query));
    const rowsRead = await countOf(tx, sql`SELECT count(*) AS n FROM ${staged}`);
    const countStored = () =>
      countOf(tx, sql`SELECT count(*) AS n FROM ${table} WHERE workspace = ${str(context.workspace)}`);
    const before = await countStored();
    const skips = new SkipTally();
    let applied = 0;
    let done = 0;
    for (let after = 0; ; ) {
      const page = await tx.query(
        sql`SELECT line, subject, row_time_text, row_time, traits FROM ${staged} WHERE line > ${int(after)}
            ORDER BY line LIMIT ${int(BATCH_LINES)}`,
      );
      if (page.length === 0) break;
      const rows: TraitRow[] = [];
      for (const row of page) {
        const line = Number(row['line']);
        const at = row['row_time'] instanceof Date ? row['row_time'] : null;
        if (row['subject'] === null) skips.add(missing, line);
        else if (row['row_time_text'] !== null && at === null) skips.add('invalid_timestamp', line);
        else
          rows.push({ line, subject: String(row['subject']), at: at ?? context.now, traits: present(row['traits']) });
      }
      applied +=
        kind === 'profiles'
          ? await applyProfiles(tx, context, rows, skips)
          : await applyAccounts(tx, context, rows, skips, staged);
      after = Number(page[page.length - 1]?.['line']);
      done += page.length;
      context.progress('storing traits', done, rowsRead);
    }
    const created = (await countStored()) - before;
    await dropTemp(tx, STAGED);
    // Profiles went through the pipeline, which logs each batch; accounts are logged here as one.
    if (kind === 'accounts') {
      await logIngest(tx, context.workspace, 'import', {
        received: rowsRead,
        stored: 0,
        duplicates: 0,
        rejected: skips.total,
      });
    }
    return {
      rowsRead,
      stored: created,
      duplicates: 0,
      skipped: skips.list(),
      reconciled: applied + skips.total === rowsRead,
      accounting: { applied, skipped: skips.total },
    };
  });
}
