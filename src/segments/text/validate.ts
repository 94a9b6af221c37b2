import { z } from 'zod';
import { fromZod } from '../../errors.js';
import { type Rule, rule as ruleSchema } from '../definition.js';
import type { Cursor } from './cursor.js';
import type { LineMap, TextError } from './errors.js';

type ZodIssue = z.core.$ZodIssue;

/**
 * Runs the definition schema over a parsed tree. Its issues keep the codes and paths of the JSON form
 * (`invalid_value` at `rule.rules[2].value`, via `fromZod`) and gain the line and column of the text that wrote the
 * offending field: the grammar checks shape, the schema checks values, such as `in` taking a list.
 */
export function validate(tree: Rule, cursor: Cursor, lines: LineMap): TextError[] {
  const result = ruleSchema.safeParse(tree);
  if (result.success) return [];
  const flat = result.error.issues.flatMap((issue) => unwrap(issue, []));
  const issues = fromZod(new z.ZodError(flat), 'rule');
  return issues.map((issue, index) => {
    const offset = locate(tree, (flat[index] as ZodIssue).path, cursor);
    const { line, column } = lines.locate(offset);
    // Name the value when the issue points at one; a whole condition is identified well enough by its position.
    const token = cursor.tokenAt(offset);
    const isValue =
      token !== undefined &&
      (['string', 'number', 'duration'].includes(token.kind) || /^(true|false)$/.test(token.text));
    const found = isValue ? `, found ${cursor.describe(token)}` : '';
    return {
      code: issue.code,
      message: `${issue.message}${found} at ${line}:${column}`,
      line,
      column,
      path: issue.path,
    };
  });
}

/**
 * A union that matched no branch reports every branch's issues; the branch with the fewest is the one the user
 * meant (e.g. a window `{ last }` whose duration is bad, rather than a `{ since }` missing its field).
 */
function unwrap(issue: ZodIssue, prefix: readonly PropertyKey[]): ZodIssue[] {
  const path = [...prefix, ...issue.path];
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [{ ...issue, path }];
  const best = issue.errors.reduce((a, b) => (b.length < a.length ? b : a));
  return best.length === 0 ? [{ ...issue, path }] : best.flatMap((inner) => unwrap(inner, path));
}

/** The offset of the deepest node or field on `path` whose position the parser recorded. */
function locate(tree: Rule, path: readonly PropertyKey[], { positions }: Cursor): number {
  let node: unknown = tree;
  let offset = positions.get(tree)?.[''] ?? 0;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) break;
    const field = positions.get(node)?.[String(key)];
    if (field !== undefined) offset = field;
    node = (node as Record<PropertyKey, unknown>)[key];
    const own = typeof node === 'object' && node !== null ? positions.get(node)?.[''] : undefined;
    if (own !== undefined) offset = own;
  }
  return offset;
}
