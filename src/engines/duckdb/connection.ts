import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBInstance,
  DuckDBTimestampValue,
  type DuckDBType,
  type DuckDBValue,
  LIST,
  listValue,
  VARCHAR,
} from '@duckdb/node-api';
import { UserError } from '../../errors.js';
import type { Column, Table } from '../../store/tables.js';
import type { CellValue, Engine, Row } from '../engine.js';
import { Mutex } from '../mutex.js';
import { ident, type Param, render, type Sql } from '../sql.js';
import { duckdbFullDialect } from './segment-dialect.js';

export interface DuckDBOptions {
  /** A file path, or `:memory:`. */
  readonly path: string;
  /** Worker threads for DuckDB; default: all cores. */
  readonly threads?: number;
  readonly memoryLimit?: string;
}

/** `2024-05-01 10:00:00.123` in UTC: the one text form DuckDB's TIMESTAMP parses without a time zone. */
export function timestampText(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

function bindValue(param: Param): [DuckDBValue, DuckDBType] {
  const { value } = param;
  if (value === null) return [null, VARCHAR];
  switch (param.type) {
    case 'string':
    case 'json':
      return [String(value), VARCHAR];
    case 'double':
      return [Number(value), DOUBLE];
    case 'bigint':
      return [BigInt(value as number), BIGINT];
    case 'boolean':
      return [Boolean(value), BOOLEAN];
    case 'timestamp':
      return [timestampText(value as Date), VARCHAR];
    case 'string[]':
      return [listValue([...(value as readonly string[])]), LIST(VARCHAR)];
  }
}

function normaliseValue(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(normaliseValue);
  return value;
}

/** The names of the columns of DuckDB's JSON type, whose text values are parsed. */
function jsonColumns(names: readonly string[], types: readonly DuckDBType[]): Set<string> {
  return new Set(names.filter((_, i) => types[i]?.alias === 'JSON'));
}

/** A row as the engine returns it: JSON columns parsed, other values normalised. */
function normaliseRow(row: Readonly<Record<string, unknown>>, jsonColumns: ReadonlySet<string>): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) {
    out[key] = jsonColumns.has(key) && typeof value === 'string' ? JSON.parse(value) : normaliseValue(value);
  }
  return out;
}

function appendCell(appender: DuckDBAppender, column: Column, value: CellValue): void {
  if (value === null || value === undefined) {
    appender.appendNull();
    return;
  }
  switch (column.type) {
    case 'string':
      appender.appendVarchar(String(value));
      return;
    case 'json':
      appender.appendVarchar(typeof value === 'string' ? value : JSON.stringify(value));
      return;
    case 'double':
      appender.appendDouble(Number(value));
      return;
    case 'bigint':
      appender.appendBigInt(BigInt(value as number));
      return;
    case 'boolean':
      appender.appendBoolean(Boolean(value));
      return;
    case 'timestamp':
      appender.appendTimestamp(new DuckDBTimestampValue(BigInt((value as Date).getTime()) * 1000n));
      return;
  }
}

/**
 * DuckDB, embedded: one file, one writing process. Reads use their own connection so they never wait on writes.
 * Segment membership has a writer connection of its own (`segmentsLane`): DuckDB runs transactions of several
 * connections concurrently (optimistic concurrency), and membership never writes the tables ingestion writes.
 */
