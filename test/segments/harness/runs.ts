import type { EngineTarget } from './engines.js';

/**
 * Property-test budgets. Runs are seeded and bounded; set STRATA_FC_RUNS (every engine) / STRATA_FC_SEED to explore
 * further, and replay a failure with the seed and path fast-check prints.
 *
 * chDB runs fewer cases than DuckDB: each generated rule is one ClickHouse query of several milliseconds more, and
 * the suite must stay fast on two cores. Same seeds: its cases are the first ones of DuckDB's sequence, but for the
 * workarounds of declared gaps (see `EngineSuite.can`), which drop or replace some generated values.
 */
export const FC_SEED = Number(process.env['STRATA_FC_SEED'] ?? 20240601);

export function runs(target: EngineTarget, counts: Readonly<Record<EngineTarget['name'], number>>): number {
  return Number(process.env['STRATA_FC_RUNS'] ?? counts[target.name]);
}
