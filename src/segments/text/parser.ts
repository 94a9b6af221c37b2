import type { Rule, SegmentRefRule, TraitRule } from '../definition.js';
import type { Cursor } from './cursor.js';
import { SyntaxFailure } from './errors.js';
import type { Token } from './lexer.js';
import { isAggregateStart, parseAggregate, parseDid } from './parse-events.js';
import { nameHint, parseTest } from './parse-values.js';

/** Deep enough for any rule a person writes; shallow enough that hostile input cannot overflow the stack. */
const maxDepth = 200;

/**
 * Recursive descent over the grammar in docs/segments-text.md: `or` < `and` < `not` < conditions. A chain of one
 * operator becomes one node; parentheses always make a node of their own, so `a and (b and c)` keeps its nesting and
 * every tree the printer writes comes back unchanged.
 */
export class Parser {
  private depth = 0;

  constructor(private readonly cursor: Cursor) {}

  /** The whole text: one rule and nothing after it. */
  parseText(): Rule {
    if (this.cursor.atEnd()) this.cursor.fail('a rule');
    const rule = this.parseOr();
    if (!this.cursor.atEnd()) this.cursor.fail('"and", "or" or the end of the rule', this.cursor.previous);
    return rule;
  }

  private parseOr(): Rule {
    return this.chain('or', () => this.parseAnd());
  }

  private parseAnd(): Rule {
    return this.chain('and', () => this.parseUnary());
  }

  private chain(op: 'and' | 'or', operand: () => Rule): Rule {
    const start = this.cursor.peek.start;
    const first = operand();
    if (!this.cursor.isWord(op)) return first;
    const rules = [first];
    while (this.cursor.isWord(op)) {
      this.cursor.take();
      rules.push(operand());
    }
    return this.cursor.mark({ type: op, rules }, { '': start });
  }

  private parseUnary(): Rule {
    if (++this.depth > maxDepth)
      throw new SyntaxFailure(this.cursor.peek.start, `rule nested more than ${maxDepth} deep`);
    try {
      if (!this.cursor.isWord('not')) return this.parsePrimary();
      const not = this.cursor.take();
      return this.cursor.mark({ type: 'not', rule: this.parseUnary() }, { '': not.start });
    } finally {
      this.depth--;
    }
  }

  private parsePrimary(): Rule {
    const cursor = this.cursor;
    const token = cursor.peek;
    if (cursor.isPunct('(')) {
      cursor.take();
      const rule = this.parseOr();
      cursor.expectPunct(')', cursor.previous);
      return rule;
    }
    if ((cursor.isWord('and') || cursor.isWord('or')) && cursor.isPunct('(', cursor.next)) return this.parsePrefix();
    if (cursor.isWord('in')) return this.parseSegment();
    if (cursor.isWord('did')) return parseDid(cursor);
    if (isAggregateStart(cursor)) return parseAggregate(cursor);
    if (token.kind === 'word' || token.kind === 'ident') {
      if (cursor.isWord('and') || cursor.isWord('or')) cursor.fail('a condition', this.afterToken());
      return this.parseTrait();
    }
    const hint = token.kind === 'string' ? nameHint : undefined;
    return cursor.fail('a condition (a trait test, did, in segment, not or "(")', this.afterToken(), hint);
  }

  /** `and(a, b, …)` / `or(…)`: the spelling of a group with fewer than two rules, which infix cannot write. */
  private parsePrefix(): Rule {
    const cursor = this.cursor;
    const op = cursor.take();
    cursor.take();
    const rules: Rule[] = [];
    if (!cursor.isPunct(')')) {
      for (;;) {
        rules.push(this.parseOr());
        if (cursor.isPunct(')')) break;
        if (!cursor.isPunct(',')) cursor.fail(`"," or ")" in ${op.text}(…)`, cursor.previous);
        cursor.take();
      }
    }
    cursor.take();
    return cursor.mark({ type: op.text === 'and' ? 'and' : 'or', rules }, { '': op.start });
  }

  private parseSegment(): SegmentRefRule {
    const cursor = this.cursor;
    const inToken = cursor.take();
    const segment = cursor.expectWord('segment', inToken);
    const name = cursor.peek;
    if (name.kind !== 'string') cursor.fail('a segment name in double quotes', segment);
    cursor.take();
    return cursor.mark({ type: 'segment', segment: name.text }, { '': inToken.start, segment: name.start });
  }

  private parseTrait(): TraitRule {
    const test = parseTest(this.cursor, 'a trait name');
    const rule: TraitRule = { type: 'trait', trait: test.path, op: test.op };
    if (test.value !== undefined) rule.value = test.value;
    const { path, op, value } = test.offsets;
    return this.cursor.mark(rule, { '': path, trait: path, op, value });
  }

  /** The token before the current one, unless nothing has been read yet. */
  private afterToken(): Token | undefined {
    return this.cursor.peek.start > 0 && this.cursor.previous !== this.cursor.peek ? this.cursor.previous : undefined;
  }
}
