import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/engines/engine.js';
import type { UserData } from '../../../src/segments/evaluate.js';
import { memoryEngine } from '../../helpers.js';
import { differential } from './differential.js';
import { ingestSeed, insertSeed, readUsers, type Seed } from './seed.js';
import { T } from './time.js';

/**
 * Table-driven fixtures: one seed, many rules, each with the members a person worked out by hand. Every case must
 * give those members on DuckDB *and* in the oracle, so a shared misreading of the spec cannot pass unnoticed.
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

/** Registers one `describe` block: loads the seed (and its decoy) once, then one test per case. */
export function runFixtures(title: string, seed: Seed, cases: readonly FixtureCase[], options: FixtureOptions = {}) {
  describe(title, () => {
    let engine: Engine;
    let users: UserData[];
    beforeAll(async () => {
      engine = await memoryEngine();
      const load = options.load === 'insert' ? insertSeed : ingestSeed;
      await load(engine, seed, WORKSPACE);
      await load(engine, decoy(seed), DECOY_WORKSPACE);
      users = await readUsers(engine, WORKSPACE);
    });
    afterAll(async () => {
      await engine.close();
    });
    for (const c of cases) {
      it(c.name, async () => {
        const outcome = await differential(
          engine,
          users,
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
