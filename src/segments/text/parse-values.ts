import { type CmpOp, cmpOps as cmpOpList, type Op, type Scalar, type Value } from '../definition.js';
import type { Cursor } from './cursor.js';
import type { Token } from './lexer.js';
import { negatable, wordOps } from './vocabulary.js';

/** `<path> <op> [<value>]`: the shape of both a trait leaf and an event filter. */
export interface Test {
  readonly path: string;
  readonly op: Op;
  readonly value: Value | undefined;
  readonly offsets: { readonly path: number; readonly op: number; readonly value: number };
}

const cmpOps: ReadonlySet<string> = new Set(cmpOpList);

/** Said when a name is written like a value, the likeliest slip for a name with spaces. */
export const nameHint = 'names are bare or in backticks, like `utm source`; double quotes are for values';

/** A key path: a bare word or a backtick-quoted name. */
export function parsePath(cursor: Cursor, what: string, after?: Token): Token {
  const token = cursor.peek;
  if (token.kind === 'string') cursor.fail(what, after, nameHint);
  if (token.kind !== 'word' && token.kind !== 'ident') cursor.fail(what, after);
  return cursor.take();
}

/** A comparison operator, if the current token is one. */
export function takeCmp(cursor: Cursor): CmpOp | undefined {
  const token = cursor.peek;
  if (token.kind !== 'op' || !cmpOps.has(token.text)) return undefined;
  cursor.take();
  return token.text as CmpOp;
}

/** `<path> <op> [<value>]`, where the operator decides what value follows. */
export function parseTest(cursor: Cursor, what: string): Test {
  const pathToken = parsePath(cursor, what);
  const opToken = cursor.peek;
  const op = parseOp(cursor, pathToken);
  const valueOffset = cursor.peek.start;
  const value = parseOpValue(cursor, op, cursor.previous);
  return { path: pathToken.text, op, value, offsets: { path: pathToken.start, op: opToken.start, value: valueOffset } };
}

function parseOp(cursor: Cursor, after: Token): Op {
  const token = cursor.peek;
  if (token.kind === 'op') return cursor.take().text as Op;
  if (cursor.isWord('not')) {
    const negated = cursor.next;
    if (negated.kind === 'word' && negatable.has(negated.text)) {
      cursor.take();
      cursor.take();
      return `not_${negated.text}` as Op;
    }
    cursor.take();
    cursor.fail('in, contains, exists or within_last after "not"');
  }
  if (token.kind === 'word' && wordOps.has(token.text)) return cursor.take().text as Op;
  return cursor.fail('an operator (such as =, >=, in, contains, exists or between)', after);
}

function parseOpValue(cursor: Cursor, op: Op, after: Token): Value | undefined {
  switch (op) {
    case 'exists':
    case 'not_exists':
      return undefined;
    case 'between': {
      if (cursor.isPunct('(') || cursor.isPunct('[')) return parseList(cursor);
      const low = parseScalar(cursor, after);
      const and = cursor.expectWord('and', cursor.previous);
      return [low, parseScalar(cursor, and)];
    }
    case 'within_last':
    case 'not_within_last':
      if (cursor.peek.kind === 'duration') return cursor.take().text;
      return parseValue(cursor, after);
    default:
      return parseValue(cursor, after);
  }
}

/** A scalar or a list `("a", "b")` (square brackets are accepted too). */
export function parseValue(cursor: Cursor, after: Token): Value {
  if (cursor.isPunct('(') || cursor.isPunct('[')) return parseList(cursor);
  return parseScalar(cursor, after);
}

function parseList(cursor: Cursor): Scalar[] {
  const open = cursor.take();
  const close = open.text === '(' ? ')' : ']';
  const items: Scalar[] = [];
  if (cursor.isPunct(close)) {
    cursor.take();
    return items;
  }
  for (;;) {
    items.push(parseScalar(cursor, cursor.previous));
    if (cursor.isPunct(close)) break;
    if (!cursor.isPunct(',')) cursor.fail(`"," or "${close}" in the list`);
    cursor.take();
  }
  cursor.take();
  return items;
}

/** A string, number, true or false. */
export function parseScalar(cursor: Cursor, after: Token): Scalar {
  const token = cursor.peek;
  if (token.kind === 'string') return cursor.take().text;
  if (token.kind === 'number') return cursor.take().number;
  if (cursor.isWord('true') || cursor.isWord('false')) return cursor.take().text === 'true';
  const hint = token.kind === 'word' ? 'strings go in double quotes' : undefined;
  return cursor.fail('a value (a "string", a number, true or false)', after, hint);
}
