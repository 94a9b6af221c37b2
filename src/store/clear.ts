import type { Engine } from '../engines/engine.js';
import { ident, sql, str } from '../engines/sql.js';
import type { Table } from './tables.js';
import * as tables from './tables.js';

const workspaceTables = Object.values(tables).filter(
  (value): value is Table =>
    typeof value === 'object' &&
    value !== null &&
    'columns' in value &&
    value.columns.some((c) => c.name === 'workspace'),
);

/**
 * Deletes every row of a workspace, in every table: what `demo --fresh` does on a shared server, where deleting the
 * store's files is not an option. Other workspaces are untouched. Returns the rows deleted.
 */
export async function clearWorkspace(engine: Engine, workspace: string): Promise<number> {
  let deleted = 0;
  for (const table of workspaceTables) {
    deleted += await engine.run(sql`DELETE FROM ${ident(table.name)} WHERE workspace = ${str(workspace)}`);
  }
  return deleted;
}
