import { withSchema } from '../store/migrations.js';
import { DuckDBEngine } from './duckdb/connection.js';
import type { Engine } from './engine.js';

export interface OpenOptions {
  /** The DuckDB file, or `:memory:`. */
  readonly db: string;
  readonly threads?: number;
  /** DuckDB's memory limit, e.g. `2GB`; default: DuckDB's (80% of RAM). */
  readonly memoryLimit?: string;
}

/** Opens the store and brings its schema up to date. */
export async function openEngine(options: OpenOptions): Promise<Engine> {
  return withSchema(
    await DuckDBEngine.open({
      path: options.db,
      ...(options.threads ? { threads: options.threads } : {}),
      ...(options.memoryLimit ? { memoryLimit: options.memoryLimit } : {}),
    }),
  );
}
