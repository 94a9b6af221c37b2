import { type CmpOp, OPS, type Op, type Scalar, type Value } from './rule-types';

/** What a catalog field holds (GET /api/catalog). */
export type FieldType = 'string' | 'number' | 'boolean' | 'time' | 'list' | 'object';

export const OP_LABELS: Record<Op, string> = {
  '=': 'is (=)',
  '!=': 'is not (≠)',
  '>': 'greater than (>)',
  '>=': 'at least (≥)',
  '<': 'less than (<)',
  '<=': 'at most (≤)',
  in: 'is one of',
  not_in: 'is none of',
  contains: 'contains',
  not_contains: 'does not contain',
  starts_with: 'starts with',
  ends_with: 'ends with',
  exists: 'is set',
  not_exists: 'is not set',
  between: 'between',
  within_last: 'within the last',
  not_within_last: 'not within the last',
  before: 'before',
  after: 'after',
};

/** How an event's count reads: "did it at least 3 times". */
export const COUNT_LABELS: Record<CmpOp, string> = {
  '>=': 'at least',
  '>': 'more than',
  '=': 'exactly',
  '!=': 'not exactly',
  '<=': 'at most',
  '<': 'fewer than',
};

/** The operators that make sense for each type (docs/segments.md, "Operators"). */
const BY_TYPE: Record<FieldType, readonly Op[]> = {
  string: ['=', '!=', 'in', 'not_in', 'contains', 'not_contains', 'starts_with', 'ends_with', 'exists', 'not_exists'],
  number: ['=', '!=', '>', '>=', '<', '<=', 'between', 'in', 'not_in', 'exists', 'not_exists'],
  boolean: ['=', '!=', 'exists', 'not_exists'],
  time: ['after', 'before', 'between', 'within_last', 'not_within_last', 'exists', 'not_exists'],
  list: ['exists', 'not_exists'],
  object: ['exists', 'not_exists'],
};

/** The operators for a field of these types (every operator when the type is unknown), `current` always included. */
export function opsFor(types: readonly FieldType[], current?: Op): Op[] {
  const allowed = new Set<Op>(types.length === 0 ? OPS : types.flatMap((type) => BY_TYPE[type]));
  if (current) allowed.add(current);
  return OPS.filter((op) => allowed.has(op));
}

/** The kind of value input an operator takes. */
export type ValueShape = 'none' | 'list' | 'range' | 'duration' | 'date' | 'text' | 'scalar';

export function shapeOf(op: Op): ValueShape {
  switch (op) {
    case 'exists':
    case 'not_exists':
      return 'none';
    case 'in':
    case 'not_in':
      return 'list';
    case 'between':
      return 'range';
    case 'within_last':
    case 'not_within_last':
      return 'duration';
    case 'before':
    case 'after':
      return 'date';
    case 'contains':
    case 'not_contains':
    case 'starts_with':
    case 'ends_with':
      return 'text';
    default:
      return 'scalar';
  }
}

const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * Typed text as the value a rule compares with: a number or boolean when the field holds those (or, for a field of
 * unknown type, when it reads as one), else the text. Types are not coerced when counting, so this matters.
 */
export function scalarOf(text: string, types: readonly FieldType[]): Scalar {
  const trimmed = text.trim();
  const unknown = types.length === 0;
  if ((unknown || types.includes('number')) && NUMBER.test(trimmed)) {
    if (unknown || !types.includes('string')) return Number(trimmed);
  }
  if ((unknown || types.includes('boolean')) && (trimmed === 'true' || trimmed === 'false')) {
    if (unknown || !types.includes('string')) return trimmed === 'true';
  }
  return text;
}

/** A value kept as far as the new operator allows, else a starting value for it. */
export function valueForOp(op: Op, previous: Value | undefined, types: readonly FieldType[]): Value | undefined {
  const first = Array.isArray(previous) ? previous[0] : previous;
  switch (shapeOf(op)) {
    case 'none':
      return undefined;
    case 'list':
      return Array.isArray(previous) ? previous : first === undefined ? [] : [first];
    case 'range':
      return Array.isArray(previous) && previous.length === 2 ? previous : [];
    case 'duration':
      return typeof previous === 'string' && /^\d+[mhdw]$/.test(previous) ? previous : '30d';
    case 'date':
      return typeof first === 'string' && !Number.isNaN(Date.parse(first)) ? first : today();
    case 'text':
      return first === undefined ? '' : String(first);
    case 'scalar':
      return first === undefined ? (types.includes('boolean') && !types.includes('string') ? true : '') : first;
  }
}

/** Today's date (UTC), the dashboard's time zone. */
export const today = (): string => new Date().toISOString().slice(0, 10);
