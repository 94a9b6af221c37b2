import { describe, expect, it } from 'vitest';
import { describePredicate } from '../../src/segments/ir/describe.js';

const MAY_2 = Date.parse('2024-05-02T00:00:00Z');
const JUNE_1 = Date.parse('2024-06-01T00:00:00Z');

describe('describePredicate', () => {
  it('says what each kind of test asks, in the rule’s operators', () => {
    expect(describePredicate({ kind: 'exists', negate: false })).toBe('exists');
    expect(describePredicate({ kind: 'exists', negate: true })).toBe('is missing');
    expect(describePredicate({ kind: 'cmp', op: '=', type: 'string', value: 'pro', negate: false })).toBe('= "pro"');
    expect(describePredicate({ kind: 'cmp', op: '=', type: 'string', value: 'pro', negate: true })).toBe('!= "pro"');
    // "not < 3" also holds for a missing value, where ">= 3" would not.
    expect(describePredicate({ kind: 'cmp', op: '<', type: 'number', value: 3, negate: true })).toBe('not < 3');
    expect(describePredicate({ kind: 'cmp', op: '>=', type: 'boolean', value: true, negate: false })).toBe('>= true');
    expect(describePredicate({ kind: 'cmp', op: '<', type: 'time', value: JUNE_1, negate: false })).toBe(
      '< 2024-06-01T00:00:00.000Z',
    );
    expect(describePredicate({ kind: 'in', type: 'number', values: [1, 2.5], negate: false })).toBe('in [1, 2.5]');
    expect(describePredicate({ kind: 'in', type: 'string', values: ['a "b"', 'c'], negate: true })).toBe(
      'not in ["a \\"b\\"", "c"]',
    );
    expect(describePredicate({ kind: 'text', op: 'starts_with', value: 'ann', negate: false })).toBe(
      'starts with "ann" (any case)',
    );
    expect(describePredicate({ kind: 'text', op: 'contains', value: 'x', negate: true })).toBe(
      'not contains "x" (any case)',
    );
    expect(
      describePredicate({
        kind: 'range',
        type: 'number',
        low: 1,
        lowInclusive: true,
        high: 5,
        highInclusive: true,
        negate: false,
      }),
    ).toBe('in [1, 5]');
    // within_last 30d as of June 1: T-30d < v <= T.
    expect(
      describePredicate({
        kind: 'range',
        type: 'time',
        low: MAY_2,
        lowInclusive: false,
        high: JUNE_1,
        highInclusive: true,
        negate: true,
      }),
    ).toBe('not in (2024-05-02T00:00:00.000Z, 2024-06-01T00:00:00.000Z]');
  });
});
