import { openChdbEngine } from '../../../src/engines/chdb/connection.js';
import type { Engine } from '../../../src/engines/engine.js';
import { memoryEngine } from '../../helpers.js';
import { CHDB_GAPS } from './chdb-gaps.js';

/**
 * The engines the segment suite runs on. Each test file opens one engine of each kind for all its blocks (chDB holds
 * one data directory per process and is slow to start; DuckDB shares the same scheme), and blocks isolate themselves
 * by emptying the tables. What an engine cannot do is a declared gap: `skip: [{ reason, tests }]`, printed.
 */

/** The title of a test file's suite: the first part of every test path, so a gap names its file. */
export type SuiteTitle =
  | 'aggregates'
  | 'capabilities'
  | 'case folding'
  | 'events'
  | 'focused properties'
  | 'hostile strings'
  | 'logic'
  | 'microseconds'
  | 'properties'
  | 'segment store'
  | 'sequences'
  | 'times and accounts'
  | 'traits';

/** `suite > block > test`: a test, or a block with every test in it. */
export type TestPath = `${SuiteTitle} > ${string}`;

export interface Gap {
  readonly reason: string;
  /** Test paths as registered (one that matches no test fails its file's suite). */
  readonly tests: readonly TestPath[];
}

export interface EngineTarget {
  readonly name: 'duckdb' | 'chdb';
  /** A fresh engine with the current schema; called once per test file. */
  readonly create: () => Promise<Engine>;
  readonly skip: readonly Gap[];
}

export const ENGINES: readonly EngineTarget[] = [
  { name: 'duckdb', create: memoryEngine, skip: [] },
  { name: 'chdb', create: () => openChdbEngine(), skip: CHDB_GAPS },
];

/**
 * What the harness needs from an engine to run every case the same way. Each is a test of the `capabilities` suite;
 * when that test is a declared gap of an engine, the harness works around it there and says so: fixtures that load
 * through ingestion load directly, generated events carry no microseconds, generated rules never join accounts and
 * events in one query.
 */
export const INGESTION_LOADING: TestPath = 'capabilities > ingestion-path loading';
export const SUB_MILLISECOND_TIMES: TestPath = 'capabilities > times finer than a millisecond';
export const ACCOUNTS_WITH_EVENTS: TestPath = 'capabilities > member ids of a query joining accounts and events';

/** The gap that covers `path` on `target`, if any: `path` itself or a block containing it. */
export function gapOf(target: EngineTarget, path: string): Gap | undefined {
  return target.skip.find((gap) => gap.tests.some((name) => path === name || path.startsWith(`${name} > `)));
}
