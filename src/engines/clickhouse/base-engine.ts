import { randomUUID } from 'node:crypto';
import type { Table } from '../../store/tables.js';
import type { Dialect } from '../dialect.js';
import type { CellValue, Engine, Row } from '../engine.js';
import { Mutex } from '../mutex.js';
import type { SegmentDialect } from '../segment-dialect.js';
import { ident, render, type Sql } from '../sql.js';
import { checkClusterName, createTable, localName, SHARDING } from './ddl.js';
import { clickhouseDialect, quoteIdent } from './dialect.js';
import { type BoundValue, bindParams, type CompactResult, insertRow, normaliseRows } from './values.js';

/** How an engine of the ClickHouse family reaches the server: in-process (chDB) or over HTTP. */
export interface Transport {
  /** Whether `command` returns the rows an INSERT wrote (HTTP summaries do, chDB does not). */
  readonly reportsInsertedRows: boolean;
  /** Runs a query and returns its result in the `JSONCompact` format. */
  select(text: string, params: Readonly<Record<string, BoundValue>>): Promise<CompactResult>;
  /** Runs a statement; returns the rows it wrote when the server reports them, else null. */
  command(text: string, params: Readonly<Record<string, BoundValue>>): Promise<number | null>;
  /** Appends rows (JSONEachRow objects) to a table; values never pass through SQL text. */
  insert(table: string, rows: readonly Record<string, unknown>[]): Promise<void>;
  close(): Promise<void>;
}

