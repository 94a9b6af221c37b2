import { describePredicate } from './ir/describe.js';
import { compare, foldCase, parseTime } from './ir/lower.js';
import type { EventSelector, IrNode, Predicate, PropertyTest, SegmentIr, TimeRange, ValueRef } from './ir/nodes.js';

/**
 * The reference evaluator: the same IR, evaluated in memory for one user. It is the oracle every compiled query
 * must agree with, and it powers `explain`. It favours obviousness over speed.
 */

export interface UserEvent {
  readonly messageId: string;
  readonly name: string;
  /** Epoch milliseconds. */
  readonly ts: number;
  readonly properties: Readonly<Record<string, unknown>>;
}

export interface UserData {
  readonly userId: string;
  readonly traits: Readonly<Record<string, unknown>>;
  /** The traits of the user's account, or null when the user has none. */
  readonly account: Readonly<Record<string, unknown>> | null;
  readonly events: readonly UserEvent[];
  /** Ids of the static segments the user is listed in. */
  readonly staticSegments: ReadonlySet<string>;
}

/** One node of an explanation: what was tested, what the user's data held, and the verdict. */
export interface Explanation {
  readonly node: IrNode['kind'];
  readonly result: boolean;
  readonly detail: string;
  /** For a value test: what the rule asks of the value (`= "pro"`, `in [1, 2]`, `exists`). */
  readonly expected?: string;
  readonly actual?: unknown;
  readonly children?: readonly Explanation[];
}

/**
 * Follows a key path into nested objects and arrays; JSON null counts as missing. Only own keys count, so names
 * like `constructor` or `toString` are missing unless the JSON holds them.
 */
export function lookup(root: unknown, path: readonly string[]): unknown {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    if (Array.isArray(current)) {
      if (!/^(0|[1-9][0-9]*)$/.test(key)) return undefined;
      current = current[Number(key)];
    } else current = Object.hasOwn(current, key) ? (current as Record<string, unknown>)[key] : undefined;
  }
  return current === null ? undefined : current;
}

