import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll } from 'vitest';
import type { Engine } from '../../../src/engines/engine.js';
import { type Sql, sql } from '../../../src/engines/sql.js';

/** The committed fixtures (see test/fixtures/README.md). */
export const fixture = (name: string): string =>
  join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', name);

/** Writes files into a temporary directory that is removed after the test file's tests. */
export function scratch(): (name: string, content: string) => string {
  const dir = mkdtempSync(join(tmpdir(), 'strata-import-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return (name, content) => {
    const path = join(dir, name);
    writeFileSync(path, name.endsWith('.gz') ? gzipSync(content) : content);
    return path;
  };
}

/** Rows of a query, for assertions. */
export const rows = (engine: Engine, query: Sql) => engine.query(query);

export const count = async (engine: Engine, table: Sql = sql`events`): Promise<number> =>
  Number((await engine.query(sql`SELECT count(*) AS n FROM ${table}`))[0]?.['n']);
