import { Session } from 'chdb';
import { UserError } from '../../errors.js';
import { withSchema } from '../../store/migrations.js';
import { ClickHouseBaseEngine, type Transport } from '../clickhouse/base-engine.js';
import { settingsArgs } from '../clickhouse/settings.js';
import type { BoundValue, CompactResult } from '../clickhouse/values.js';
import type { Engine } from '../engine.js';

export interface ChdbOptions {
  /** The data directory; a temporary one (removed on close) when absent. */
  readonly path?: string;
}

/**
 * chDB: ClickHouse as a library, in this process. Its limits, which this engine inherits:
 * - libchdb binds one data directory per process. Engines on the same path share it; opening another path while
 *   one is open fails (a temporary directory is a path of its own, so two temporary engines cannot be open at once).
 * - Queries with bound parameters are serialised inside the `chdb` package (one global chain), so reads do not run
 *   in parallel with each other.
 * - Results carry no written-row counts, so `run` counts rows around a write (see `ClickHouseBaseEngine.write`).
 */
class ChdbTransport implements Transport {
  readonly reportsInsertedRows = false;

  constructor(private readonly session: Session) {}

  async select(text: string, params: Readonly<Record<string, BoundValue>>): Promise<CompactResult> {
    const result = await this.session.queryBindAsync(text, params, { format: 'JSONCompact' });
    return result.json<CompactResult>();
  }

  async command(text: string, params: Readonly<Record<string, BoundValue>>): Promise<number | null> {
    await this.session.queryBindAsync(text, params, { format: 'CSV' });
    return null;
  }

  async insert(table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
    // The raw insert hands the JSONEachRow payload to ClickHouse's parser; no value is ever part of SQL text.
    const payload = Buffer.from(`${rows.map((row) => JSON.stringify(row)).join('\n')}\n`, 'utf8');
    await this.session.insert({ table, values: payload, format: 'JSONEachRow' });
  }

  async close(): Promise<void> {
    this.session.close();
  }
}

/** The ClickHouse engine running in-process through chDB: what the tests use, and a single-machine option. */
export class ChdbEngine extends ClickHouseBaseEngine {
  static async open(options: ChdbOptions = {}): Promise<ChdbEngine> {
    let session: Session;
    try {
      session = new Session(options.path, { connectionArgs: settingsArgs() });
    } catch (error) {
      // The ESM entry does not export the error classes; `code` is their stable discriminator.
      if (error instanceof Error && (error as Error & { code?: unknown }).code === 'CHDB_CONNECTION') {
        throw new UserError(
          'database_locked',
          `chDB holds one data directory per process and another is open: ${error.message.split('\n')[0]}`,
          'db',
          409,
        );
      }
      throw error;
    }
    return new ChdbEngine(new ChdbTransport(session));
  }
}

/** Opens a chDB store and brings its schema up to date (what `openEngine` does for DuckDB). */
export async function openChdbEngine(options: ChdbOptions = {}): Promise<Engine> {
  return withSchema(await ChdbEngine.open(options));
}
