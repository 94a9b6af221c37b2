import { withSchema } from '../store/migrations.js';
import { openChdbEngine } from './chdb/connection.js';
import { openClickHouseEngine } from './clickhouse/connection.js';
import { DuckDBEngine } from './duckdb/connection.js';
import type { Engine } from './engine.js';
import type { StoreLocation } from './location.js';

export interface OpenOptions {
  /** The DuckDB file, or `:memory:`. */
  readonly db: string;
  readonly threads?: number;
  /** DuckDB's memory limit, e.g. `2GB`; default: DuckDB's (80% of RAM). */
  readonly memoryLimit?: string;
}

/** Opens a DuckDB store and brings its schema up to date. */
export async function openEngine(options: OpenOptions): Promise<Engine> {
  return withSchema(
    await DuckDBEngine.open({
      path: options.db,
      ...(options.threads ? { threads: options.threads } : {}),
      ...(options.memoryLimit ? { memoryLimit: options.memoryLimit } : {}),
    }),
  );
}

/** Opens the store at a location, whichever engine it is on, and brings its schema up to date. */
export function openStore(location: StoreLocation): Promise<Engine> {
  switch (location.engine) {
    case 'duckdb':
      return openEngine({ db: location.db });
    case 'chdb':
      return openChdbEngine({ path: location.data });
    case 'clickhouse':
      return openClickHouseEngine({ url: location.url, ...(location.cluster ? { cluster: location.cluster } : {}) });
  }
}
