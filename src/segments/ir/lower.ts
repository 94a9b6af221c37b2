import type { Issue } from '../../errors.js';
import type { CmpOp, Filter, Op, Rule, Scalar, Value, Window } from '../definition.js';
import { durationPattern } from '../definition.js';
import { parseKeyPath } from '../key-path.js';
import type { IrNode, Predicate, PropertyTest, SegmentIr, TimeRange, ValueRef, ValueType } from './nodes.js';

/** A saved segment as lowering needs it. */
export type SegmentLookup =
  | { readonly id: string; readonly kind: 'dynamic'; readonly rule: Rule }
  | { readonly id: string; readonly kind: 'static' };

export interface LowerContext {
  /** The evaluation time: events after it are invisible, relative windows end at it. */
  readonly asOf: Date;
  /** Finds a saved segment by name (for `{"type":"segment"}` leaves). */
  readonly segment: (name: string) => SegmentLookup | undefined;
}

export type Lowered = { readonly ok: true; readonly ir: SegmentIr } | { readonly ok: false; readonly issues: Issue[] };

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** Milliseconds in a duration like `30d`. */
export function durationMs(text: string): number {
  const match = durationPattern.exec(text);
  if (!match) throw new Error(`internal error: unchecked duration ${text}`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?)?$/;

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/**
 * Parses the time formats Strata accepts in traits and rule values: ISO-8601 dates and date-times, with `Z` or an
 * offset; without one, UTC. Anything else is not a time (null): impossible dates (`2023-02-29`), hour 24, offsets
 * past ±23:59. Digits past the millisecond are dropped (rounding down, as `Date` does). The SQL dialects apply the
 * same pattern and must read every text it accepts to the same millisecond.
 */
export function parseTime(text: string): number | null {
  const match = ISO_TIME.exec(text);
  if (!match) return null;
  const [year, month, day] = [match[1], match[2], match[3]].map(Number) as [number, number, number];
  const days = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
  if (days === undefined || day < 1 || day > days) return null;
  const normalised = text.length === 10 ? `${text}T00:00:00Z` : /Z|[+-]\d{2}:?\d{2}$/.test(text) ? text : `${text}Z`;
  const ms = Date.parse(normalised.replace(' ', 'T'));
  return Number.isNaN(ms) ? null : ms;
}
export const isoTimePattern = ISO_TIME.source;

/**
 * Lower-cases text for the case-insensitive operators the way SQL engines' `lower()` does: one code point at a time
 * with the simple Unicode mapping, so no context (`Σ` is always `σ`, never the final `ς`) and `İ` becomes `i`
 * (String#toLowerCase would give `ς` at a word's end and `i̇`, two code points). Lowering folds the rule's value
 * with it and the evaluator folds stored text with it; the SQL folds stored text with `lower()`.
 */
export function foldCase(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range starts at U+0000.
  if (/^[\u0000-\u007f]*$/.test(text)) return text.toLowerCase();
  let out = '';
  for (const char of text) out += char === '\u0130' ? 'i' : char.toLowerCase();
  return out;
}

class Lowering {
  readonly issues: Issue[] = [];
  readonly events = new Set<string>();
  readonly traits = new Set<string>();
  timeDependent = false;
  private readonly stack: string[] = [];

  constructor(private readonly ctx: LowerContext) {}

  get asOf(): number {
    return this.ctx.asOf.getTime();
  }

  fail(code: string, path: string, message: string): IrNode {
    this.issues.push({ code, path, message });
    return { kind: 'const', value: false, reason: message };
  }

  rule(rule: Rule, path: string): IrNode {
    switch (rule.type) {
      case 'and':
      case 'or':
        return { kind: rule.type, children: rule.rules.map((child, i) => this.rule(child, `${path}.rules[${i}]`)) };
      case 'not':
        return { kind: 'not', child: this.rule(rule.rule, `${path}.rule`) };
      case 'trait':
        return this.trait(rule.trait, rule.op, rule.value, path);
      case 'event': {
        const select = this.select(rule.event, rule.where, rule.window, path);
        const count = rule.count ?? { op: '>=' as const, value: 1 };
        return { kind: 'count', select, op: count.op, value: count.value };
      }
      case 'aggregate':
        return {
          kind: 'aggregate',
          fn: rule.fn,
          select: this.select(rule.event, rule.where, rule.window, path),
          property: parseKeyPath(rule.property),
          op: rule.op,
          value: rule.value,
        };
      case 'sequence': {
        const range = this.range(rule.window, `${path}.window`);
        return {
          kind: 'sequence',
          steps: rule.steps.map((step, i) => {
            this.events.add(step.event);
            return { event: step.event, where: this.filters(step.where, `${path}.steps[${i}].where`) };
          }),
          range,
          withinMs: rule.within ? durationMs(rule.within) : null,
        };
      }
      case 'segment':
        return this.segmentRef(rule.segment, `${path}.segment`);
    }
  }

  private segmentRef(name: string, path: string): IrNode {
    if (this.stack.includes(name)) {
      return this.fail(
        'segment_cycle',
        path,
        `segments refer to each other in a cycle: ${[...this.stack, name].join(' → ')}`,
      );
    }
    const found = this.ctx.segment(name);
    if (!found) return this.fail('unknown_segment', path, `no segment named "${name}"`);
    if (found.kind === 'static') return { kind: 'static', segmentId: found.id };
    this.stack.push(name);
    const node = this.rule(found.rule, `${path}→${name}`);
    this.stack.pop();
    return node;
  }

  private select(event: string, where: readonly Filter[] | undefined, window: Window | undefined, path: string) {
    this.events.add(event);
    return { event, where: this.filters(where, `${path}.where`), range: this.range(window, `${path}.window`) };
  }

  private filters(where: readonly Filter[] | undefined, path: string): PropertyTest[] {
    return (where ?? []).map((filter, i) => ({
      path: parseKeyPath(filter.property),
      predicate: this.predicate(filter.op, filter.value, false, `${path}[${i}]`),
    }));
  }

  range(window: Window | undefined, path: string): TimeRange {
    const asOf = this.asOf;
    if (!window) return { from: null, fromInclusive: false, to: asOf, toInclusive: true };
    if ('last' in window) {
      this.timeDependent = true;
      return { from: asOf - durationMs(window.last), fromInclusive: false, to: asOf, toInclusive: true };
    }
    const since = parseTime(window.since);
    const until = window.until === undefined ? null : parseTime(window.until);
    if (since === null) {
      this.fail('invalid_value', `${path}.since`, 'must be an ISO-8601 date or date-time');
      return { from: null, fromInclusive: true, to: asOf, toInclusive: true };
    }
    if (window.until !== undefined && until === null)
      this.fail('invalid_value', `${path}.until`, 'must be an ISO-8601 date or date-time');
    if (until !== null && until <= since) {
      this.fail(
        'impossible_window',
        `${path}.until`,
        `the window ends (${window.until}) at or before it starts (${window.since})`,
      );
    }
    if (until !== null && until <= asOf) return { from: since, fromInclusive: true, to: until, toInclusive: false };
    return { from: since, fromInclusive: true, to: asOf, toInclusive: true };
  }

  private trait(trait: string, op: Op, value: Value | undefined, path: string): IrNode {
    let ref: ValueRef;
    if (trait === 'first_seen' || trait === 'last_seen') ref = { source: 'builtin', name: trait };
    else if (trait.startsWith('account.'))
      ref = { source: 'account', path: parseKeyPath(trait.slice('account.'.length)) };
    else {
      const keys = parseKeyPath(trait);
      this.traits.add(keys[0] as string);
      ref = { source: 'trait', path: keys };
    }
    const isTime = ref.source === 'builtin';
    return { kind: 'value', ref, predicate: this.predicate(op, value, isTime, path) };
  }

  /** Turns an operator and its value into a typed predicate; `isTime` when the value is a time by nature. */
  predicate(op: Op, value: Value | undefined, isTime: boolean, path: string): Predicate {
    const invalid = (message: string): Predicate => {
      this.issues.push({ code: 'invalid_value', path: `${path}.value`, message });
      return { kind: 'exists', negate: false };
    };
    const typed = (v: Scalar): { type: ValueType; value: number | string | boolean } | null => {
      if (isTime) {
        const ms = typeof v === 'string' ? parseTime(v) : null;
        return ms === null ? null : { type: 'time', value: ms };
      }
      if (typeof v === 'number') return Number.isFinite(v) ? { type: 'number', value: v } : null;
      if (typeof v === 'boolean') return { type: 'boolean', value: v };
      return { type: 'string', value: v };
    };
    switch (op) {
      case 'exists':
      case 'not_exists':
        return { kind: 'exists', negate: op === 'not_exists' };
      case '=':
      case '!=':
      case '>':
      case '>=':
      case '<':
      case '<=': {
        const t = typed(value as Scalar);
        if (!t) return invalid(isTime ? 'must be an ISO-8601 time' : 'must be a string, number or boolean');
        if (t.type === 'boolean' && op !== '=' && op !== '!=') return invalid(`${op} does not apply to booleans`);
        return { kind: 'cmp', op: op === '!=' ? '=' : op, type: t.type, value: t.value, negate: op === '!=' };
      }
      case 'in':
      case 'not_in': {
        const values = (value as Scalar[]).map(typed);
        const first = values[0];
        if (!first || values.some((v) => !v || v.type !== first.type)) return invalid(`${op} takes values of one type`);
        return {
          kind: 'in',
          type: first.type,
          values: values.map((v) => (v as { value: number | string | boolean }).value),
          negate: op === 'not_in',
        };
      }
      case 'contains':
      case 'not_contains':
      case 'starts_with':
      case 'ends_with':
        return {
          kind: 'text',
          op: op === 'not_contains' ? 'contains' : op,
          value: foldCase(String(value)),
          negate: op === 'not_contains',
        };
      case 'between': {
        const [low, high] = (value as Scalar[]).map((v) =>
          typeof v === 'string' ? parseTime(v) : typeof v === 'number' ? v : null,
        );
        if (low == null || high == null) return invalid('between takes two numbers or two ISO times');
        if (low > high) return invalid('between takes [low, high] with low <= high');
        const type = typeof (value as Scalar[])[0] === 'string' || isTime ? 'time' : 'number';
        return { kind: 'range', type, low, lowInclusive: true, high, highInclusive: true, negate: false };
      }
      case 'within_last':
      case 'not_within_last':
        this.timeDependent = true;
        return {
          kind: 'range',
          type: 'time',
          low: this.asOf - durationMs(String(value)),
          lowInclusive: false,
          high: this.asOf,
          highInclusive: true,
          negate: op === 'not_within_last',
        };
      case 'before':
      case 'after': {
        const ms = parseTime(String(value));
        if (ms === null) return invalid('must be an ISO-8601 time');
        return { kind: 'cmp', op: op === 'before' ? '<' : '>', type: 'time', value: ms, negate: false };
      }
    }
  }
}

/** `a op b` for numbers: shared by the evaluator and lowering. */
export function compare(a: number, op: CmpOp, b: number): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
  }
}

/**
 * Lowers a rule for one evaluation time: resolves relative windows and referenced segments (inlined, so they are
 * evaluated at the same time), types every comparison, and collects what the rule depends on.
 */
export function lower(rule: Rule, ctx: LowerContext, path = 'rule'): Lowered {
  const lowering = new Lowering(ctx);
  const root = lowering.rule(rule, path);
  if (lowering.issues.length > 0) return { ok: false, issues: lowering.issues };
  return {
    ok: true,
    ir: {
      root,
      asOf: ctx.asOf.getTime(),
      events: [...lowering.events].sort(),
      traits: [...lowering.traits].sort(),
      timeDependent: lowering.timeDependent,
    },
  };
}
