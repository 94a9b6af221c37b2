import type { CmpOp } from '../definition.js';

/**
 * The lowered form of a segment: no sugar, no relative times, no names to resolve. The SQL compiler and the JS
 * evaluator both walk exactly this, so they agree by construction on what a rule means.
 *
 * Times are epoch milliseconds (UTC). Every node is plain data: readonly and JSON-serialisable.
 */

/** The type a value is compared as; a stored value of another JSON type counts as missing. */
export type ValueType = 'number' | 'string' | 'boolean' | 'time';

/** Where a user-level value comes from. */
export type ValueRef =
  | { readonly source: 'trait'; readonly path: readonly string[] }
  | { readonly source: 'account'; readonly path: readonly string[] }
  | { readonly source: 'builtin'; readonly name: 'first_seen' | 'last_seen' };

/**
 * A test on one value. Negated forms (`!=`, `not_in`, `not_contains`, `not_exists`, `not_within_last`) are
 * `{ negate: true }` on the positive form: the exact negation, so they hold when the value is missing.
 */
export type Predicate =
  | { readonly kind: 'exists'; readonly negate: boolean }
  | {
      readonly kind: 'cmp';
      readonly op: Exclude<CmpOp, '!='>;
      readonly type: ValueType;
      readonly value: number | string | boolean;
      readonly negate: boolean;
    }
  | {
      readonly kind: 'in';
      readonly type: ValueType;
      readonly values: readonly (number | string | boolean)[];
      readonly negate: boolean;
    }
  | {
      readonly kind: 'text';
      readonly op: 'contains' | 'starts_with' | 'ends_with';
      /** Already lower-cased: the match is case-insensitive. */
      readonly value: string;
      readonly negate: boolean;
    }
  /** `between` (both ends inclusive) and `within_last` (`T-d < v <= T`). */
  | {
      readonly kind: 'range';
      readonly type: 'number' | 'time';
      readonly low: number;
      readonly lowInclusive: boolean;
      readonly high: number;
      readonly highInclusive: boolean;
      readonly negate: boolean;
    };

/** A test on an event property. */
export interface PropertyTest {
  readonly path: readonly string[];
  readonly predicate: Predicate;
}

/** Events with `from < ts <= to` (or `from <= ts` when `fromInclusive`); `to` never exceeds the evaluation time. */
export interface TimeRange {
  readonly from: number | null;
  readonly fromInclusive: boolean;
  readonly to: number;
  readonly toInclusive: boolean;
}

/** Which events a leaf looks at. */
export interface EventSelector {
  readonly event: string;
  readonly where: readonly PropertyTest[];
  readonly range: TimeRange;
}

export type IrNode =
  | { readonly kind: 'and'; readonly children: readonly IrNode[] }
  | { readonly kind: 'or'; readonly children: readonly IrNode[] }
  | { readonly kind: 'not'; readonly child: IrNode }
  | { readonly kind: 'const'; readonly value: boolean; readonly reason: string }
  | { readonly kind: 'value'; readonly ref: ValueRef; readonly predicate: Predicate }
  | { readonly kind: 'count'; readonly select: EventSelector; readonly op: CmpOp; readonly value: number }
  | {
      readonly kind: 'aggregate';
      readonly fn: 'sum' | 'avg' | 'min' | 'max' | 'count_distinct';
      readonly select: EventSelector;
      readonly property: readonly string[];
      readonly op: CmpOp;
      readonly value: number;
    }
  | {
      readonly kind: 'sequence';
      readonly steps: readonly { readonly event: string; readonly where: readonly PropertyTest[] }[];
      readonly range: TimeRange;
      readonly withinMs: number | null;
    }
  /** Membership of a static segment (an uploaded list of user ids). */
  | { readonly kind: 'static'; readonly segmentId: string };

export type IrKind = IrNode['kind'];

/** A lowered segment: the tree, the time it was lowered for, and what it depends on. */
export interface SegmentIr {
  readonly root: IrNode;
  readonly asOf: number;
  /** Event names the rule reads, for real-time invalidation. */
  readonly events: readonly string[];
  /** Top-level trait keys the rule reads. */
  readonly traits: readonly string[];
  /** True when membership can change with time alone (relative windows, `within_last`, has-not-done). */
  readonly timeDependent: boolean;
}
