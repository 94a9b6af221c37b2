import type { Predicate, ValueType } from './nodes.js';

const shown = (value: number | string | boolean, type: ValueType): string => {
  if (type === 'time' && typeof value === 'number') return new Date(value).toISOString();
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
};

/**
 * What a predicate asks of a value, in words and the rule's own operators (`= "pro"`, `in [1, 2]`,
 * `in (2024-05-02T00:00:00.000Z, 2024-06-01T00:00:00.000Z]`), for `explain`. A negated comparison says "not <"
 * rather than ">=": the negation also holds when the value is missing.
 */
export function describePredicate(predicate: Predicate): string {
  switch (predicate.kind) {
    case 'exists':
      return predicate.negate ? 'is missing' : 'exists';
    case 'cmp': {
      const value = shown(predicate.value, predicate.type);
      if (!predicate.negate) return `${predicate.op} ${value}`;
      return predicate.op === '=' ? `!= ${value}` : `not ${predicate.op} ${value}`;
    }
    case 'in':
      return `${predicate.negate ? 'not in' : 'in'} [${predicate.values.map((v) => shown(v, predicate.type)).join(', ')}]`;
    case 'text':
      return `${predicate.negate ? 'not ' : ''}${predicate.op.replace('_', ' ')} ${JSON.stringify(predicate.value)} (any case)`;
    case 'range': {
      const low = shown(predicate.low, predicate.type);
      const high = shown(predicate.high, predicate.type);
      const interval = `${predicate.lowInclusive ? '[' : '('}${low}, ${high}${predicate.highInclusive ? ']' : ')'}`;
      return `${predicate.negate ? 'not in' : 'in'} ${interval}`;
    }
  }
}
