import type { AggregateRule, EventRule, Filter, SequenceRule, Window } from '../definition.js';
import { aggregateFns } from '../definition.js';
import type { Cursor } from './cursor.js';
import type { Token } from './lexer.js';
import { parsePath, parseTest, takeCmp } from './parse-values.js';

type Step = SequenceRule['steps'][number];

/** `did ["not" "do"] <event> [where] …`: an event leaf, or a sequence when `then` follows the first step. */
export function parseDid(cursor: Cursor): EventRule | SequenceRule {
  const did = cursor.take();
  let negated: Token | undefined;
  if (cursor.isWord('not')) {
    negated = cursor.take();
    cursor.expectWord('do', negated);
  }
  const first = parseStep(cursor);
  if (cursor.isWord('then')) {
    if (negated !== undefined) cursor.reject('"did not do" takes one event, not a sequence');
    return parseSequence(cursor, did.start, first);
  }
  const fields: Record<string, number> = { '': did.start, event: first.offset };
  const rule: EventRule = { type: 'event', event: first.step.event };
  if (first.step.where !== undefined) {
    rule.where = first.step.where;
    fields['where'] = first.whereOffset;
  }
  if (negated !== undefined) rule.count = cursor.mark({ op: '=' as const, value: 0 }, { '': negated.start });
  // The clauses after the event may come in any order, each once; the printer writes where, count, window.
  for (;;) {
    if (cursor.isWord('where') && rule.where === undefined) {
      fields['where'] = cursor.peek.start;
      rule.where = parseWhere(cursor);
    } else if (cursor.peek.kind === 'op' && negated !== undefined) {
      return cursor.reject('"did not do" takes no count (it means = 0 times)');
    } else if (cursor.peek.kind === 'op' && rule.count === undefined) {
      fields['count'] = cursor.peek.start;
      rule.count = parseCount(cursor);
    } else if (isWindowStart(cursor) && rule.window === undefined) {
      fields['window'] = cursor.peek.start;
      rule.window = parseWindow(cursor);
    } else break;
  }
  return cursor.mark(rule, fields);
}

/** `>= 3 times` (or `= 1 time`). */
function parseCount(cursor: Cursor): NonNullable<EventRule['count']> {
  const opToken = cursor.peek;
  const op = takeCmp(cursor) ?? cursor.fail('a comparison (=, !=, >, >=, <, <=)');
  const value = cursor.peek;
  if (value.kind !== 'number') cursor.fail('a number of times', opToken);
  cursor.take();
  if (!cursor.isWord('times') && !cursor.isWord('time')) cursor.fail('"times"', value);
  cursor.take();
  return cursor.mark({ op, value: value.number }, { '': opToken.start, value: value.start });
}

function parseStep(cursor: Cursor): { step: Step; offset: number; whereOffset: number } {
  const name = cursor.peek;
  if (name.kind !== 'string') cursor.fail('an event name in double quotes', cursor.previous);
  cursor.take();
  const step: Step = { event: name.text };
  const whereOffset = cursor.peek.start;
  if (cursor.isWord('where')) step.where = parseWhere(cursor);
  const fields: Record<string, number> = { '': name.start, event: name.start };
  if (step.where !== undefined) fields['where'] = whereOffset;
  return { step: cursor.mark(step, fields), offset: name.start, whereOffset };
}

function parseSequence(cursor: Cursor, start: number, first: { step: Step }): SequenceRule {
  const steps: Step[] = [first.step];
  while (cursor.isWord('then')) {
    cursor.take();
    steps.push(parseStep(cursor).step);
  }
  const rule: SequenceRule = { type: 'sequence', steps };
  const fields: Record<string, number> = { '': start, steps: start };
  for (;;) {
    if (cursor.isWord('within') && rule.within === undefined) {
      const within = cursor.take();
      fields['within'] = cursor.peek.start;
      rule.within = parseDuration(cursor, within);
    } else if (isWindowStart(cursor) && rule.window === undefined) {
      fields['window'] = cursor.peek.start;
      rule.window = parseWindow(cursor);
    } else break;
  }
  return cursor.mark(rule, fields);
}

