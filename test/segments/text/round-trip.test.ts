import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Rule } from '../../../src/segments/definition.js';
import { rule as ruleSchema } from '../../../src/segments/definition.js';
import { parseRule, printRule } from '../../../src/segments/text/index.js';
import { tokenize } from '../../../src/segments/text/lexer.js';
import { hostile, nasty, rule } from './arbitraries.js';

describe('round trip', () => {
  it('generates only valid rules (so the property below tests what it claims)', () => {
    fc.assert(
      fc.property(rule, (r) => {
        expect(ruleSchema.safeParse(r).error?.issues).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('parseRule(printRule(r)) deep-equals r, and printing again gives the same text', () => {
    fc.assert(
      fc.property(rule, (r) => {
        const text = printRule(r);
        const parsed = parseRule(text);
        expect(parsed, text).toEqual({ ok: true, rule: r });
        if (parsed.ok) expect(printRule(parsed.rule)).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it.each([...nasty, nasty.join(''), '`a`', 'a``', '\\', '\\.', 'a\\', '.a.', ' x ', 'x\n# y'])(
    'keeps the hostile string %j in every position',
    (s) => {
      const tree: Rule = {
        type: 'and',
        rules: [
          { type: 'trait', trait: s, op: 'in', value: [s, `${s}${s}`] },
          { type: 'event', event: s, where: [{ property: s, op: 'contains', value: s }] },
          { type: 'aggregate', fn: 'sum', event: s, property: s, op: '>', value: 1 },
          { type: 'sequence', steps: [{ event: s }, { event: s, where: [{ property: s, op: 'exists' }] }] },
          { type: 'not', rule: { type: 'segment', segment: s } },
        ],
      };
      expect(parseRule(printRule(tree))).toEqual({ ok: true, rule: tree });
    },
  );

  it('ignores whitespace and comments between tokens', () => {
    const gap = fc.constantFrom(' ', '  ', '\n', '\t', '\r\n', ' # a comment (with "quotes")\n', '\n\n#\n');
    fc.assert(
      fc.property(rule, fc.infiniteStream(gap), (r, gaps) => {
        const printed = printRule(r);
        const tokens = tokenize(printed).filter((token) => token.kind !== 'eof');
        const spaced = tokens.map((token) => printed.slice(token.start, token.end) + gaps.next().value).join('');
        expect(parseRule(spaced)).toEqual({ ok: true, rule: r });
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary text, and whatever parses prints to a fixed point', () => {
    // Pieces that often form valid rules, so the fixed-point half of the property runs too, not only the errors.
    const pieces = fc.constantFrom(
      'a = 1',
      'b in (1, "x")',
      'c exists',
      'did "X"',
      ' >= 2 times',
      ' in last 3d',
      ' since "2024-01-01"',
      ' and ',
      ' or ',
      'not ',
      '(',
      ')',
      ' then "Y"',
      ' where (d != true)',
      'in segment "S"',
      'sum of v in "E" > 1',
      'and(',
      ', ',
      ' # c\n',
      '`',
      '"',
      'between ',
      '2e',
      '-',
      '[',
      ' within 1h',
    );
    const text = fc.oneof(
      hostile,
      fc.array(pieces, { maxLength: 14 }).map((p) => p.join('')),
    );
    fc.assert(
      fc.property(text, (t) => {
        const parsed = parseRule(t);
        if (!parsed.ok) {
          for (const issue of parsed.issues) {
            expect(issue.line).toBeGreaterThanOrEqual(1);
            expect(issue.column).toBeGreaterThanOrEqual(1);
          }
          return;
        }
        const printed = printRule(parsed.rule);
        expect(parseRule(printed)).toEqual({ ok: true, rule: parsed.rule });
      }),
      { numRuns: 3000 },
    );
  });
});
