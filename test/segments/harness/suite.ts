import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/engines/engine.js';
import { ENGINES, type EngineTarget, gapOf, type SuiteTitle, type TestPath } from './engines.js';

/**
 * Runs a test file's suite once per engine (Hono's `common.case.test.ts` pattern, as `test/contract` does): one
 * `describe` per engine opens the engine once, every block and test is registered through `EngineSuite`, and a test
 * covered by a declared gap is reported as skipped with its reason, never filtered by an `if`.
 *
 * `SEGMENTS_CHECK_GAPS=1 npx vitest run test/segments` runs the declared gaps and expects each to fail, so a gap that
 * has been fixed shows up.
 */

const checkGaps = process.env['SEGMENTS_CHECK_GAPS'] === '1';

export interface EngineSuite {
  readonly target: EngineTarget;
  /** The engine under test (open inside tests and hooks). */
  readonly engine: () => Engine;
  /**
   * Whether the engine does what a `capabilities` test checks (the test is not a declared gap); when it does not, prints
   * the `workaround` the caller applies instead.
   */
  readonly can: (capability: TestPath, workaround: string) => boolean;
  /** A `describe` block; its title is one part of the test paths of the tests registered inside. */
  readonly block: (title: string, register: () => void) => void;
  /** An `it` that honours declared gaps; `detail` is shown after the name but is not part of the test path. */
  readonly test: (name: string, body: () => Promise<void>, detail?: string) => void;
}

export function forEachEngine(title: SuiteTitle, register: (suite: EngineSuite) => void): void {
  for (const target of ENGINES) registerSuite(title, target, register);
}

function registerSuite(title: SuiteTitle, target: EngineTarget, register: (suite: EngineSuite) => void): void {
  const prefix = `[segments on ${target.name}]`;
  const registered: string[] = [];
  const printed = new Set<string>();
  const stack: string[] = [title];
  let engine: Engine | undefined;
  const note = (message: string) => {
    if (!printed.has(message)) console.warn(`${prefix} ${message}`);
    printed.add(message);
  };

  const suite: EngineSuite = {
    target,
    engine: () => {
      if (!engine) throw new Error('internal error: the engine under test is not open');
      return engine;
    },
    can(capability, workaround) {
      const gap = gapOf(target, capability);
      if (gap) note(`${workaround} (declared gap: ${capability})`);
      return gap === undefined;
    },
    block(blockTitle, body) {
      // Vitest may collect a nested `describe` after its parent's callback has returned: keep the path by value.
      const path = [...stack, blockTitle];
      describe(blockTitle, () => {
        const outer = stack.splice(0, stack.length, ...path);
        try {
          body();
        } finally {
          stack.splice(0, stack.length, ...outer);
        }
      });
    },
    test(name, body, detail) {
      const path = [...stack, name].join(' > ');
      if (registered.includes(path)) throw new Error(`internal error: two tests named "${path}"`);
      registered.push(path);
      const label = detail ? `${name} ${detail}` : name;
      const gap = gapOf(target, path);
      if (!gap) {
        it(label, body);
      } else if (checkGaps) {
        it.fails(`${label} [gap, must still fail: ${gap.reason}]`, body);
      } else {
        const covered = gap.tests.find((name) => path === name || path.startsWith(`${name} > `)) ?? path;
        note(`declared gap, skipped: ${covered} — ${gap.reason}`);
        it.skip(`${label} [gap: ${gap.reason}]`, body);
      }
    },
  };

  describe(`${title} on ${target.name}`, () => {
    beforeAll(async () => {
      engine = await target.create();
    });
    afterAll(async () => {
      await engine?.close();
    });

    register(suite);

    it('declares gaps only for tests that exist', () => {
      const mine = target.skip.flatMap((gap) => gap.tests).filter((name) => name.startsWith(`${title} > `));
      const unmatched = mine.filter((name) => !registered.some((p) => p === name || p.startsWith(`${name} > `)));
      expect(unmatched).toEqual([]);
    });
  });
}
