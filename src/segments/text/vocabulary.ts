import { cmpOps, type Op, ops } from '../definition.js';

/**
 * The words and spellings the text form shares between the parser and the printer, kept in one place so the two
 * cannot drift apart.
 */

/** A key path that may be written without backticks. Dots separate nested keys, as in key-path.ts. */
export const bareIdentifier = /^[A-Za-z_$][A-Za-z0-9_$.]*$/;

/** How each operator is written. The printer uses these; the parser also accepts the underscore forms of the negations. */
export const opSpelling: Readonly<Record<Op, string>> = {
  '=': '=',
  '!=': '!=',
  '>': '>',
  '>=': '>=',
  '<': '<',
  '<=': '<=',
  in: 'in',
  not_in: 'not in',
  contains: 'contains',
  not_contains: 'not contains',
  starts_with: 'starts_with',
  ends_with: 'ends_with',
  exists: 'exists',
  not_exists: 'not exists',
  between: 'between',
  within_last: 'within_last',
  not_within_last: 'not within_last',
  before: 'before',
  after: 'after',
};

/** Operators written as a word; each may follow `not` when its negation exists. */
export const wordOps: ReadonlySet<string> = new Set(ops.filter((op) => !(cmpOps as readonly string[]).includes(op)));

/** `not <op>` is the operator `not_<op>` for these. */
export const negatable: ReadonlySet<string> = new Set(['in', 'contains', 'exists', 'within_last']);

/**
 * Every word with a meaning in the grammar. The printer puts any key spelled like one of these in backticks, even
 * where the parser could tell them apart, so printed text never depends on that lookahead.
 */
export const keywords: ReadonlySet<string> = new Set([
  ...wordOps,
  'and',
  'or',
  'not',
  'did',
  'do',
  'in',
  'of',
  'segment',
  'then',
  'where',
  'within',
  'last',
  'since',
  'times',
  'time',
  'true',
  'false',
  'sum',
  'avg',
  'min',
  'max',
  'count_distinct',
]);
