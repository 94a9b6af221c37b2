/**
 * The segment definition format as the dashboard reads and writes it (docs/segments.md; the server's Zod schema in
 * src/segments/definition.ts is the authority and checks everything the builder sends).
 */

export const CMP_OPS = ['=', '!=', '>', '>=', '<', '<='] as const;
export type CmpOp = (typeof CMP_OPS)[number];

export const OPS = [
  ...CMP_OPS,
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
export type Op = (typeof OPS)[number];

export const AGGREGATE_FNS = ['sum', 'avg', 'min', 'max', 'count_distinct'] as const;
export type AggregateFn = (typeof AGGREGATE_FNS)[number];

export type Scalar = string | number | boolean;
export type Value = Scalar | Scalar[];

export interface Filter {
  property: string;
  op: Op;
  value?: Value;
}

export type Window = { last: string } | { since: string; until?: string };

export type Rule =
  | { type: 'and' | 'or'; rules: Rule[] }
  | { type: 'not'; rule: Rule }
  | { type: 'trait'; trait: string; op: Op; value?: Value }
  | { type: 'event'; event: string; where?: Filter[]; count?: { op: CmpOp; value: number }; window?: Window }
  | {
      type: 'aggregate';
      fn: AggregateFn;
      event: string;
      property: string;
      where?: Filter[];
      window?: Window;
      op: CmpOp;
      value: number;
    }
  | { type: 'sequence'; steps: { event: string; where?: Filter[] }[]; within?: string; window?: Window }
  | { type: 'segment'; segment: string };

/** What `POST /api/segments/translate` answers. */
export type Translation =
  | { readonly valid: true; readonly rule: Rule; readonly text: string }
  | { readonly valid: false; readonly issues: readonly { code: string; path?: string; message: string }[] };

/** `POST /api/segments/preview`. */
export interface Preview {
  readonly count: number;
  readonly asOf: string;
  readonly durationMs: number;
}

/** A saved segment as `GET /api/segments/:id` answers it. */
export interface SavedSegment {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly kind: 'dynamic' | 'static';
  readonly rule: Rule | null;
  readonly version: number;
  readonly text: string | null;
}

export interface SegmentVersion {
  readonly version: number;
  readonly name: string;
  readonly description: string | null;
  readonly rule: Rule | null;
  readonly createdAt: string;
}
