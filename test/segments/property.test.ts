import fc from 'fast-check';
import { expect } from 'vitest';
import { asOfArb, rulesArb, seedArb, USERS } from './harness/arbitraries.js';
import { differential } from './harness/differential.js';
import { ACCOUNTS_WITH_EVENTS, SUB_MILLISECOND_TIMES } from './harness/engines.js';
import { FC_SEED, runs } from './harness/runs.js';
import { ingestSeed, insertSeed, readUsers, resetStore } from './harness/seed.js';
import { forEachEngine } from './harness/suite.js';

/**
 * Property-based differential tests: random rules over random event logs, SQL on each engine against the oracle.
 * Budgets and seeds: see harness/runs.ts (chDB runs fewer cases than DuckDB, the first ones of the same sequence).
 */

const WS = 'prop';
const RULES_PER_DATA_SET = 4;

forEachEngine('properties', (suite) => {
  const direct = runs(suite.target, { duckdb: 200, chdb: 80 });
  const micros = suite.can(SUB_MILLISECOND_TIMES, 'generated events carry no microseconds');
  const accountsWithEvents = suite.can(ACCOUNTS_WITH_EVENTS, 'generated rules never join accounts and events');
  suite.test(
    'random rules, rows written directly',
    async () => {
      const engine = suite.engine();
      const property = fc.asyncProperty(
        seedArb({ direct: true, micros }),
        fc.array(rulesArb({ accountsWithEvents }), { minLength: RULES_PER_DATA_SET, maxLength: RULES_PER_DATA_SET }),
        asOfArb,
        fc.option(fc.subarray([...USERS, 'ghost', 'nobody']), { freq: 5, nil: undefined }),
        async (data, rules, asOf, users) => {
          await resetStore(engine);
          await insertSeed(engine, data, WS);
          const stored = await readUsers(engine, WS);
          for (const rule of rules) {
            await differential(engine, stored, { rule, asOf, ...(users ? { users } : {}) }, WS);
          }
        },
      );
      await fc.assert(property, { seed: FC_SEED, numRuns: direct });
    },
    `(${direct} data sets × ${RULES_PER_DATA_SET} rules)`,
  );

  const ingested = runs(suite.target, { duckdb: 40, chdb: 10 });
  suite.test(
    'data sets through ingestion read back as written directly, and agree',
    async () => {
      const engine = suite.engine();
      const property = fc.asyncProperty(
        seedArb({ direct: false }),
        fc.array(rulesArb({ accountsWithEvents }), { minLength: 2, maxLength: 2 }),
        asOfArb,
        async (data, rules, asOf) => {
          await resetStore(engine);
          await ingestSeed(engine, data, WS);
          await insertSeed(engine, data, 'direct');
          const users = await readUsers(engine, WS);
          expect(users).toEqual(await readUsers(engine, 'direct'));
          for (const rule of rules) await differential(engine, users, { rule, asOf }, WS);
        },
      );
      await fc.assert(property, { seed: FC_SEED + 1, numRuns: ingested });
    },
    `(${ingested} data sets × 2 rules)`,
  );
});
