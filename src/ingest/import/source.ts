import type { Engine } from '../../engines/engine.js';
import { type Sql, sql } from '../../engines/sql.js';
import { UserError } from '../../errors.js';
import type { SourceColumn } from './columns.js';
import type { ImportFormat } from './types.js';

/** A file the engine reads as a table: its columns, and the relation to select from. */
export interface Source {
  readonly columns: readonly SourceColumn[];
  /**
   * The file as a relation, the named columns read as text (ids keep leading zeros, dates keep their spelling).
   * Rows come in file order, so `row_number() OVER ()` numbers them as they appear.
   */
  relation(textColumns?: ReadonlySet<string>): Sql;
  /** Added to a 1-based row number to give the line in the file (the header and skipped lines before data). */
  readonly lineOffset: number;
}

/**
 * Runs work that reads the file, reporting the engine's complaint (bad quoting, a value that does not fit the
 * detected type, a corrupt Parquet file) as a user error that names the file.
 */
export async function reading<T>(file: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UserError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    const detail = message.split('\n').slice(0, 3).join(' ').trim();
    throw new UserError('unreadable_file', `cannot read ${file}: ${detail}`, 'file');
  }
}

async function describe(engine: Engine, relation: Sql): Promise<SourceColumn[]> {
  const rows = await engine.query(engine.dialect.describe(sql`SELECT * FROM ${relation}`));
  return rows.map((row) => ({ name: String(row['name']), type: String(row['type']) }));
}

/** Opens a CSV, Parquet or JSON-lines file as a table, letting the engine detect its layout and types. */
export function openSource(engine: Engine, file: string, format: ImportFormat): Promise<Source> {
  const { dialect } = engine;
  return reading(file, async () => {
    if (format === 'parquet') {
      const relation = dialect.readParquet(file);
      return { columns: await describe(engine, relation), relation: () => relation, lineOffset: 0 };
    }
    if (format === 'jsonl') {
      const relation = dialect.readJsonLines(file);
      return { columns: await describe(engine, relation), relation: () => relation, lineOffset: 0 };
    }
    const [sniffed] = await engine.query(dialect.sniffCsv(file));
    const header = sniffed?.['has_header'] === true;
    const skipRows = Number(sniffed?.['skip_rows'] ?? 0);
    const columns = await describe(engine, dialect.readCsv(file, { header, skipRows }));
    return {
      columns,
      relation(textColumns: ReadonlySet<string> = new Set<string>()) {
        const types = columns.map((c) => (textColumns.has(c.name) ? dialect.textType : c.type));
        const overridden = columns.some((c) => textColumns.has(c.name) && c.type !== dialect.textType);
        const names = columns.map((c) => c.name);
        return dialect.readCsv(file, overridden ? { header, skipRows, types, names } : { header, skipRows });
      },
      lineOffset: skipRows + (header ? 1 : 0),
    };
  });
}
