import { describe, expect, it } from 'vitest';
import type { Op, Rule, Value } from '../../../src/segments/definition.js';
import { parseRule, printRule } from '../../../src/segments/text/index.js';

/** [text, tree, canonical text when it differs from the input]. */
type Example = readonly [string, Rule, string?];

const t = (trait: string, op: Op, value?: Value): Rule =>
  (value === undefined ? { type: 'trait', trait, op } : { type: 'trait', trait, op, value }) as Rule;
const a = t('a', '=', 1);
const b = t('b', '=', 2);
const c = t('c', '=', 3);

const traits: Example[] = [
  ['plan = "pro"', t('plan', '=', 'pro')],
  ['plan != "pro"', t('plan', '!=', 'pro')],
  ['age > 30', t('age', '>', 30)],
  ['age >= 30', t('age', '>=', 30)],
  ['age < 30', t('age', '<', 30)],
  ['age <= 30', t('age', '<=', 30)],
  ['vip = true', t('vip', '=', true)],
  ['vip != false', t('vip', '!=', false)],
  ['score = -1.5e-3', t('score', '=', -0.0015), 'score = -0.0015'],
  ['score = 1E+21', t('score', '=', 1e21), 'score = 1e+21'],
  ['score = -0', t('score', '=', -0)],
  ['account.industry in ("Retail", "Media")', t('account.industry', 'in', ['Retail', 'Media'])],
  ['tags in (1, true, "x")', t('tags', 'in', [1, true, 'x'])],
  ['country not in ("US")', t('country', 'not_in', ['US'])],
  ['country not_in ["US"]', t('country', 'not_in', ['US']), 'country not in ("US")'],
  ['email contains "@"', t('email', 'contains', '@')],
  ['email not contains "spam"', t('email', 'not_contains', 'spam')],
  ['email not_contains "spam"', t('email', 'not_contains', 'spam'), 'email not contains "spam"'],
  ['name starts_with "Dr"', t('name', 'starts_with', 'Dr')],
  ['email ends_with "@acme.com"', t('email', 'ends_with', '@acme.com')],
  ['phone exists', t('phone', 'exists')],
  ['phone not exists', t('phone', 'not_exists')],
  ['phone not_exists', t('phone', 'not_exists'), 'phone not exists'],
  ['ltv between 100 and 500', t('ltv', 'between', [100, 500])],
  ['ltv between [100, 500]', t('ltv', 'between', [100, 500]), 'ltv between 100 and 500'],
  ['signup between "2024-01-01" and "2024-02-01"', t('signup', 'between', ['2024-01-01', '2024-02-01'])],
  ['last_seen within_last 30d', t('last_seen', 'within_last', '30d')],
  ['last_seen within_last "30d"', t('last_seen', 'within_last', '30d'), 'last_seen within_last 30d'],
  ['last_seen not within_last 2w', t('last_seen', 'not_within_last', '2w')],
  ['last_seen not_within_last 12h', t('last_seen', 'not_within_last', '12h'), 'last_seen not within_last 12h'],
  ['signup_date before "2024-01-01"', t('signup_date', 'before', '2024-01-01')],
  ['signup_date after "2024-01-01T10:00:00Z"', t('signup_date', 'after', '2024-01-01T10:00:00Z')],
];

const names: Example[] = [
  ['`utm source` = "x"', t('utm source', '=', 'x')],
  ['`utm\\.source` = "x"', t('utm\\.source', '=', 'x')],
  ['`a``b` = 1', t('a`b', '=', 1)],
  ['`plan` = 1', t('plan', '=', 1), 'plan = 1'],
  ['`did` = 1', t('did', '=', 1)],
  ['`in` exists', t('in', 'exists')],
  ['`2fa` = true', t('2fa', '=', true)],
  ['`é.😀` exists', t('é.😀', 'exists')],
  ['$email exists', t('$email', 'exists')],
  ['a.b.0.c = 1', t('a.b.0.c', '=', 1)],
  ['max = 3', t('max', '=', 3), '`max` = 3'],
  ['where = 3', t('where', '=', 3), '`where` = 3'],
];

