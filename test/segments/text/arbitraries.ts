import fc from 'fast-check';
import {
  type AggregateRule,
  aggregateFns,
  cmpOps,
  type EventRule,
  type Filter,
  type Op,
  type Rule,
  type SequenceRule,
  type Value,
  type Window,
} from '../../../src/segments/definition.js';

/**
 * Generators of valid rule trees for the round-trip property. Strings lean hostile: quotes, backslashes, backticks,
 * `--`, comment marks, line breaks, lone surrogates, emoji, `$`, dots and the language's own keywords.
 */

export const nasty = [
  '"',
  '\\',
  '`',
  '``',
  '.',
  '\\.',
  '$',
  '--',
  '#',
  ' ',
  '\n',
  '\r\n',
  '\t',
  '\0',
  '\u2028',
  'é',
  'e\u0301',
  '😀',
  '\uD800',
  '\uDFFF',
  '(',
  ')',
  ',',
  '=',
  'and',
  'or',
  'not',
  'did',
  'in',
  'segment',
  'where',
  'then',
  'true',
  '1',
  '-',
  '90d',
  'sum',
  'of',
  '\\u0041',
];

/** Any text, weighted towards pieces that break naive quoting. */
export const hostile: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: fc.constantFrom(...nasty), maxLength: 6 }),
  fc.constantFrom('plan', 'account.industry', 'utm\\.source', '$email', 'a..b', 'a.', '_x', 'x$1', 'min', 'exists'),
);
export const nonEmpty = hostile.filter((s) => s.length > 0);
/** Key paths: at most 512 characters, so the schema's limit never rejects a generated tree. */
export const keyPath = nonEmpty.filter((s) => s.length <= 512);

export const duration = fc
  .tuple(fc.integer({ min: 1, max: 999_999 }), fc.constantFrom('m', 'h', 'd', 'w'))
  .map(([n, unit]) => `${n}${unit}`);

export const isoTime = fc.oneof(
  fc
    .date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString()),
  fc.constantFrom('2024-01-01', '2024-02-29T12:30:00+02:00', '2024-01-01T00:00:00', '1'),
);

const number = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.constant(-0));
const scalar = fc.oneof(hostile, number, fc.boolean());

/** An operator with a value that the schema accepts for it. */
const opValue: fc.Arbitrary<{ op: Op; value?: Value }> = fc.oneof(
  fc.record({ op: fc.constantFrom(...cmpOps), value: scalar }),
  fc.record({ op: fc.constantFrom('in', 'not_in'), value: fc.array(scalar, { minLength: 1, maxLength: 4 }) }),
  fc.record({ op: fc.constantFrom('contains', 'not_contains', 'starts_with', 'ends_with'), value: hostile }),
  fc.record({ op: fc.constantFrom('exists', 'not_exists') }),
  fc.record({ op: fc.constant('between'), value: fc.oneof(fc.tuple(number, number), fc.tuple(hostile, hostile)) }),
  fc.record({ op: fc.constantFrom('within_last', 'not_within_last'), value: duration }),
  fc.record({ op: fc.constantFrom('before', 'after'), value: isoTime }),
);

export const filter: fc.Arbitrary<Filter> = fc.tuple(keyPath, opValue).map(([property, ov]) => ({ property, ...ov }));
const where = fc.array(filter, { maxLength: 3 });

export const window: fc.Arbitrary<Window> = fc.oneof(
  fc.record({ last: duration }),
  fc.record({ since: isoTime, until: isoTime }, { requiredKeys: ['since'] }),
);

const trait: fc.Arbitrary<Rule> = fc.tuple(keyPath, opValue).map(([trait, ov]) => ({ type: 'trait', trait, ...ov }));

const event: fc.Arbitrary<EventRule> = fc.record(
  {
    type: fc.constant('event'),
    event: nonEmpty,
    where,
    count: fc.record({ op: fc.constantFrom(...cmpOps), value: fc.nat() }),
    window,
  },
  { requiredKeys: ['type', 'event'] },
);

const aggregate: fc.Arbitrary<AggregateRule> = fc.record(
  {
    type: fc.constant('aggregate'),
    fn: fc.constantFrom(...aggregateFns),
    event: nonEmpty,
    property: keyPath,
    where,
    window,
    op: fc.constantFrom(...cmpOps),
    value: number,
  },
  { requiredKeys: ['type', 'fn', 'event', 'property', 'op', 'value'] },
);

const sequence: fc.Arbitrary<SequenceRule> = fc.record(
  {
    type: fc.constant('sequence'),
    steps: fc.array(fc.record({ event: nonEmpty, where }, { requiredKeys: ['event'] }), { minLength: 2, maxLength: 8 }),
    within: duration,
    window,
  },
  { requiredKeys: ['type', 'steps'] },
);

const segment: fc.Arbitrary<Rule> = fc.record({ type: fc.constant('segment'), segment: nonEmpty });

export const leaf: fc.Arbitrary<Rule> = fc.oneof(trait, event, aggregate, sequence, segment);

/** Any valid rule, nested a few levels deep, including one-operand groups and same-operator nesting. */
export const rule: fc.Arbitrary<Rule> = fc.letrec<{ rule: Rule }>((tie) => ({
  rule: fc.oneof(
    { maxDepth: 4, depthIdentifier: 'rule' },
    leaf,
    fc.record({ type: fc.constant('and'), rules: fc.array(tie('rule'), { minLength: 1, maxLength: 4 }) }),
    fc.record({ type: fc.constant('or'), rules: fc.array(tie('rule'), { minLength: 1, maxLength: 4 }) }),
    fc.record({ type: fc.constant('not'), rule: tie('rule') }),
  ),
})).rule;
