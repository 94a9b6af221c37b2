import { UserError } from '../errors.js';
import type { Rule } from './definition.js';
import { parseRule } from './text/index.js';

/** A segment as users write it: the JSON rule, or the text form. */
export interface DefinitionInput {
  readonly name?: unknown;
  readonly description?: unknown;
  readonly rule?: unknown;
  readonly text?: unknown;
}

/**
 * Turns `{ rule }` or `{ text }` into a rule; a text that does not parse is a 422 with line and column.
 * The result still goes through the schema and lowering when saved or counted.
 */
export function ruleFromInput(input: DefinitionInput, path = 'text'): unknown {
  if (input.rule !== undefined && input.text !== undefined) {
    throw new UserError('conflicting_fields', 'give either rule (JSON) or text, not both', path);
  }
  if (typeof input.text !== 'string') return input.rule;
  const parsed = parseRule(input.text);
  if (parsed.ok) return parsed.rule as Rule;
  // Text errors already carry their place: `syntax_error` at `text:<line>:<column>`, schema issues at their
  // `rule.…` path with the line and column in the message.
  const issues = parsed.issues.map((issue) => ({ code: issue.code, path: issue.path, message: issue.message }));
  const first = issues[0] ?? { code: 'syntax_error', path, message: 'the text does not parse' };
  throw new UserError(first.code, first.message, first.path, 422, issues);
}

/** `{ name, description, rule | text }` as a definition object for `createSegment` / `updateSegment`. */
export function definitionFromInput(input: DefinitionInput): Record<string, unknown> {
  const definition: Record<string, unknown> = { name: input.name, rule: ruleFromInput(input) };
  if (input.description !== undefined) definition['description'] = input.description;
  return definition;
}