/** `<fn> of <property> in <event> …` with a required comparison `> 500`; the caller has seen `<fn> of`. */
export function parseAggregate(cursor: Cursor): AggregateRule {
  const fnToken = cursor.take();
  const fn = fnToken.text as (typeof aggregateFns)[number];
  const of = cursor.expectWord('of', fnToken);
  const property = parsePath(cursor, 'a property name', of);
  const inToken = cursor.expectWord('in', property);
  const event = cursor.peek;
  if (event.kind !== 'string') cursor.fail('an event name in double quotes', inToken);
  cursor.take();
  const fields: Record<string, number> = {
    '': fnToken.start,
    fn: fnToken.start,
    property: property.start,
    event: event.start,
  };
  let where: Filter[] | undefined;
  let window: Window | undefined;
  let cmp: { op: AggregateRule['op']; value: number } | undefined;
  for (;;) {
    if (cursor.isWord('where') && where === undefined) {
      fields['where'] = cursor.peek.start;
      where = parseWhere(cursor);
    } else if (cursor.peek.kind === 'op' && cmp === undefined) {
      const opToken = cursor.peek;
      const op = takeCmp(cursor) ?? cursor.fail('a comparison (=, !=, >, >=, <, <=)');
      const value = cursor.peek;
      if (value.kind !== 'number') cursor.fail('a number', opToken);
      cursor.take();
      fields['op'] = opToken.start;
      fields['value'] = value.start;
      cmp = { op, value: value.number };
    } else if (isWindowStart(cursor) && window === undefined) {
      fields['window'] = cursor.peek.start;
      window = parseWindow(cursor);
    } else break;
  }
  if (cmp === undefined) return cursor.fail(`a comparison like "> 100" for the ${fn}`);
  const rule: AggregateRule = { type: 'aggregate', fn, event: event.text, property: property.text, ...cmp };
  if (where !== undefined) rule.where = where;
  if (window !== undefined) rule.window = window;
  return cursor.mark(rule, fields);
}

/** Whether `word` starts an aggregate: one of the functions followed by `of`, so `max = 3` stays a trait test. */
export function isAggregateStart(cursor: Cursor): boolean {
  const token = cursor.peek;
  return (
    token.kind === 'word' &&
    (aggregateFns as readonly string[]).includes(token.text) &&
    cursor.isWord('of', cursor.next)
  );
}

/** `where (<filter> and <filter> …)`; `where ()` is an empty list, which is not the same tree as no `where`. */
function parseWhere(cursor: Cursor): Filter[] {
  const where = cursor.take();
  cursor.expectPunct('(', where);
  const filters: Filter[] = cursor.mark([], { '': where.start });
  if (cursor.isPunct(')')) {
    cursor.take();
    return filters;
  }
  for (;;) {
    const test = parseTest(cursor, 'a property name');
    const filter: Filter = { property: test.path, op: test.op };
    if (test.value !== undefined) filter.value = test.value;
    const { path, op, value } = test.offsets;
    filters.push(cursor.mark(filter, { '': path, property: path, op, value }));
    if (cursor.isPunct(')')) break;
    if (cursor.isWord('or'))
      cursor.fail('"and" or ")"', undefined, 'every condition after where must hold, so only and joins them');
    if (!cursor.isWord('and')) cursor.fail('"and" or ")" to end the where list');
    cursor.take();
  }
  cursor.take();
  return filters;
}

function isWindowStart(cursor: Cursor): boolean {
  return (
    (cursor.isWord('in') && cursor.isWord('last', cursor.next)) || cursor.isWord('since') || cursor.isWord('between')
  );
}

/** `in last 90d`, `since "2024-01-01"` or `between "2024-01-01" and "2024-02-01"` (until is exclusive). */
function parseWindow(cursor: Cursor): Window {
  const start = cursor.take();
  if (start.text === 'in') {
    const last = cursor.take();
    const offset = cursor.peek.start;
    return cursor.mark({ last: parseDuration(cursor, last) }, { '': start.start, last: offset });
  }
  const since = parseTime(cursor, start);
  if (start.text === 'since') return cursor.mark({ since: since.text }, { '': start.start, since: since.start });
  const and = cursor.expectWord('and', since);
  const until = parseTime(cursor, and);
  return cursor.mark(
    { since: since.text, until: until.text },
    { '': start.start, since: since.start, until: until.start },
  );
}

function parseTime(cursor: Cursor, after: Token): Token {
  if (cursor.peek.kind !== 'string') cursor.fail('a date in double quotes, like "2024-01-01"', after);
  return cursor.take();
}

function parseDuration(cursor: Cursor, after: Token): string {
  if (cursor.peek.kind !== 'duration') cursor.fail('a duration like 30m, 12h, 90d or 2w', after);
  return cursor.take().text;
}