const strings: Example[] = [
  ['s = "say \\"hi\\""', t('s', '=', 'say "hi"')],
  ['s = "a\\\\b"', t('s', '=', 'a\\b')],
  ['s = "line\\nbreak\\ttab"', t('s', '=', 'line\nbreak\ttab')],
  ['s = "\\u00e9"', t('s', '=', 'é'), 's = "é"'],
  ['s = "\\ud83d\\ude00"', t('s', '=', '😀'), 's = "😀"'],
  ['s = "\\ud800"', t('s', '=', '\ud800')],
  ['s = "-- # ; DROP"', t('s', '=', '-- # ; DROP')],
  ['s = "\\/"', t('s', '=', '/'), 's = "/"'],
];

const events: Example[] = [
  ['did "Order Completed"', { type: 'event', event: 'Order Completed' }],
  ['did "Order Completed" >= 3 times', { type: 'event', event: 'Order Completed', count: { op: '>=', value: 3 } }],
  ['did "Order Completed" >= 1 time', { type: 'event', event: 'Order Completed', count: { op: '>=', value: 1 } }],
  ['did "X" < 2 times', { type: 'event', event: 'X', count: { op: '<', value: 2 } }],
  ['did "X" != 1 times', { type: 'event', event: 'X', count: { op: '!=', value: 1 } }, 'did "X" != 1 time'],
  ['did "X" = 0 times', { type: 'event', event: 'X', count: { op: '=', value: 0 } }, 'did not do "X"'],
  [
    'did not do "Login" in last 30d',
    { type: 'event', event: 'Login', count: { op: '=', value: 0 }, window: { last: '30d' } },
  ],
  ['did "X" in last 90d', { type: 'event', event: 'X', window: { last: '90d' } }],
  ['did "X" since "2024-01-01"', { type: 'event', event: 'X', window: { since: '2024-01-01' } }],
  [
    'did "X" between "2024-01-01" and "2024-02-01"',
    { type: 'event', event: 'X', window: { since: '2024-01-01', until: '2024-02-01' } },
  ],
  [
    'did "Order Completed" where (revenue > 100 and coupon exists)',
    {
      type: 'event',
      event: 'Order Completed',
      where: [
        { property: 'revenue', op: '>', value: 100 },
        { property: 'coupon', op: 'exists' },
      ],
    },
  ],
  ['did "X" where ()', { type: 'event', event: 'X', where: [] }],
  [
    'did "X" where (price between 1 and 2 and `utm source` in ("a"))',
    {
      type: 'event',
      event: 'X',
      where: [
        { property: 'price', op: 'between', value: [1, 2] },
        { property: 'utm source', op: 'in', value: ['a'] },
      ],
    },
  ],
  [
    'did "X" in last 7d >= 2 times where (a = 1)',
    {
      type: 'event',
      event: 'X',
      where: [{ property: 'a', op: '=', value: 1 }],
      count: { op: '>=', value: 2 },
      window: { last: '7d' },
    },
    'did "X" where (a = 1) >= 2 times in last 7d',
  ],
  [
    'did not do "X" where (a = 1) in last 2w',
    {
      type: 'event',
      event: 'X',
      where: [{ property: 'a', op: '=', value: 1 }],
      count: { op: '=', value: 0 },
      window: { last: '2w' },
    },
  ],
];

