import type { Rule } from '../definition.js';
import { Cursor } from './cursor.js';
import { LineMap, SyntaxFailure, syntaxError, type TextError } from './errors.js';
import { tokenize } from './lexer.js';
import { Parser } from './parser.js';
import { print } from './printer.js';
import { validate } from './validate.js';

export type { TextError } from './errors.js';

/**
 * Parses the text form of a segment rule (grammar: docs/segments-text.md) into the definition tree, checked against
 * the definition schema. Never throws on user input.
 * @example parseRule('plan = "pro" and did "Order Completed" >= 3 times in last 90d')
 */
export function parseRule(text: string): { ok: true; rule: Rule } | { ok: false; issues: TextError[] } {
  const lines = new LineMap(text);
  let tree: Rule;
  let cursor: Cursor;
  try {
    cursor = new Cursor(tokenize(text), text);
    tree = new Parser(cursor).parseText();
  } catch (error) {
    if (error instanceof SyntaxFailure) return { ok: false, issues: [syntaxError(error, lines)] };
    throw error;
  }
  const issues = validate(tree, cursor, lines);
  return issues.length === 0 ? { ok: true, rule: tree } : { ok: false, issues };
}

/**
 * The canonical text of a rule: `parseRule(printRule(r))` gives back `r` for every valid rule, and printing what was
 * parsed normalises spacing, comments, operator spellings and clause order.
 * @example printRule({ type: 'segment', segment: 'Employees' }) // 'in segment "Employees"'
 */
export function printRule(rule: Rule): string {
  return print(rule);
}
