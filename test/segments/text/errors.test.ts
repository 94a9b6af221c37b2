import { describe, expect, it } from 'vitest';
import { parseRule } from '../../../src/segments/text/index.js';

/** [text, line, column, message without the trailing " at L:C"]. */
type ErrorCase = readonly [string, number, number, string];

const syntax: ErrorCase[] = [
  [
    'plan "pro"',
    1,
    6,
    'expected an operator (such as =, >=, in, contains, exists or between) after "plan", found the string "pro"',
  ],
  ['', 1, 1, 'expected a rule, found the end of the text'],
  ['  # only a comment\n', 2, 1, 'expected a rule, found the end of the text'],
  [
    'plan = "pro" and',
    1,
    17,
    'expected a condition (a trait test, did, in segment, not or "(") after "and", found the end of the text',
  ],
  ['plan = "pro"\n  and (age > 3', 2, 15, 'expected ")" after "3", found the end of the text'],
  ['# first\n\nx = 1\n  and y ==  2', 4, 9, 'found "==": equality is written with a single "="'],
  ['x ! 1', 1, 3, 'found "!": write "!=" for not equal, or "not" to negate'],
  ['x = 1 & y = 2', 1, 7, 'unexpected character "&"'],
  ['x = 1 y = 2', 1, 7, 'expected "and", "or" or the end of the rule after "1", found "y"'],
  ['a = 1)', 1, 6, 'expected "and", "or" or the end of the rule after "1", found ")"'],
  ['or', 1, 1, 'expected a condition, found "or"'],
  ['x not = 1', 1, 7, 'expected in, contains, exists or within_last after "not", found "="'],
  [
    'plan = pro',
    1,
    8,
    'expected a value (a "string", a number, true or false) after "=", found "pro" (strings go in double quotes)',
  ],
  ['x in (1, 2', 1, 11, 'expected "," or ")" in the list, found the end of the text'],
  ['x in (1 2)', 1, 9, 'expected "," or ")" in the list, found the number 2'],
  ['x between 1 or 2', 1, 13, 'expected "and" after "1", found "or"'],
  ['and(a = 1 b = 2)', 1, 11, 'expected "," or ")" in and(…) after "1", found "b"'],
  ['x = 01', 1, 5, 'found "01": not a number'],
  // Strings and names.
  [
    'name = "abc\nx = 1',
    1,
    8,
    'unterminated string: a string must close on the line it opens (write \\n for a line break)',
  ],
  ['s = "abc', 1, 5, 'unterminated string: missing the closing "'],
  ['s = "a\\qb"', 1, 7, 'bad escape "\\q" in a string (use \\" \\\\ \\n \\t \\uXXXX)'],
  ['s = "\\u12"', 1, 6, 'bad escape: \\u takes four hex digits'],
  ['x = "\t"', 1, 6, 'control character in a string: write it as \\u0009'],
  ['x = 1 and\n`abc = 1', 2, 1, 'unterminated name: missing the closing `'],
  // Events, aggregates, sequences, segments.
  ['did X', 1, 5, 'expected an event name in double quotes after "did", found "X"'],
  ['did not "X"', 1, 9, 'expected "do" after "not", found the string "X"'],
  ['did "X" >= 3', 1, 13, 'expected "times" after "3", found the end of the text'],
  ['did not do "X" >= 2 times', 1, 16, '"did not do" takes no count (it means = 0 times), found ">="'],
  ['did not do "A" then "B"', 1, 16, '"did not do" takes one event, not a sequence, found "then"'],
  ['did "A" then B', 1, 14, 'expected an event name in double quotes after "then", found "B"'],
  ['did "X" where a = 1', 1, 15, 'expected "(" after "where", found "a"'],
  [
    'did "X" where (a = 1 or b = 2)',
    1,
    22,
    'expected "and" or ")", found "or" (every condition after where must hold, so only and joins them)',
  ],
  ['did "X" where (a = 1, b = 2)', 1, 21, 'expected "and" or ")" to end the where list, found ","'],
  ['did "X" in last 90', 1, 17, 'expected a duration like 30m, 12h, 90d or 2w after "last", found the number 90'],
  [
    'did "X" since 2024',
    1,
    15,
    'expected a date in double quotes, like "2024-01-01" after "since", found the number 2024',
  ],
  ['did "X" in last 7d in last 8d', 1, 20, 'expected "and", "or" or the end of the rule after "7d", found "in"'],
  ['sum of revenue in "X"', 1, 22, 'expected a comparison like "> 100" for the sum, found the end of the text'],
  ['sum of revenue "X" > 1', 1, 16, 'expected "in" after "revenue", found the string "X"'],
  [
    '"utm source" = "x"',
    1,
    1,
    'expected a condition (a trait test, did, in segment, not or "("), found the string "utm source" (names are bare or in backticks, like `utm source`; double quotes are for values)',
  ],
  [
    'did "X" where ("utm source" = "x")',
    1,
    16,
    'expected a property name, found the string "utm source" (names are bare or in backticks, like `utm source`; double quotes are for values)',
  ],
  ['in segment Employees', 1, 12, 'expected a segment name in double quotes after "segment", found "Employees"'],
];

