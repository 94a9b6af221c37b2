import { beforeAll, expect, it } from 'vitest';
import type { CellValue, Engine } from '../../src/engines/engine.js';
import { sql, trusted } from '../../src/engines/sql.js';
import { type Issue, UserError } from '../../src/errors.js';
import { previewCount } from '../../src/segments/query.js';
import { createSegment } from '../../src/segments/store.js';
import { translateRule } from '../../src/segments/translate.js';
import { segments, type Table } from '../../src/store/tables.js';
import { onEachEngine, resetData } from '../analytics/harness.js';

/**
 * `translateRule` on both engines (it reads the saved segments to check references): the canonical forms of a valid
 * rule, and for an invalid one exactly the issues a preview — and, on DuckDB, saving — would report.
 */

const WS = 'tr';
const AT = new Date('2024-06-01T00:00:00Z');
const HOSTILE = `Gold "fans" 'ünï'; DROP TABLE segments; --`;

async function append(engine: Engine, table: Table, rows: CellValue[][]): Promise<void> {
  const staging = await engine.stage(table, rows);
  await engine.run(sql`INSERT INTO ${trusted(table.name)} SELECT * FROM ${staging}`);
}

/** The issues a call throws as a UserError (the API's 422 body), or a failure if it does not throw one. */
async function thrownIssues(call: () => Promise<unknown>): Promise<readonly Issue[]> {
  try {
    await call();
  } catch (error) {
    if (error instanceof UserError) return error.issues;
    throw error;
  }
  throw new Error('expected the call to reject the rule');
}

const INVALID_RULES: readonly unknown[] = [
  { type: 'and', rules: [{ type: 'trait', trait: 'plan', op: 'in', value: 'pro' }] },
  {
    type: 'or',
    rules: [
      { type: 'trait', trait: 'plan', op: '=', value: 'pro' },
      { type: 'event', event: 'Order Completed', count: { op: '>=', value: -1 }, window: { last: '90x' } },
    ],
  },
  { type: 'and', rules: [] },
  { type: 'not', rule: { type: 'segment', segment: 'No such segment' } },
  { type: 'event', event: 'E', where: [{ property: 'p', op: 'between', value: [1] }] },
  { type: 'event', event: 'E', window: { since: '2024-05-02', until: '2024-05-01' } },
  { type: 'sequence', steps: [{ event: 'A' }] },
  { type: 'trait', trait: 'age', op: '>', value: 3, extra: true },
  { type: 'nope' },
  null,
  'plan = "pro"',
];

onEachEngine((engine, name) => {
  beforeAll(async () => {
    const e = engine();
    await resetData(e);
    await e.run(sql`TRUNCATE TABLE segments`);
    await append(e, segments, [[WS, 'seg_h', HOSTILE, null, 'static', null, 1, AT, AT]]);
  });

  it('answers a valid JSON rule with its canonical JSON and text', async () => {
    const rule = {
      type: 'and',
      rules: [
        { type: 'trait', trait: 'plan', op: 'in', value: ['pro', 'team'] },
        { type: 'event', event: 'Order Completed', count: { op: '>=', value: 3 }, window: { last: '90d' } },
        { type: 'not', rule: { type: 'segment', segment: HOSTILE } },
      ],
    };
    expect(await translateRule(engine(), WS, { rule })).toEqual({
      valid: true,
      rule,
      // Longer than a line: each operand on its own line.
      text:
        'plan in ("pro", "team")\nand did "Order Completed" >= 3 times in last 90d\n' +
        `and not in segment ${JSON.stringify(HOSTILE)}`,
    });
  });

  it('answers text with the rule it means and the canonical text; both forms translate to each other', async () => {
    const answer = await translateRule(engine(), WS, { text: '  age>=30   or\n plan="pro" # a comment' });
    expect(answer).toEqual({
      valid: true,
      rule: {
        type: 'or',
        rules: [
          { type: 'trait', trait: 'age', op: '>=', value: 30 },
          { type: 'trait', trait: 'plan', op: '=', value: 'pro' },
        ],
      },
      text: 'age >= 30 or plan = "pro"',
    });
    if (!answer.valid) return;
    expect(await translateRule(engine(), WS, { rule: answer.rule })).toEqual(answer);
    expect(await translateRule(engine(), WS, { text: answer.text })).toEqual(answer);
  });

  it('reports text that does not parse at its line and column', async () => {
    expect(await translateRule(engine(), WS, { text: 'plan = "pro" and\n  age >' })).toEqual({
      valid: false,
      issues: [{ code: 'syntax_error', path: 'text:2:8', message: expect.stringContaining('at 2:8') }],
    });
  });

  it('reports a text whose values the schema rejects at the JSON path, with the place in the message', async () => {
    const answer = await translateRule(engine(), WS, { text: 'plan = "pro" and country in "NO"' });
    expect(answer).toEqual({
      valid: false,
      issues: [{ code: 'invalid_value', path: 'rule.rules[1].value', message: expect.stringContaining('at 1:29') }],
    });
  });

  it('reports exactly the issues a preview reports, for every kind of mistake', async () => {
    for (const rule of INVALID_RULES) {
      const answer = await translateRule(engine(), WS, { rule });
      const preview = await thrownIssues(() => previewCount(engine(), WS, rule, { asOf: AT }));
      expect(answer, JSON.stringify(rule)).toEqual({ valid: false, issues: preview });
    }
  });

  it.runIf(name === 'duckdb')('reports exactly the issues saving reports (saving writes with DuckDB)', async () => {
    for (const rule of INVALID_RULES) {
      const answer = await translateRule(engine(), WS, { rule });
      const saved = await thrownIssues(() => createSegment(engine(), WS, { name: 'Draft', rule }));
      expect(answer, JSON.stringify(rule)).toEqual({ valid: false, issues: saved });
    }
  });

  it('finds the issue paths the builder maps to fields', async () => {
    const answer = await translateRule(engine(), WS, { rule: INVALID_RULES[1] });
    expect(answer.valid ? [] : answer.issues.map((i) => i.path)).toEqual([
      'rule.rules[1].count.value',
      'rule.rules[1].window.last',
    ]);
    const unknown = await translateRule(engine(), WS, { rule: INVALID_RULES[3] });
    expect(unknown).toEqual({
      valid: false,
      issues: [{ code: 'unknown_segment', path: 'rule.rule.segment', message: 'no segment named "No such segment"' }],
    });
  });
});
