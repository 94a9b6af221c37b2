import fc from 'fast-check';
import { expect } from 'vitest';
import { seedArb } from './harness/arbitraries.js';
import { differential } from './harness/differential.js';
import { ACCOUNTS_WITH_EVENTS, INGESTION_LOADING, SUB_MILLISECOND_TIMES } from './harness/engines.js';
import { FC_SEED } from './harness/runs.js';
import { ingestSeed, insertSeed, readUsers, resetStore, type Seed } from './harness/seed.js';
import { forEachEngine } from './harness/suite.js';
import { DAY, T, t } from './harness/time.js';

/**
 * What the harness needs from an engine to run every case the same way (harness/engines.ts names these tests). Where
 * one is a declared gap of an engine, the other suites work around it there and say so.
 */

const name = (path: string) => path.slice('capabilities > '.length);

forEachEngine('capabilities', (suite) => {
  suite.test(name(INGESTION_LOADING), async () => {
    const engine = suite.engine();
    const [seed] = fc.sample(seedArb({ direct: false }), { seed: FC_SEED, numRuns: 1 });
    if (!seed) throw new Error('internal error: no sample');
    await resetStore(engine);
    await ingestSeed(engine, seed, 'ingested');
    await insertSeed(engine, seed, 'direct');
    const ingested = await readUsers(engine, 'ingested');
    expect(ingested.length).toBe(seed.profiles.length);
    expect(ingested).toEqual(await readUsers(engine, 'direct'));
  });

  suite.test(name(SUB_MILLISECOND_TIMES), async () => {
    const engine = suite.engine();
    const seed: Seed = {
      profiles: [{ id: 'u' }],
      events: [
        { id: 'late', user: 'u', name: 'X', at: t, micros: 999 },
        { id: 'early', user: 'u', name: 'X', at: -1, micros: 500 },
        { id: 'exact', user: 'u', name: 'X', at: t, micros: 1 },
      ],
    };
    await resetStore(engine);
    // insertSeed reads the microseconds back and throws when the store lost them.
    await insertSeed(engine, seed, 'micros');
    const [user] = await readUsers(engine, 'micros');
    expect(user?.events.map((e) => [e.messageId, e.ts])).toEqual([
      ['early', -1],
      ['exact', t],
      ['late', t],
    ]);
  });

  suite.test(name(ACCOUNTS_WITH_EVENTS), async () => {
    const engine = suite.engine();
    const seed: Seed = {
      profiles: [{ id: 'member', account: 'acme' }, { id: 'other' }],
      accounts: [{ id: 'acme', traits: { plan: 'pro' } }],
      events: [{ id: 'e1', user: 'member', name: 'A', at: t - DAY }],
    };
    await resetStore(engine);
    await insertSeed(engine, seed, 'joins');
    const rule = {
      type: 'and',
      rules: [
        { type: 'trait', trait: 'account.plan', op: '=', value: 'pro' },
        { type: 'event', event: 'A' },
      ],
    };
    const outcome = await differential(engine, await readUsers(engine, 'joins'), { rule, asOf: T }, 'joins');
    expect(outcome.members).toEqual(['member']);
  });
});