/** [text, line, column, code, path, message without the trailing " at L:C"]: the codes and paths of the JSON form. */
const invalid: (readonly [string, number, number, string, string, string])[] = [
  ['plan in "x"', 1, 9, 'invalid_value', 'rule.value', 'in takes a non-empty list of values, found the string "x"'],
  ['x = (1)', 1, 5, 'invalid_value', 'rule.value', '= takes one value (a string, number or boolean)'],
  ['x contains 3', 1, 12, 'invalid_value', 'rule.value', 'contains takes a string, found the number 3'],
  ['x before "nope"', 1, 10, 'invalid_value', 'rule.value', 'before takes an ISO time, found the string "nope"'],
  [
    'x between 1 and "a"',
    1,
    11,
    'invalid_value',
    'rule.value',
    'between takes [low, high]: two numbers or two ISO times, found the number 1',
  ],
  [
    'x exists and\n  y within_last 0d',
    2,
    17,
    'invalid_value',
    'rule.rules[1].value',
    'within_last takes a duration like "30d", found "0d"',
  ],
  [
    'a = 1 and\n  did "X" in last 0d',
    2,
    19,
    'invalid_format',
    'rule.rules[1].window.last',
    'must be a duration like 30m, 12h, 90d or 2w, found "0d"',
  ],
  [
    'x = 1 or did "X" between "2024-01-01" and "soon"',
    1,
    43,
    'invalid_value',
    'rule.rules[1].window.until',
    'must be an ISO-8601 date or date-time, found the string "soon"',
  ],
  [
    'did "X" where (a = 1 and b in ())',
    1,
    31,
    'invalid_value',
    'rule.where[1].value',
    'in takes a non-empty list of values',
  ],
  ['and()', 1, 1, 'too_small', 'rule.rules', 'needs at least one rule'],
  ['not `` = 1', 1, 5, 'too_small', 'rule.rule.trait', 'must not be empty'],
  [
    'did "1" then "2" then "3" then "4" then "5" then "6" then "7" then "8" then "9"',
    1,
    1,
    'too_big',
    'rule.steps',
    'a sequence has at most eight steps',
  ],
];

describe('syntax errors', () => {
  it.each(syntax)('%j', (text, line, column, message) => {
    expect(parseRule(text)).toEqual({
      ok: false,
      issues: [
        {
          code: 'syntax_error',
          message: `${message} at ${line}:${column}`,
          line,
          column,
          path: `text:${line}:${column}`,
        },
      ],
    });
  });

  it('refuses nesting deeper than 200 levels without overflowing the stack', () => {
    const result = parseRule('('.repeat(100_000));
    expect(result).toMatchObject({ ok: false, issues: [{ code: 'syntax_error', line: 1, column: 201 }] });
  });

  it('counts columns in UTF-16 code units, as editors do', () => {
    expect(parseRule('`😀` = "😀" x')).toMatchObject({ ok: false, issues: [{ line: 1, column: 13 }] });
  });
});

describe('rules the schema rejects', () => {
  it.each(invalid)('%j', (text, line, column, code, path, message) => {
    expect(parseRule(text)).toEqual({
      ok: false,
      issues: [{ code, message: `${message} at ${line}:${column}`, line, column, path }],
    });
  });

  it('reports every schema issue, each at its own place', () => {
    const result = parseRule('a in "x"\n  and b contains 1');
    expect(result).toMatchObject({
      ok: false,
      issues: [
        { path: 'rule.rules[0].value', line: 1, column: 6 },
        { path: 'rule.rules[1].value', line: 2, column: 18 },
      ],
    });
  });
});