/** Compares strings by Unicode code point, as the SQL engines compare UTF-8 bytes. */
export function compareText(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i]?.codePointAt(0) ?? 0) - (y[i]?.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** The value as the predicate's type, or undefined when it is missing or of another type. */
function typedValue(
  value: unknown,
  type: 'number' | 'string' | 'boolean' | 'time',
): number | string | boolean | undefined {
  switch (type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
    case 'string':
      return typeof value === 'string' ? value : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'time':
      // Stored times are ISO-8601 text; a Date is the built-in first_seen / last_seen. A number is not a time.
      if (value instanceof Date) return value.getTime();
      return typeof value === 'string' ? (parseTime(value) ?? undefined) : undefined;
  }
}

function order(a: number | string | boolean, b: number | string | boolean): number {
  if (typeof a === 'string' && typeof b === 'string') return compareText(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return (a as number) - (b as number);
}

/** Whether a value passes a predicate (before negation, a missing value fails every positive test). */
export function testValue(value: unknown, predicate: Predicate): boolean {
  const positive = (): boolean => {
    switch (predicate.kind) {
      case 'exists':
        return value !== undefined && value !== null;
      case 'cmp': {
        const v = typedValue(value, predicate.type);
        if (v === undefined) return false;
        const d = order(v, predicate.value);
        return compare(d, predicate.op, 0);
      }
      case 'in': {
        const v = typedValue(value, predicate.type);
        return v !== undefined && predicate.values.some((candidate) => order(v, candidate) === 0);
      }
      case 'text': {
        if (typeof value !== 'string') return false;
        const text = foldCase(value);
        if (predicate.op === 'contains') return text.includes(predicate.value);
        if (predicate.op === 'starts_with') return text.startsWith(predicate.value);
        return text.endsWith(predicate.value);
      }
      case 'range': {
        const v = typedValue(value, predicate.type);
        if (typeof v !== 'number') return false;
        const low = predicate.lowInclusive ? v >= predicate.low : v > predicate.low;
        const high = predicate.highInclusive ? v <= predicate.high : v < predicate.high;
        return low && high;
      }
    }
  };
  return predicate.negate ? !positive() : positive();
}

export function inRange(ts: number, range: TimeRange): boolean {
  if (range.from !== null && (range.fromInclusive ? ts < range.from : ts <= range.from)) return false;
  return range.toInclusive ? ts <= range.to : ts < range.to;
}

const passes = (event: UserEvent, where: readonly PropertyTest[]) =>
  where.every((test) => testValue(lookup(event.properties, test.path), test.predicate));

function selected(data: UserData, select: EventSelector): UserEvent[] {
  return data.events.filter((e) => e.name === select.event && inRange(e.ts, select.range) && passes(e, select.where));
}

function refValue(data: UserData, ref: ValueRef, asOf: number): unknown {
  switch (ref.source) {
    case 'trait':
      return lookup(data.traits, ref.path);
    case 'account':
      return data.account ? lookup(data.account, ref.path) : undefined;
    case 'builtin': {
      // A Date, not a number or text: only time predicates see it (a text test finds no string).
      const times = data.events.filter((e) => e.ts <= asOf).map((e) => e.ts);
      if (times.length === 0) return undefined;
      return new Date(ref.name === 'first_seen' ? Math.min(...times) : Math.max(...times));
    }
  }
}

function aggregate(fn: 'sum' | 'avg' | 'min' | 'max' | 'count_distinct', events: UserEvent[], path: readonly string[]) {
  if (events.length === 0) return undefined;
  const values = events.map((e) => lookup(e.properties, path));
  if (fn === 'count_distinct') {
    const keys = new Set(
      values.filter((v) => ['string', 'number', 'boolean'].includes(typeof v)).map((v) => `${typeof v}:${String(v)}`),
    );
    return keys.size;
  }
  const numbers = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (numbers.length === 0) return undefined;
  if (fn === 'min') return Math.min(...numbers);
  if (fn === 'max') return Math.max(...numbers);
  const sum = numbers.reduce((a, b) => a + b, 0);
  return fn === 'sum' ? sum : sum / numbers.length;
}

/**
 * Whether distinct events match the steps in order (each at or after the previous), the last within the limit.
 * A depth-first search. After the first step, only events at the earliest usable time are tried (a later one never
 * helps: it leaves less room for the steps after it), but every kind of event at that time is, because with equal
 * timestamps the one a step takes decides what is left for the steps after it. Events at one time that can fill the
 * same steps are interchangeable, so one of each kind is enough.
 */
function sequenceMatches(data: UserData, node: Extract<IrNode, { kind: 'sequence' }>): boolean {
  // For each event, a bit per step it can fill.
  const fills = new Map<UserEvent, number>();
  node.steps.forEach((step, i) => {
    for (const e of data.events) {
      if (e.name === step.event && inRange(e.ts, node.range) && passes(e, step.where)) {
        fills.set(e, (fills.get(e) ?? 0) | (1 << i));
      }
    }
  });
  const events = [...fills.keys()].sort((a, b) => a.ts - b.ts);
  const used = new Set<UserEvent>();
  const oneOfEachKind = (list: UserEvent[], step: number) => {
    const kinds = new Set<string>();
    return list.filter((e) => {
      const kind = `${e.ts}:${(fills.get(e) ?? 0) >> step}`;
      if (kinds.has(kind)) return false;
      kinds.add(kind);
      return true;
    });
  };
  const take = (event: UserEvent, then: () => boolean): boolean => {
    used.add(event);
    const ok = then();
    used.delete(event);
    return ok;
  };
  const canFill = (e: UserEvent, step: number) => ((fills.get(e) ?? 0) & (1 << step)) !== 0;
  const extend = (step: number, at: number, start: number): boolean => {
    if (step === node.steps.length) return true;
    const usable = events.filter((e) => e.ts >= at && !used.has(e) && canFill(e, step));
    const earliest = usable[0]?.ts;
    if (earliest === undefined || (node.withinMs !== null && earliest - start > node.withinMs)) return false;
    const next = oneOfEachKind(
      usable.filter((e) => e.ts === earliest),
      step,
    );
    return next.some((e) => take(e, () => extend(step + 1, e.ts, start)));
  };
  const firsts = oneOfEachKind(
    events.filter((e) => canFill(e, 0)),
    0,
  );
  return firsts.some((first) => take(first, () => extend(1, first.ts, first.ts)));
}

function explainNode(node: IrNode, data: UserData, asOf: number): Explanation {
  switch (node.kind) {
    case 'and':
    case 'or': {
      const children = node.children.map((child) => explainNode(child, data, asOf));
      const result = node.kind === 'and' ? children.every((c) => c.result) : children.some((c) => c.result);
      return { node: node.kind, result, detail: node.kind, children };
    }
    case 'not': {
      const child = explainNode(node.child, data, asOf);
      return { node: 'not', result: !child.result, detail: 'not', children: [child] };
    }
    case 'const':
      return { node: 'const', result: node.value, detail: node.reason };
    case 'value': {
      const actual = refValue(data, node.ref, asOf);
      const name = node.ref.source === 'builtin' ? node.ref.name : `${node.ref.source}.${node.ref.path.join('.')}`;
      return {
        node: 'value',
        result: testValue(actual, node.predicate),
        detail: name,
        expected: describePredicate(node.predicate),
        actual: actual ?? null,
      };
    }
    case 'count': {
      const count = selected(data, node.select).length;
      return {
        node: 'count',
        result: compare(count, node.op, node.value),
        detail: `count of "${node.select.event}" ${node.op} ${node.value}`,
        actual: count,
      };
    }
    case 'aggregate': {
      const value = aggregate(node.fn, selected(data, node.select), node.property);
      return {
        node: 'aggregate',
        result: value !== undefined && compare(value, node.op, node.value),
        detail: `${node.fn}(${node.property.join('.')}) of "${node.select.event}" ${node.op} ${node.value}`,
        actual: value ?? null,
      };
    }
    case 'sequence':
      return {
        node: 'sequence',
        result: sequenceMatches(data, node),
        detail: `sequence ${node.steps.map((s) => `"${s.event}"`).join(' → ')}`,
      };
    case 'static':
      return { node: 'static', result: data.staticSegments.has(node.segmentId), detail: `listed in ${node.segmentId}` };
  }
}

/** Whether the user is a member, with the reason for every node. */
export function explain(ir: SegmentIr, data: UserData): Explanation {
  return explainNode(ir.root, data, ir.asOf);
}

/** Whether the user is a member. */
export function evaluate(ir: SegmentIr, data: UserData): boolean {
  return explainNode(ir.root, data, ir.asOf).result;
}
