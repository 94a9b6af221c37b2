import type { Engine } from './engine.js';
import type { Sql } from './sql.js';

/**
 * Runs statements one after another, as a dialect's write gives them (an update is one statement on DuckDB, an insert
 * of new row versions and perhaps a delete on ClickHouse). Call it inside a transaction for the statements to form one
 * write.
 */
export async function runAll(engine: Engine, statements: readonly Sql[]): Promise<void> {
  for (const statement of statements) await engine.run(statement);
}