export class DuckDBEngine implements Engine {
  readonly dialect = duckdbFullDialect;
  private readonly mutex = new Mutex();
  readonly segmentsLane: DuckDBEngine | undefined;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly writer: DuckDBConnection,
    private readonly reader: DuckDBConnection,
    lane: DuckDBConnection | null,
    /** Reads in progress on the shared reader connection, by this engine and its lane. */
    private readonly reads: Set<Promise<unknown>> = new Set(),
  ) {
    this.segmentsLane = lane ? new DuckDBEngine(instance, lane, reader, null, reads) : undefined;
    this.owner = lane !== null;
  }

  /** The engine that opened the instance closes it; its lane only closes with it. */
  private readonly owner: boolean;

  static async open(options: DuckDBOptions): Promise<DuckDBEngine> {
    const config: Record<string, string> = {};
    if (options.threads) config['threads'] = String(options.threads);
    if (options.memoryLimit) config['memory_limit'] = options.memoryLimit;
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(options.path, config);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (/lock/i.test(message)) {
        throw new UserError(
          'database_locked',
          `${options.path} is in use by another process (DuckDB allows one writer): ${message.split('\n')[0]}`,
          'db',
          409,
        );
      }
      throw error;
    }
    const writer = await instance.connect();
    const reader = await instance.connect();
    const lane = await instance.connect();
    for (const connection of [writer, reader, lane]) await connection.run(`SET TimeZone = 'UTC'`);
    return new DuckDBEngine(instance, writer, reader, lane);
  }

  query(query: Sql): Promise<Row[]> {
    const read = this.read(this.reader, query);
    this.reads.add(read);
    const done = () => this.reads.delete(read);
    read.then(done, done);
    return read;
  }

  run(query: Sql): Promise<number> {
    return this.mutex.run(() => this.write(this.writer, query));
  }

  stage(table: Table, rows: readonly (readonly CellValue[])[]): Promise<Sql> {
    return this.mutex.run(() => this.stageOn(this.writer, table, rows));
  }

  transaction<T>(work: (tx: Engine) => Promise<T>): Promise<T> {
    return this.mutex.run(async () => {
      const connection = this.writer;
      await connection.run('BEGIN TRANSACTION');
      const tx: Engine = {
        dialect: this.dialect,
        query: (q) => this.read(connection, q),
        run: (q) => this.write(connection, q),
        stage: (table, rows) => this.stageOn(connection, table, rows),
        transaction: (inner) => inner(tx),
        close: async () => {},
      };
      try {
        const result = await work(tx);
        await connection.run('COMMIT');
        return result;
      } catch (error) {
        await connection.run('ROLLBACK');
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    if (!this.owner) return;
    // Closing a connection while a query still runs on it blocks the main thread inside DuckDB (seen as a server
    // that never finished stopping): the reads in progress finish first.
    while (this.reads.size > 0) await Promise.allSettled([...this.reads]);
    const lane = this.segmentsLane;
    if (lane) await lane.mutex.run(async () => lane.writer.closeSync());
    await this.mutex.run(async () => {
      this.reader.closeSync();
      this.writer.closeSync();
      this.instance.closeSync();
    });
  }

  async *scan(query: Sql, batchRows: number): AsyncIterable<Row[]> {
    // A connection of its own: a pending streamed result would be cut short by the next query on its connection.
    const connection = await this.instance.connect();
    try {
      await connection.run(`SET TimeZone = 'UTC'`);
      const result = await connection.stream(...this.prepare(query));
      const json = jsonColumns(result.columnNames(), result.columnTypes());
      let batch: Row[] = [];
      for await (const rows of result.yieldRowObjectJs()) {
        for (const row of rows) batch.push(normaliseRow(row, json));
        if (batch.length >= batchRows) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    } finally {
      connection.closeSync();
    }
  }

  /** A query's text with its bound values and their types, as the driver takes them. */
  private prepare(query: Sql): [string, DuckDBValue[], DuckDBType[]] {
    const { text, params } = render(query, this.dialect);
    const bound = params.map(bindValue);
    return [text, bound.map(([value]) => value), bound.map(([, type]) => type)];
  }

  private async read(connection: DuckDBConnection, query: Sql): Promise<Row[]> {
    const reader = await connection.runAndReadAll(...this.prepare(query));
    const json = jsonColumns(reader.columnNames(), reader.columnTypes());
    return reader.getRowObjectsJS().map((row) => normaliseRow(row, json));
  }

  private async write(connection: DuckDBConnection, query: Sql): Promise<number> {
    const result = await connection.run(...this.prepare(query));
    return result.rowsChanged;
  }

  private async stageOn(
    connection: DuckDBConnection,
    table: Table,
    rows: readonly (readonly CellValue[])[],
  ): Promise<Sql> {
    const name = `staging_${table.name}`;
    const quoted = this.dialect.quoteIdent(name);
    await connection.run(
      `CREATE TEMP TABLE IF NOT EXISTS ${quoted} AS SELECT * FROM ${this.dialect.quoteIdent(table.name)} LIMIT 0`,
    );
    await connection.run(`DELETE FROM ${quoted}`);
    const appender = await connection.createAppender(name, 'main', 'temp');
    try {
      for (const row of rows) {
        table.columns.forEach((column, i) => {
          appendCell(appender, column, row[i] ?? null);
        });
        appender.endRow();
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    return ident(name);
  }
}
