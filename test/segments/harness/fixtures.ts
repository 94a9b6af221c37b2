import { beforeAll, expect } from 'vitest';
import type { UserData } from '../../../src/segments/evaluate.js';
import { differential } from './differential.js';
import { INGESTION_LOADING } from './engines.js';
import { ingestSeed, insertSeed, readUsers, resetStore, type Seed } from './seed.js';
import type { EngineSuite } from './suite.js';
import { T } from './time.js';

/**
 * Table-driven fixtures: one seed, many rules, each with the members a person worked out by hand. Every case must
 * give those members on every engine *and* in the oracle, so a shared misreading of the spec cannot pass unnoticed.
 */

export interface FixtureCase {
  readonly name: string;
  readonly rule: unknown;
  readonly expect: readonly string[];
  /** Default: `T`. */
  readonly asOf?: Date;
  readonly users?: readonly string[];
}

export interface FixtureOptions {
  /** `ingest` (default) goes through `ingestMessages`; `insert` writes rows directly. */
  readonly load?: 'ingest' | 'insert';
  readonly segments?: Readonly<Record<string, unknown>>;
}

export const WORKSPACE = 'fixtures';
export const DECOY_WORKSPACE = 'decoy';

/**
 * The same users in another workspace with their data rotated (user i gets user i+1's traits and events), so a
 * query that leaks across workspaces gives visibly wrong members.
 */
export function decoy(seed: Seed): Seed {
  const ids = seed.profiles.map((p) => p.id);
  const next = new Map(ids.map((id, i) => [id, ids[(i + 1) % ids.length] as string]));
  return {
    profiles: seed.profiles.map((p) => ({ ...p, id: next.get(p.id) ?? p.id })),
    ...(seed.accounts ? { accounts: seed.accounts } : {}),
    events: (seed.events ?? []).map((e) => ({ ...e, user: next.get(e.user) ?? e.user })),
  };
}

/**
 * The loader for a block: ingestion by default, direct loading where the engine has ingestion-path loading as a
 * declared gap (printed).
 */
export function loaderFor(suite: EngineSuite, load: 'ingest' | 'insert' = 'ingest'): typeof insertSeed {
  if (load === 'insert') return insertSeed;
  return suite.can(INGESTION_LOADING, 'fixtures that load through ingestion load directly') ? ingestSeed : insertSeed;
}

/**
 * Loads a block's data once, on a store emptied first. A failure is handed to every test of the block (so a
 * checked gap fails its tests, not the hook).
 */
export function loadOnce(suite: EngineSuite, load: () => Promise<UserData[]>): () => Promise<UserData[]> {
  let loaded: Promise<UserData[]> | undefined;
  beforeAll(async () => {
    loaded = resetStore(suite.engine()).then(load);
    await loaded.catch(() => {});
  });
  return () => loaded ?? Promise.reject(new Error('internal error: the block was not loaded'));
}

/** Registers one block: loads the seed (and its decoy) once, then one test per case. */
export function runFixtures(
  suite: EngineSuite,
  title: string,
  seed: Seed,
  cases: readonly FixtureCase[],
  options: FixtureOptions = {},
): void {
  suite.block(title, () => {
    const load = loaderFor(suite, options.load);
    const users = loadOnce(suite, async () => {
      await load(suite.engine(), seed, WORKSPACE);
      await load(suite.engine(), decoy(seed), DECOY_WORKSPACE);
      return readUsers(suite.engine(), WORKSPACE);
    });
    for (const c of cases) {
      suite.test(c.name, async () => {
        const outcome = await differential(
          suite.engine(),
          await users(),
          {
            rule: c.rule,
            asOf: c.asOf ?? T,
            ...(options.segments ? { segments: options.segments } : {}),
            ...(c.users ? { users: c.users } : {}),
          },
          WORKSPACE,
        );
        expect(outcome.members).toEqual([...c.expect].sort());
      });
    }
  });
}
