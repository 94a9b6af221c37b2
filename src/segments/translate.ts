import type { Engine } from '../engines/engine.js';
import { fromZod, type Issue } from '../errors.js';
import { type Rule, rule as ruleSchema } from './definition.js';
import { lower } from './ir/lower.js';
import { listSegments, segmentLookup } from './store.js';
import { parseRule, printRule } from './text/index.js';

/** A rule in both forms, or why it is not one: what the builder shows while a user edits either form. */
export type Translation =
  | { readonly valid: true; readonly rule: Rule; readonly text: string }
  | { readonly valid: false; readonly issues: readonly Issue[] };

/** Either form of a rule: `rule` (JSON) or `text` (the text form, docs/segments-text.md). */
export type TranslateInput = { readonly rule: unknown } | { readonly text: string };

/**
 * Checks a rule the way saving and previewing do, and answers it in both forms: the canonical JSON and the canonical
 * text. Problems are data, not errors: issues keep the codes and paths a preview would report (`rule.rules[1].value`,
 * `rule.rules[0].segment` for an unknown segment; `text:<line>:<column>` for text that does not parse), so the
 * builder can put each one on the field that caused it. Validation runs at the current time, as previews do.
 */
export async function translateRule(engine: Engine, workspace: string, input: TranslateInput): Promise<Translation> {
  const checked = 'text' in input ? fromText(input.text) : fromJson(input.rule);
  if (!checked.valid) return checked;
  const saved = await listSegments(engine, workspace);
  const lowered = lower(checked.rule, { asOf: new Date(), segment: segmentLookup(saved) });
  if (!lowered.ok) return { valid: false, issues: lowered.issues };
  return { valid: true, rule: checked.rule, text: printRule(checked.rule) };
}

type Checked = { readonly valid: true; readonly rule: Rule } | { readonly valid: false; readonly issues: Issue[] };

function fromText(text: string): Checked {
  const parsed = parseRule(text);
  if (parsed.ok) return { valid: true, rule: parsed.rule };
  return {
    valid: false,
    issues: parsed.issues.map((issue) => ({ code: issue.code, path: issue.path, message: issue.message })),
  };
}

function fromJson(input: unknown): Checked {
  const parsed = ruleSchema.safeParse(input);
  return parsed.success ? { valid: true, rule: parsed.data } : { valid: false, issues: fromZod(parsed.error, 'rule') };
}
