import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Engine } from '../../src/engines/engine.js';
import { memoryEngine } from '../helpers.js';
import { differential } from './harness/differential.js';
import { sequenceCase, textCase, timeCase } from './harness/focused-arbitraries.js';
import { insertSeed, readUsers, resetStore, type Seed } from './harness/seed.js';
import { T } from './harness/time.js';

/** Focused properties (see focused-arbitraries.ts): seeded and bounded like property.test.ts. */

const WS = 'focus';
const runs = (n: number) => Number(process.env['STRATA_FC_RUNS'] ?? n);
const seed = Number(process.env['STRATA_FC_SEED'] ?? 20240601);

describe('focused properties', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await memoryEngine();
  });
  afterAll(async () => {
    await engine.close();
  });

  const agree = async ([data, rules]: [Seed, readonly unknown[]]) => {
    await resetStore(engine);
    await insertSeed(engine, data, WS);
    const users = await readUsers(engine, WS);
    for (const rule of rules) await differential(engine, users, { rule, asOf: T }, WS);
  };

  it(`case-insensitive text beyond ASCII (${runs(150)} × 6 rules)`, async () => {
    await fc.assert(fc.asyncProperty(textCase, agree), { seed, numRuns: runs(150) });
  });

  it(`time text in traits (${runs(150)} × 6 rules)`, async () => {
    await fc.assert(fc.asyncProperty(timeCase, agree), { seed: seed + 1, numRuns: runs(150) });
  });

  it(`sequences over equal timestamps (${runs(200)} × 6 rules)`, async () => {
    await fc.assert(fc.asyncProperty(sequenceCase, agree), { seed: seed + 2, numRuns: runs(200) });
  });
});
