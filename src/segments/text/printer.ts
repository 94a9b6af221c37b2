import { assertNever } from '../../errors.js';
import type { AggregateRule, EventRule, Filter, Op, Rule, Scalar, SequenceRule, Value, Window } from '../definition.js';
import { durationPattern } from '../definition.js';
import { bareIdentifier, keywords, opSpelling } from './vocabulary.js';

/** Past this width a group of `and` / `or` is broken onto one line per operand. */
const width = 100;

// Binding strength: a node printed where a stronger one is required goes in parentheses.
const orLevel = 1;
const andLevel = 2;
const unaryLevel = 3;
const atomLevel = 4;

/**
 * The canonical text of a rule. Every tree that passes the definition schema prints to text that parses back to an
 * equal tree; invalid trees print on a best-effort basis and the parser then names what is wrong.
 */
export function print(rule: Rule): string {
  return render(rule, orLevel, '');
}

function level(rule: Rule): number {
  if (rule.type === 'or') return rule.rules.length >= 2 ? orLevel : atomLevel;
  if (rule.type === 'and') return rule.rules.length >= 2 ? andLevel : atomLevel;
  return rule.type === 'not' ? unaryLevel : atomLevel;
}

function render(rule: Rule, required: number, indent: string, parensIfBroken = false): string {
  const parens = level(rule) < required;
  const flat = parens ? `(${flatText(rule)})` : flatText(rule);
  const breakable = (rule.type === 'and' || rule.type === 'or') && rule.rules.length >= 2;
  if (indent.length + flat.length <= width || !(breakable || rule.type === 'not')) return flat;
  if (rule.type === 'not') return `not ${render(rule.rule, unaryLevel, indent, true)}`;
  if (!parens && !parensIfBroken) return broken(rule, indent);
  const inner = `${indent}  `;
  return `(\n${inner}${broken(rule, inner)}\n${indent})`;
}

/**
 * One operand per line, each after its operator: the layout a reviewer scans fastest. An `and` group broken inside
 * an `or` gets parentheses it does not need, so the lines never read as one flat list.
 */
function broken(rule: Rule, indent: string): string {
  if (rule.type !== 'and' && rule.type !== 'or') return flatText(rule);
  const child = rule.type === 'and' ? unaryLevel : andLevel;
  return rule.rules.map((r) => render(r, child, indent, true)).join(`\n${indent}${rule.type} `);
}

function flatText(rule: Rule): string {
  switch (rule.type) {
    case 'and':
    case 'or': {
      // One operand or none cannot be written infix, so such groups use the prefix form `and(…)`.
      if (rule.rules.length < 2) return `${rule.type}(${rule.rules.map(flatText).join(', ')})`;
      const child = rule.type === 'and' ? unaryLevel : andLevel;
      return rule.rules.map((r) => wrap(r, child)).join(` ${rule.type} `);
    }
    case 'not':
      return `not ${wrap(rule.rule, unaryLevel)}`;
    case 'trait':
      return test(rule.trait, rule.op, rule.value);
    case 'event':
      return event(rule);
    case 'aggregate':
      return aggregate(rule);
    case 'sequence':
      return sequence(rule);
    case 'segment':
      return `in segment ${JSON.stringify(rule.segment)}`;
    default:
      return assertNever(rule, 'rule');
  }
}

function wrap(rule: Rule, required: number): string {
  return level(rule) < required ? `(${flatText(rule)})` : flatText(rule);
}

function event(rule: EventRule): string {
  const none = rule.count?.op === '=' && rule.count.value === 0;
  let out = `did ${none ? 'not do ' : ''}${JSON.stringify(rule.event)}${where(rule.where)}`;
  if (rule.count !== undefined && !none) {
    out += ` ${rule.count.op} ${num(rule.count.value)} ${rule.count.value === 1 ? 'time' : 'times'}`;
  }
  return out + windowText(rule.window);
}

function aggregate(rule: AggregateRule): string {
  const head = `${rule.fn} of ${path(rule.property)} in ${JSON.stringify(rule.event)}${where(rule.where)}`;
  return `${head} ${rule.op} ${num(rule.value)}${windowText(rule.window)}`;
}

function sequence(rule: SequenceRule): string {
  const steps = rule.steps.map((s) => `${JSON.stringify(s.event)}${where(s.where)}`).join(' then ');
  return `did ${steps}${rule.within === undefined ? '' : ` within ${rule.within}`}${windowText(rule.window)}`;
}

function where(filters: readonly Filter[] | undefined): string {
  if (filters === undefined) return '';
  return ` where (${filters.map((f) => test(f.property, f.op, f.value)).join(' and ')})`;
}

function windowText(window: Window | undefined): string {
  if (window === undefined) return '';
  if ('last' in window) return ` in last ${window.last}`;
  if (window.until === undefined) return ` since ${JSON.stringify(window.since)}`;
  return ` between ${JSON.stringify(window.since)} and ${JSON.stringify(window.until)}`;
}

function test(key: string, op: Op, value: Value | undefined): string {
  const head = `${path(key)} ${opSpelling[op]}`;
  if (value === undefined) return head;
  if (op === 'between' && Array.isArray(value) && value.length === 2) {
    return `${head} ${scalar(value[0] as Scalar)} and ${scalar(value[1] as Scalar)}`;
  }
  if ((op === 'within_last' || op === 'not_within_last') && typeof value === 'string' && durationPattern.test(value)) {
    return `${head} ${value}`;
  }
  return `${head} ${Array.isArray(value) ? `(${value.map(scalar).join(', ')})` : scalar(value)}`;
}

/** A key path, bare when it reads as one word and is no keyword, else in backticks (doubled inside). */
export function path(key: string): string {
  if (bareIdentifier.test(key) && !keywords.has(key)) return key;
  return `\`${key.replaceAll('`', '``')}\``;
}

function scalar(value: Scalar): string {
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value === 'number' ? num(value) : String(value);
}

/** JavaScript's shortest round-trip form, which is valid JSON; `-0` is kept so the tree comes back identical. */
function num(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}
