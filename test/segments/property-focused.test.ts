import fc from 'fast-check';
import { differential } from './harness/differential.js';
import { sequenceCase, textCase, timeCase } from './harness/focused-arbitraries.js';
import { FC_SEED, runs } from './harness/runs.js';
import { insertSeed, readUsers, resetStore, type Seed } from './harness/seed.js';
import { forEachEngine } from './harness/suite.js';
import { T } from './harness/time.js';

/** Focused properties (see focused-arbitraries.ts): seeded and bounded like property.test.ts (see harness/runs.ts). */

const WS = 'focus';

forEachEngine('focused properties', (suite) => {
  const agree = async ([data, rules]: [Seed, readonly unknown[]]) => {
    const engine = suite.engine();
    await resetStore(engine);
    await insertSeed(engine, data, WS);
    const users = await readUsers(engine, WS);
    for (const rule of rules) await differential(engine, users, { rule, asOf: T }, WS);
  };

  const text = runs(suite.target, { duckdb: 150, chdb: 60 });
  suite.test(
    'case-insensitive text beyond ASCII',
    async () => {
      await fc.assert(fc.asyncProperty(textCase, agree), { seed: FC_SEED, numRuns: text });
    },
    `(${text} × 6 rules)`,
  );

  const time = runs(suite.target, { duckdb: 150, chdb: 40 });
  suite.test(
    'time text in traits',
    async () => {
      await fc.assert(fc.asyncProperty(timeCase, agree), { seed: FC_SEED + 1, numRuns: time });
    },
    `(${time} × 6 rules)`,
  );

  const sequences = runs(suite.target, { duckdb: 200, chdb: 50 });
  suite.test(
    'sequences over equal timestamps',
    async () => {
      await fc.assert(fc.asyncProperty(sequenceCase, agree), { seed: FC_SEED + 2, numRuns: sequences });
    },
    `(${sequences} × 6 rules)`,
  );
});