const aggregates: Example[] = [
  [
    'sum of revenue in "Order Completed" > 500 in last 365d',
    {
      type: 'aggregate',
      fn: 'sum',
      event: 'Order Completed',
      property: 'revenue',
      op: '>',
      value: 500,
      window: { last: '365d' },
    },
  ],
  [
    'avg of price in "Viewed" >= 9.5',
    { type: 'aggregate', fn: 'avg', event: 'Viewed', property: 'price', op: '>=', value: 9.5 },
  ],
  [
    'min of price in "Viewed" < 1',
    { type: 'aggregate', fn: 'min', event: 'Viewed', property: 'price', op: '<', value: 1 },
  ],
  [
    'max of price in "Viewed" <= 10',
    { type: 'aggregate', fn: 'max', event: 'Viewed', property: 'price', op: '<=', value: 10 },
  ],
  [
    'count_distinct of `product.sku` in "Order Completed" where (coupon not exists) != 3 since "2024-01-01"',
    {
      type: 'aggregate',
      fn: 'count_distinct',
      event: 'Order Completed',
      property: 'product.sku',
      where: [{ property: 'coupon', op: 'not_exists' }],
      op: '!=',
      value: 3,
      window: { since: '2024-01-01' },
    },
    'count_distinct of product.sku in "Order Completed" where (coupon not exists) != 3 since "2024-01-01"',
  ],
  [
    'sum of revenue in "X" in last 30d = 0',
    { type: 'aggregate', fn: 'sum', event: 'X', property: 'revenue', op: '=', value: 0, window: { last: '30d' } },
    'sum of revenue in "X" = 0 in last 30d',
  ],
];

const sequences: Example[] = [
  ['did "A" then "B"', { type: 'sequence', steps: [{ event: 'A' }, { event: 'B' }] }],
  [
    'did "Product Viewed" then "Product Added" then "Order Completed" within 1d in last 30d',
    {
      type: 'sequence',
      steps: [{ event: 'Product Viewed' }, { event: 'Product Added' }, { event: 'Order Completed' }],
      within: '1d',
      window: { last: '30d' },
    },
  ],
  [
    'did "A" where (x = 1) then "B" where (y exists and z != "q") between "2024-01-01" and "2024-03-01"',
    {
      type: 'sequence',
      steps: [
        { event: 'A', where: [{ property: 'x', op: '=', value: 1 }] },
        {
          event: 'B',
          where: [
            { property: 'y', op: 'exists' },
            { property: 'z', op: '!=', value: 'q' },
          ],
        },
      ],
      window: { since: '2024-01-01', until: '2024-03-01' },
    },
  ],
  [
    'did "A" then "B" in last 7d within 30m',
    { type: 'sequence', steps: [{ event: 'A' }, { event: 'B' }], within: '30m', window: { last: '7d' } },
    'did "A" then "B" within 30m in last 7d',
  ],
];

