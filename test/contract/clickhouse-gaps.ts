import type { Gap } from './engine.contract.js';

/** What the ClickHouse engines (chDB and HTTP) cannot do, with the reason; see docs/adding-an-engine.md. */
export const clickhouseGaps: readonly Gap[] = [
  {
    reason:
      'JSON is stored as String and result metadata cannot tell it from text: only columns named like a json column ' +
      'of tables.ts are parsed',
    tests: ['JSON keeps its type under any column name'],
  },
  {
    reason: 'ClickHouse comparisons return UInt8 (0/1), which cannot be told from a number',
    tests: ['boolean expressions come back as booleans'],
  },
  {
    reason: 'ClickHouse has no multi-statement transactions: transaction() serialises writers but cannot roll back',
    tests: ['a failed transaction leaves nothing behind'],
  },
];