/** The table a statement writes to, for counting the rows it changed: `INSERT INTO x …` or `DELETE FROM x …`. */
const WRITE = /^\s*(INSERT\s+INTO|DELETE\s+FROM)\s+("(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`|[A-Za-z_][A-Za-z0-9_.]*)/i;

/**
 * An `Engine` over ClickHouse SQL, shared by chDB and the HTTP client: the dialect, parameter binding, result
 * normalisation, staging and write serialisation are the same; only the transport differs.
 *
 * Transactions: ClickHouse has no multi-statement transactions. `transaction` gives `work` exclusive use of the
 * writer (every `run`/`stage` of this engine waits), so statements do not interleave with other writers of this
 * engine, but a failure part-way leaves the statements already run in place: there is no rollback.
 */
export class ClickHouseBaseEngine implements Engine {
  readonly dialect: Dialect & SegmentDialect;
  private readonly mutex = new Mutex();
  /** Staging tables are per engine instance, so two processes sharing a server do not empty each other's. */
  private readonly stagePrefix = `strata_stage_${randomUUID().replaceAll('-', '').slice(0, 12)}_`;
  private readonly staged = new Set<string>();
  private readonly unlocked: Engine;

  /**
   * @param cluster On a cluster, tables are created replicated and sharded (ddl.ts), and a DELETE from a sharded
   * table is sent to its shard-local tables on every server (a `Distributed` table takes inserts and reads only).
   */
  protected constructor(
    private readonly transport: Transport,
    private readonly cluster?: string,
  ) {
    this.dialect = cluster
      ? { ...clickhouseDialect, createTable: (table) => createTable(table, checkClusterName(cluster)) }
      : clickhouseDialect;
    this.unlocked = {
      dialect: this.dialect,
      query: (q) => this.query(q),
      run: (q) => this.write(q),
      stage: (table, rows) => this.stageRows(table, rows),
      transaction: (inner) => inner(this.unlocked),
      close: async () => {},
    };
  }

  async query(query: Sql): Promise<Row[]> {
    const { text, params } = render(query, this.dialect);
    return normaliseRows(await this.transport.select(text, bindParams(params)));
  }

  run(query: Sql): Promise<number> {
    return this.mutex.run(() => this.write(query));
  }

  stage(table: Table, rows: readonly (readonly CellValue[])[]): Promise<Sql> {
    return this.mutex.run(() => this.stageRows(table, rows));
  }

  transaction<T>(work: (tx: Engine) => Promise<T>): Promise<T> {
    return this.mutex.run(() => work(this.unlocked));
  }

  async close(): Promise<void> {
    await this.mutex.run(async () => {
      try {
        for (const name of this.staged) await this.transport.command(`DROP TABLE IF EXISTS ${quoteIdent(name)}`, {});
      } finally {
        await this.transport.close();
      }
    });
  }

  /**
   * Runs a statement and returns the rows it changed. ClickHouse reports written rows only over HTTP and never for
   * a DELETE, so the count is taken around the statement (writes are serialised, so nothing of ours interleaves):
   * an INSERT by stored rows without `FINAL` (exact, unless a background merge of a ReplacingMergeTree collapses
   * duplicates in between: then it undercounts), a DELETE by the rows its condition matches just before it runs
   * (with `FINAL`: one per key). Other statements report 0.
   */
  private async write(query: Sql): Promise<number> {
    const { text, params } = render(query, this.dialect);
    const bound = bindParams(params);
    const target = WRITE.exec(text);
    if (!target) {
      await this.transport.command(text, bound);
      return 0;
    }
    const insert = /^INSERT/i.test(target[1] ?? '');
    if (insert && this.transport.reportsInsertedRows) {
      const written = await this.transport.command(text, bound);
      if (written === null) {
        throw new Error(
          'internal error: the INSERT ran, but the server sent no X-ClickHouse-Summary to count its rows',
        );
      }
      return written;
    }
    if (!insert) {
      // The rows a DELETE removes are the rows its condition matches beforehand (one per key: reads are FINAL).
      // Counting those, not the whole table twice, lets the index skip what the condition rules out.
      const matched = await this.transport.select(
        `SELECT count() FROM ${target[2]}${text.slice(target[0].length)}`,
        bound,
      );
      await this.transport.command(
        this.waitIfNeeded(this.onShards(text, target[0], target[2] ?? ''), target[2] ?? ''),
        bound,
      );
      return Number(matched.data[0]?.[0] ?? 0);
    }
    const count = async () => {
      const result = await this.transport.select(`SELECT count() FROM ${target[2]} SETTINGS final = 0`, {});
      return Number(result.data[0]?.[0] ?? 0);
    };
    const before = await count();
    await this.transport.command(text, bound);
    return (await count()) - before;
  }

  /**
   * A DELETE with a subquery in its condition, made to finish before it returns: reads apply pending deletes on the
   * fly (settings.ts), which ClickHouse refuses for a condition that reads another table, and would then refuse
   * every read of the table until the delete is done. Simple conditions (`has(list, x)`, comparisons on the table's
   * own columns, unqualified) stay fast.
   */
  private waitIfNeeded(text: string, table: string): string {
    // Column names qualified by the table (`events.user_id`) are not found when the delete is applied on the fly
    // either; such a delete waits too.
    const name = table.replace(/^["`]|["`]$/g, '');
    const qualified = text.includes(`${table}.`) || text.includes(`${name}.`);
    return qualified || /\bSELECT\b/i.test(text) ? `${text} SETTINGS lightweight_deletes_sync = 2` : text;
  }

  /** A DELETE from a sharded table, rewritten to delete from its shard-local tables across the cluster. */
  private onShards(text: string, head: string, table: string): string {
    const name = table.replace(/^["`]|["`]$/g, '');
    if (!this.cluster || SHARDING[name] === undefined) return text;
    const local = `DELETE FROM ${quoteIdent(localName(name))} ON CLUSTER ${quoteIdent(this.cluster)}`;
    return local + text.slice(head.length);
  }

  /** Fills this engine's Memory-engine copy of `table` (emptied first) and returns its name. */
  private async stageRows(table: Table, rows: readonly (readonly CellValue[])[]): Promise<Sql> {
    const name = `${this.stagePrefix}${table.name}`;
    const quoted = quoteIdent(name);
    if (!this.staged.has(name)) {
      await this.transport.command(
        `CREATE TABLE IF NOT EXISTS ${quoted} AS ${quoteIdent(table.name)} ENGINE = Memory`,
        {},
      );
      this.staged.add(name);
    }
    await this.transport.command(`TRUNCATE TABLE ${quoted}`, {});
    if (rows.length > 0)
      await this.transport.insert(
        name,
        rows.map((row) => insertRow(table, row)),
      );
    return ident(name);
  }
}
