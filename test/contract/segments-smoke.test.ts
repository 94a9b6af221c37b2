import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openChdbEngine } from '../../src/engines/chdb/connection.js';
import type { Engine } from '../../src/engines/engine.js';
import { render } from '../../src/engines/sql.js';
import { rule as ruleSchema } from '../../src/segments/definition.js';
import { evaluate } from '../../src/segments/evaluate.js';
import { lower } from '../../src/segments/ir/lower.js';
import type { SegmentIr } from '../../src/segments/ir/nodes.js';
import { compileMembers } from '../../src/segments/sql/compile.js';
import { memoryEngine } from '../helpers.js';
import { AS_OF, loadSeed, STATIC_SEGMENT, seedUsers, WS } from './segment-seed.js';

/**
 * Differential smoke check across engines: representative rules, lowered once, compiled through each engine's
 * dialect and run on the same data; DuckDB, ClickHouse (chDB) and the oracle must name the same members. The full
 * generated suite lives in test/segments and takes an engine factory the same way (`create(): Promise<Engine>`).
 */

const RULES: Record<string, unknown> = {
  'the smoke rule': {
    type: 'and',
    rules: [
      { type: 'event', event: 'Order Completed', count: { op: '>=', value: 2 }, window: { last: '90d' } },
      { type: 'trait', trait: 'plan', op: 'in', value: ['pro', 'team'] },
      { type: 'aggregate', fn: 'sum', event: 'Order Completed', property: 'revenue', op: '>', value: 25 },
      { type: 'trait', trait: 'first_seen', op: 'before', value: '2024-05-02' },
      {
        type: 'not',
        rule: { type: 'sequence', steps: [{ event: 'Viewed' }, { event: 'Order Completed' }], within: '2d' },
      },
    ],
  },
  'has not done': { type: 'event', event: 'Order Completed', count: { op: '=', value: 0 } },
  'count with a property filter': {
    type: 'event',
    event: 'Order Completed',
    where: [{ property: 'revenue', op: 'between', value: [10, 16] }],
    count: { op: '>=', value: 1 },
    window: { since: '2024-05-01', until: '2024-05-31' },
  },
  'array index in a property path': {
    type: 'event',
    event: 'Order Completed',
    where: [{ property: 'products.1.price', op: '<', value: 5 }],
  },
  'text, case-insensitive and Unicode': {
    type: 'or',
    rules: [
      { type: 'trait', trait: 'name', op: 'contains', value: 'östergaard' },
      { type: 'trait', trait: 'name', op: 'starts_with', value: 'οδοσ' },
      { type: 'trait', trait: 'name', op: 'ends_with', value: 'İNCİ' },
    ],
  },
  'not_contains holds for missing text': { type: 'trait', trait: 'name', op: 'not_contains', value: 'b' },
  'exists and not_exists with JSON null': {
    type: 'or',
    rules: [
      { type: 'trait', trait: 'score', op: 'exists' },
      {
        type: 'and',
        rules: [
          { type: 'trait', trait: 'vip', op: 'not_exists' },
          { type: 'trait', trait: 'plan', op: 'exists' },
        ],
      },
    ],
  },
  'typed comparisons ignore wrong types': {
    type: 'or',
    rules: [
      { type: 'trait', trait: 'age', op: '>', value: 30 },
      { type: 'trait', trait: 'vip', op: '=', value: true },
    ],
  },
  '!= and not_in hold for missing values': {
    type: 'and',
    rules: [
      { type: 'trait', trait: 'plan', op: '!=', value: 'free' },
      { type: 'trait', trait: 'age', op: 'not_in', value: [31, 60] },
    ],
  },
  'time traits in several spellings': {
    type: 'trait',
    trait: 'signup',
    op: 'after',
    value: '2024-04-30T23:59:59.998Z',
  },
  'within_last on first_seen and a trait': {
    type: 'or',
    rules: [
      { type: 'trait', trait: 'first_seen', op: 'within_last', value: '30d' },
      { type: 'trait', trait: 'signup', op: 'within_last', value: '14d' },
    ],
  },
  'account traits, including users without one': {
    type: 'or',
    rules: [
      { type: 'trait', trait: 'account.tier', op: '=', value: 'gold' },
      { type: 'trait', trait: 'account.seats', op: 'not_exists' },
    ],
  },
  'aggregates over empty and mixed values': {
    type: 'and',
    rules: [
      { type: 'aggregate', fn: 'avg', event: 'Order Completed', property: 'revenue', op: '>=', value: 15 },
      { type: 'aggregate', fn: 'count_distinct', event: 'Order Completed', property: 'revenue', op: '>=', value: 1 },
      {
        type: 'not',
        rule: { type: 'aggregate', fn: 'max', event: 'Order Completed', property: 'revenue', op: '>', value: 20 },
      },
    ],
  },
  'sequence with equal timestamps': {
    type: 'sequence',
    steps: [{ event: 'Viewed' }, { event: 'Viewed' }, { event: 'Order Completed' }],
    within: '1h',
  },
  'static segment and nested path': {
    type: 'or',
    rules: [
      { type: 'segment', segment: 'vip list' },
      { type: 'trait', trait: 'address.city', op: '=', value: 'Oslo' },
    ],
  },
};

function lowered(rule: unknown): SegmentIr {
  const result = lower(ruleSchema.parse(rule), {
    asOf: AS_OF,
    segment: (name) => (name === 'vip list' ? { id: STATIC_SEGMENT, kind: 'static' } : undefined),
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.ir;
}

async function members(engine: Engine, ir: SegmentIr, users?: readonly string[]): Promise<string[]> {
  const query = compileMembers(ir, engine.dialect, { workspace: WS, ...(users ? { users } : {}) });
  try {
    const rows = await engine.query(query);
    return rows.map((row) => String(row['user_id'])).sort();
  } catch (error) {
    throw new Error(`${engine.dialect.name}: ${String(error)}\n${render(query, engine.dialect).text}`);
  }
}

describe('segments on DuckDB, ClickHouse (chDB) and the oracle', () => {
  let duckdb: Engine;
  let chdb: Engine;
  const users = seedUsers();

  beforeAll(async () => {
    [duckdb, chdb] = await Promise.all([memoryEngine(), openChdbEngine()]);
    await Promise.all([loadSeed(duckdb), loadSeed(chdb)]);
  });
  afterAll(async () => {
    await Promise.all([duckdb?.close(), chdb?.close()]);
  });

  for (const [name, rule] of Object.entries(RULES)) {
    it(name, async () => {
      const ir = lowered(rule);
      const oracle = users
        .filter((u) => evaluate(ir, u))
        .map((u) => u.userId)
        .sort();
      expect(await members(duckdb, ir), 'duckdb').toEqual(oracle);
      expect(await members(chdb, ir), 'chdb').toEqual(oracle);
    });
  }

  it('restricted to a user list (real-time mode), including an empty one', async () => {
    const ir = lowered(RULES['has not done']);
    for (const list of [['u3', 'u4', 'ghost'], []]) {
      const oracle = users
        .filter((u) => list.includes(u.userId) && evaluate(ir, u))
        .map((u) => u.userId)
        .sort();
      expect(await members(duckdb, ir, list)).toEqual(oracle);
      expect(await members(chdb, ir, list)).toEqual(oracle);
    }
  });
});