const booleans: Example[] = [
  ['in segment "Employees"', { type: 'segment', segment: 'Employees' }],
  ['not in segment "Employees"', { type: 'not', rule: { type: 'segment', segment: 'Employees' } }],
  ['a = 1 and b = 2 and c = 3', { type: 'and', rules: [a, b, c] }],
  ['a = 1 or b = 2 or c = 3', { type: 'or', rules: [a, b, c] }],
  ['a = 1 or b = 2 and c = 3', { type: 'or', rules: [a, { type: 'and', rules: [b, c] }] }],
  ['a = 1 and b = 2 or c = 3', { type: 'or', rules: [{ type: 'and', rules: [a, b] }, c] }],
  [
    '(a = 1 and b = 2) or c = 3',
    { type: 'or', rules: [{ type: 'and', rules: [a, b] }, c] },
    'a = 1 and b = 2 or c = 3',
  ],
  ['(a = 1 or b = 2) and c = 3', { type: 'and', rules: [{ type: 'or', rules: [a, b] }, c] }],
  ['a = 1 and (b = 2 and c = 3)', { type: 'and', rules: [a, { type: 'and', rules: [b, c] }] }],
  ['(a = 1 or b = 2) or c = 3', { type: 'or', rules: [{ type: 'or', rules: [a, b] }, c] }],
  ['((a = 1))', a, 'a = 1'],
  ['not a = 1', { type: 'not', rule: a }],
  ['not not a = 1', { type: 'not', rule: { type: 'not', rule: a } }],
  ['not a = 1 and b = 2', { type: 'and', rules: [{ type: 'not', rule: a }, b] }],
  ['not (a = 1 and b = 2)', { type: 'not', rule: { type: 'and', rules: [a, b] } }],
  ['and(a = 1)', { type: 'and', rules: [a] }],
  ['or(a = 1)', { type: 'or', rules: [a] }],
  ['not and(a = 1)', { type: 'not', rule: { type: 'and', rules: [a] } }],
  [
    'and(a = 1, b = 2 or c = 3)',
    { type: 'and', rules: [a, { type: 'or', rules: [b, c] }] },
    'a = 1 and (b = 2 or c = 3)',
  ],
  ['and(a = 1 or b = 2)', { type: 'and', rules: [{ type: 'or', rules: [a, b] }] }],
  [
    '# VIPs\nplan = "pro" # paying\n  and # and recent\n  did "Login" in last 7d\n# end',
    { type: 'and', rules: [t('plan', '=', 'pro'), { type: 'event', event: 'Login', window: { last: '7d' } }] },
    'plan = "pro" and did "Login" in last 7d',
  ],
  [
    'country in ("US","CA") and did "Order Completed" >= 3 times in last 90d and not in segment "Employees"',
    {
      type: 'and',
      rules: [
        t('country', 'in', ['US', 'CA']),
        { type: 'event', event: 'Order Completed', count: { op: '>=', value: 3 }, window: { last: '90d' } },
        { type: 'not', rule: { type: 'segment', segment: 'Employees' } },
      ],
    },
    'country in ("US", "CA")\nand did "Order Completed" >= 3 times in last 90d\nand not in segment "Employees"',
  ],
];

const groups: Readonly<Record<string, readonly Example[]>> = {
  'trait operators': traits,
  names,
  strings,
  events,
  aggregates,
  sequences,
  'boolean structure': booleans,
};

for (const [group, examples] of Object.entries(groups)) {
  describe(group, () => {
    const cases = examples.map(([text, tree, canonical]) => ({ text, tree, canonical: canonical ?? text }));
    it.each(cases)('$text', ({ text, tree, canonical }) => {
      expect(parseRule(text)).toEqual({ ok: true, rule: tree });
      expect(printRule(tree)).toBe(canonical);
      expect(parseRule(canonical)).toEqual({ ok: true, rule: tree });
    });
  });
}

describe('layout', () => {
  it('breaks long groups one operand per line and parenthesises broken and-groups inside or', () => {
    const long = (n: number) => t(`trait_${n}_${'x'.repeat(20)}`, '=', `value ${n}`);
    const tree: Rule = {
      type: 'or',
      rules: [
        { type: 'and', rules: [long(1), long(2), long(3)] },
        { type: 'not', rule: { type: 'or', rules: [long(4), long(5), long(6)] } },
        { type: 'segment', segment: 'VIP' },
      ],
    };
    const text = printRule(tree);
    expect(text).toBe(
      [
        '(',
        '  trait_1_xxxxxxxxxxxxxxxxxxxx = "value 1"',
        '  and trait_2_xxxxxxxxxxxxxxxxxxxx = "value 2"',
        '  and trait_3_xxxxxxxxxxxxxxxxxxxx = "value 3"',
        ')',
        'or not (',
        '  trait_4_xxxxxxxxxxxxxxxxxxxx = "value 4"',
        '  or trait_5_xxxxxxxxxxxxxxxxxxxx = "value 5"',
        '  or trait_6_xxxxxxxxxxxxxxxxxxxx = "value 6"',
        ')',
        'or in segment "VIP"',
      ].join('\n'),
    );
    expect(parseRule(text)).toEqual({ ok: true, rule: tree });
  });
});
