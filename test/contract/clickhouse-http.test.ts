import { randomUUID } from 'node:crypto';
import { createClient } from '@clickhouse/client';
import { describe, it } from 'vitest';
import { openClickHouseEngine } from '../../src/engines/clickhouse/connection.js';
import type { Engine } from '../../src/engines/engine.js';
import { clickhouseGaps } from './clickhouse-gaps.js';
import { runEngineContract } from './engine.contract.js';
import { IMPORT_TESTS } from './import.contract.js';

/**
 * The contract over HTTP against a real server, when `CLICKHOUSE_URL` names one (`http://user:pass@host:8123`).
 * Each run works in a database of its own, dropped afterwards. Without the variable the suite is skipped, and says so.
 */

const url = process.env['CLICKHOUSE_URL'];

/** An engine on a fresh database; closing it drops the database. */
async function freshEngine(base: string): Promise<Engine> {
  const database = `strata_contract_${randomUUID().replaceAll('-', '')}`;
  const admin = createClient({ url: base });
  await admin.command({ query: `CREATE DATABASE ${database}` });
  const target = new URL(base);
  target.pathname = `/${database}`;
  const engine = await openClickHouseEngine({ url: target.toString() });
  return {
    dialect: engine.dialect,
    query: (q) => engine.query(q),
    run: (q) => engine.run(q),
    stage: (table, rows) => engine.stage(table, rows),
    transaction: (work) => engine.transaction(work),
    async close() {
      try {
        await engine.close();
        await admin.command({ query: `DROP DATABASE IF EXISTS ${database}` });
      } finally {
        await admin.close();
      }
    },
  };
}

if (url) {
  runEngineContract({
    name: 'clickhouse-http',
    create: () => freshEngine(url),
    skip: [
      ...clickhouseGaps,
      {
        reason: "file() reads the server's user_files_path, not the files this test writes on this machine",
        tests: IMPORT_TESTS,
      },
    ],
  });
} else {
  console.warn('CLICKHOUSE_URL is not set: the ClickHouse HTTP engine contract is skipped, not faked.');
  describe.skip('engine contract: clickhouse-http (set CLICKHOUSE_URL to run it)', () => {
    it('runs the engine contract against a ClickHouse server', () => {});
  });
}
