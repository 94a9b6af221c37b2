/**
 * The segment definition format as the dashboard reads and writes it (docs/segments.md; the server's Zod schema in
 * src/segments/definition.ts is the authority and checks everything the builder sends).
 */

// The server's own lists (Zod-free), so the builder offers exactly the operators the schema accepts.
import type { AggregateFn, CmpOp, Op } from '../../../../src/segments/operators';

export {
  aggregateFns as AGGREGATE_FNS,
  cmpOps as CMP_OPS,
  ops as OPS,
} from '../../../../src/segments/operators';
export type { AggregateFn, CmpOp, Op };

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
