import { z } from 'zod';
import { aggregateFns, cmpOps, ops } from './operators.js';

/**
 * The segment definition language: the public contract (docs/segments.md). One Zod schema gives the TypeScript
 * types, validates API bodies, CLI files and dashboard forms, and is exported as JSON Schema for OpenAPI.
 */

export const durationPattern = /^([1-9][0-9]{0,5})(m|h|d|w)$/;
export const duration = z
  .string()
  .regex(durationPattern, { message: 'must be a duration like 30m, 12h, 90d or 2w' })
  .describe('A duration: <n>m (minutes), <n>h, <n>d or <n>w');
export type Duration = z.infer<typeof duration>;

const isoTime = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), { message: 'must be an ISO-8601 date or date-time' })
  .describe('An ISO-8601 date or date-time; a time without zone is UTC');

export const window = z
  .union([z.strictObject({ last: duration }), z.strictObject({ since: isoTime, until: isoTime.optional() })])
  .describe('{"last": "30d"} means T-30d < ts <= T; {"since", "until"} means since <= ts < until (and ts <= T)');
export type Window = z.infer<typeof window>;

export { aggregateFns, cmpOps, ops } from './operators.js';
export const cmpOp = z.enum(cmpOps);
export type CmpOp = z.infer<typeof cmpOp>;
export const op = z.enum(ops);
export type Op = z.infer<typeof op>;

const scalar = z.union([z.string(), z.number(), z.boolean()]);
export type Scalar = z.infer<typeof scalar>;
export const value = z.union([scalar, z.array(scalar)]);
export type Value = z.infer<typeof value>;

/** A property or trait path: dots separate nested keys (`address.city`, `products.0.price`). */
const path = z.string().min(1, 'must not be empty').max(512);

/** The value each operator takes, checked after parsing so the message can name the operator. */
function checkValue(item: { op: Op; value?: Value | undefined }, ctx: z.RefinementCtx): void {
  const v = item.value;
  const fail = (message: string) =>
    ctx.addIssue({ code: 'custom', path: ['value'], message, params: { code: 'invalid_value' } });
  switch (item.op) {
    case 'exists':
    case 'not_exists':
      if (v !== undefined) fail(`${item.op} takes no value`);
      return;
    case 'in':
    case 'not_in':
      if (!Array.isArray(v) || v.length === 0) fail(`${item.op} takes a non-empty list of values`);
      return;
    case 'between':
      if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== typeof v[1] || typeof v[0] === 'boolean') {
        fail('between takes [low, high]: two numbers or two ISO times');
      }
      return;
    case 'within_last':
    case 'not_within_last':
      if (typeof v !== 'string' || !durationPattern.test(v)) fail(`${item.op} takes a duration like "30d"`);
      return;
    case 'before':
    case 'after':
      if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) fail(`${item.op} takes an ISO time`);
      return;
    case 'contains':
    case 'not_contains':
    case 'starts_with':
    case 'ends_with':
      if (typeof v !== 'string') fail(`${item.op} takes a string`);
      return;
    default:
      if (v === undefined || Array.isArray(v)) fail(`${item.op} takes one value (a string, number or boolean)`);
  }
}

export const filter = z
  .strictObject({ property: path, op, value: value.optional() })
  .superRefine(checkValue)
  .describe('A condition on an event property');
export type Filter = z.infer<typeof filter>;

export const traitRule = z
  .strictObject({ type: z.literal('trait'), trait: path, op, value: value.optional() })
  .superRefine(checkValue);

export const eventRule = z.strictObject({
  type: z.literal('event'),
  event: z.string().min(1),
  where: z.array(filter).optional(),
  count: z.strictObject({ op: cmpOp, value: z.number().int().min(0) }).optional(),
  window: window.optional(),
});

export const aggregateRule = z.strictObject({
  type: z.literal('aggregate'),
  fn: z.enum(aggregateFns),
  event: z.string().min(1),
  property: path,
  where: z.array(filter).optional(),
  window: window.optional(),
  op: cmpOp,
  value: z.number(),
});

export const sequenceRule = z.strictObject({
  type: z.literal('sequence'),
  steps: z
    .array(z.strictObject({ event: z.string().min(1), where: z.array(filter).optional() }))
    .min(2, 'a sequence has at least two steps')
    .max(8, 'a sequence has at most eight steps'),
  within: duration.optional(),
  window: window.optional(),
});

export const segmentRefRule = z.strictObject({ type: z.literal('segment'), segment: z.string().min(1) });

export type TraitRule = z.infer<typeof traitRule>;
export type EventRule = z.infer<typeof eventRule>;
export type AggregateRule = z.infer<typeof aggregateRule>;
export type SequenceRule = z.infer<typeof sequenceRule>;
export type SegmentRefRule = z.infer<typeof segmentRefRule>;
export type Rule =
  | { type: 'and'; rules: Rule[] }
  | { type: 'or'; rules: Rule[] }
  | { type: 'not'; rule: Rule }
  | TraitRule
  | EventRule
  | AggregateRule
  | SequenceRule
  | SegmentRefRule;

export const rule: z.ZodType<Rule> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('and'), rules: z.array(rule).min(1, 'needs at least one rule') }),
    z.strictObject({ type: z.literal('or'), rules: z.array(rule).min(1, 'needs at least one rule') }),
    z.strictObject({ type: z.literal('not'), rule }),
    traitRule,
    eventRule,
    aggregateRule,
    sequenceRule,
    segmentRefRule,
  ]),
);

export const segmentName = z
  .string()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .refine((name) => name.trim() === name, { message: 'must not start or end with spaces' });

export const segmentDefinition = z.strictObject({
  name: segmentName,
  description: z.string().max(2000).optional(),
  rule,
});
export type SegmentDefinition = z.infer<typeof segmentDefinition>;
