import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engines/engine.js';
import { memoryEngine } from '../helpers.js';
import { asOfArb, ruleArb, seedArb, USERS } from './harness/arbitraries.js';
import { differential } from './harness/differential.js';
import { ingestSeed, insertSeed, readUsers, resetStore } from './harness/seed.js';

/**
 * Property-based differential tests: random rules over random event logs, SQL on DuckDB against the oracle. Runs
 * are seeded and bounded; set STRATA_FC_RUNS / STRATA_FC_SEED to explore further, and replay a failure with the
 * seed and path fast-check prints.
 */

const WS = 'prop';
const runs = (n: number) => Number(process.env['STRATA_FC_RUNS'] ?? n);
const seed = Number(process.env['STRATA_FC_SEED'] ?? 20240601);
const RULES_PER_DATA_SET = 4;

describe('random rules agree on DuckDB and in the oracle', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await memoryEngine();
  });
  afterAll(async () => {
    await engine.close();
  });

  it(`${runs(200)} data sets × ${RULES_PER_DATA_SET} rules, rows written directly`, async () => {
    const property = fc.asyncProperty(
      seedArb({ direct: true }),
      fc.array(ruleArb, { minLength: RULES_PER_DATA_SET, maxLength: RULES_PER_DATA_SET }),
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
    await fc.assert(property, { seed, numRuns: runs(200) });
  });

  it(`${runs(40)} data sets through ingestion read back as written directly, and agree`, async () => {
    const property = fc.asyncProperty(
      seedArb({ direct: false }),
      fc.array(ruleArb, { minLength: 2, maxLength: 2 }),
      asOfArb,
      async (data, rules, asOf) => {
        await resetStore(engine);
        await ingestSeed(engine, data, WS);
        await insertSeed(engine, data, 'direct');
        const ingested = await readUsers(engine, WS);
        expect(ingested).toEqual(await readUsers(engine, 'direct'));
        for (const rule of rules) await differential(engine, ingested, { rule, asOf }, WS);
      },
    );
    await fc.assert(property, { seed: seed + 1, numRuns: runs(40) });
  });
});
