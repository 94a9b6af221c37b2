import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engines/engine.js';
import { registerImportTests } from './import.contract.js';
import { registerJsonTests } from './json.contract.js';
import { registerJsonWriteTests } from './json-write.contract.js';
import { registerStoreTests } from './store.contract.js';
import { registerValueTests } from './values.contract.js';
import { registerWriteTests } from './write.contract.js';

/**
 * One contract every engine passes (Hono's `common.case.test.ts` pattern): each engine's test file calls
 * `runEngineContract` with a factory. Expectations are fixed values, not another engine's output, so two engines
 * that pass return identical normalised rows. A gap is data: a named test listed in `skip` with its reason, printed
 * and reported as skipped, never an `if` inside a test.
 */

export interface Gap {
  readonly reason: string;
  /** Test names exactly as registered (a name that does not exist fails the suite). */
  readonly tests: readonly string[];
}

export interface EngineContract {
  readonly name: string;
  /** A fresh engine with the current schema. Called once per test file: engines can be slow to start. */
  readonly create: () => Promise<Engine>;
  readonly skip?: readonly Gap[];
}

/** What a group of contract tests gets: the engine under test and a `test` that honours declared gaps. */
export interface ContractContext {
  readonly engine: () => Engine;
  readonly test: (name: string, body: () => Promise<void>) => void;
}

/** `CONTRACT_CHECK_GAPS=1 npx vitest run test/contract` runs the declared gaps and expects each to fail. */
const checkGaps = process.env['CONTRACT_CHECK_GAPS'] === '1';

export function runEngineContract(contract: EngineContract): void {
  const gaps = new Map<string, string>();
  for (const gap of contract.skip ?? []) for (const name of gap.tests) gaps.set(name, gap.reason);
  const registered = new Set<string>();
  let engine: Engine | undefined;

  describe(`engine contract: ${contract.name}`, () => {
    beforeAll(async () => {
      engine = await contract.create();
    });
    afterAll(async () => {
      await engine?.close();
    });

    const context: ContractContext = {
      engine: () => {
        if (!engine) throw new Error('internal error: the engine under test is not open');
        return engine;
      },
      test(name, body) {
        if (registered.has(name)) throw new Error(`internal error: two contract tests named "${name}"`);
        registered.add(name);
        const reason = gaps.get(name);
        if (reason === undefined) {
          it(name, body);
          return;
        }
        if (checkGaps) {
          // A gap that no longer fails should be removed from the list.
          it.fails(`${name} [gap, must still fail: ${reason}]`, body);
          return;
        }
        console.warn(`[engine contract: ${contract.name}] declared gap, skipped: ${name} — ${reason}`);
        it.skip(`${name} [gap: ${reason}]`, body);
      },
    };

    registerStoreTests(context);
    registerValueTests(context);
    registerJsonTests(context);
    registerImportTests(context);
    registerWriteTests(context);
    registerJsonWriteTests(context);

    it('declares gaps only for tests that exist', () => {
      expect([...gaps.keys()].filter((name) => !registered.has(name))).toEqual([]);
    });
  });
}
