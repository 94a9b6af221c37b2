/**
 * The operators and aggregate functions of the segment definition language, without the schema: the Zod schema
 * (`definition.ts`) and the dashboard's builder (`web/`, which does not bundle Zod) read the same lists.
 */

export const cmpOps = ['=', '!=', '>', '>=', '<', '<='] as const;
export type CmpOp = (typeof cmpOps)[number];

export const ops = [
  ...cmpOps,
  'in',
  'not_in',
  'contains',
  'not_contains',
  'starts_with',
  'ends_with',
  'exists',
  'not_exists',
  'between',
  'within_last',
  'not_within_last',
  'before',
  'after',
] as const;
export type Op = (typeof ops)[number];

export const aggregateFns = ['sum', 'avg', 'min', 'max', 'count_distinct'] as const;
export type AggregateFn = (typeof aggregateFns)[number];
