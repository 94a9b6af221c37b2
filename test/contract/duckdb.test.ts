import { memoryEngine } from '../helpers.js';
import { runEngineContract } from './engine.contract.js';

runEngineContract({
  name: 'duckdb',
  create: memoryEngine,
  skip: [
    {
      reason: 'the DuckDB Node driver drops a leading U+FEFF from VARCHAR results',
      tests: ['params round-trip: a leading U+FEFF'],
    },
    {
      reason:
        'events carry no uniqueness constraint in DuckDB (an index over every message id made ingestion slow): the ' +
        'writers deduplicate by message id before inserting, in the one writing process DuckDB allows',
      tests: ['an event written twice is one row'],
    },
  ],
});
