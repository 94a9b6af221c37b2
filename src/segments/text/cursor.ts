import { SyntaxFailure } from './errors.js';
import type { Token } from './lexer.js';

/** Offsets of the parts of each parsed node, keyed by field name ('' is the node itself), for locating schema issues. */
export type Positions = WeakMap<object, Record<string, number>>;

/** A read position in the token list, with the helpers every grammar rule needs. */
export class Cursor {
  private index = 0;
  readonly positions: Positions = new WeakMap();

  constructor(
    private readonly tokens: readonly Token[],
    private readonly source: string,
  ) {}

  get peek(): Token {
    return this.tokens[this.index] as Token;
  }

  /** Whether all tokens are read. A method, not a property test, because TS would keep a narrowing across calls. */
  atEnd(): boolean {
    return this.peek.kind === 'eof';
  }

  /** The token after the current one (the list always ends with `eof`, so this never runs off). */
  get next(): Token {
    return (this.tokens[this.index + 1] ?? this.tokens[this.tokens.length - 1]) as Token;
  }

  /** The token taken last (the first token before anything is taken). */
  get previous(): Token {
    return this.tokens[Math.max(0, this.index - 1)] as Token;
  }

  take(): Token {
    const token = this.peek;
    if (token.kind !== 'eof') this.index++;
    return token;
  }

  /** Whether the current token is the bare word `word`; backtick-quoted names never count as keywords. */
  isWord(word: string, token: Token = this.peek): boolean {
    return token.kind === 'word' && token.text === word;
  }

  isPunct(mark: string, token: Token = this.peek): boolean {
    return token.kind === 'punct' && token.text === mark;
  }

  /** Takes the keyword `word` or fails saying where it was expected. */
  expectWord(word: string, after?: Token): Token {
    if (!this.isWord(word)) this.fail(`"${word}"`, after);
    return this.take();
  }

  expectPunct(mark: string, after?: Token): Token {
    if (!this.isPunct(mark)) this.fail(`"${mark}"`, after);
    return this.take();
  }

  /** Fails at the current token: `expected <what> after <token>, found <current> (<hint>)`. */
  fail(what: string, after?: Token, hint?: string): never {
    const where = after === undefined ? '' : ` after ${this.quote(after)}`;
    const why = hint === undefined ? '' : ` (${hint})`;
    throw new SyntaxFailure(this.peek.start, `expected ${what}${where}, found ${this.describe(this.peek)}${why}`);
  }

  /** Fails at the current token, which is well-formed but not allowed here: `<reason>, found <current>`. */
  reject(reason: string): never {
    throw new SyntaxFailure(this.peek.start, `${reason}, found ${this.describe(this.peek)}`);
  }

  /** The token that starts at `offset`, if any. */
  tokenAt(offset: number): Token | undefined {
    return this.tokens.find((token) => token.start === offset);
  }

  /** Records where the fields of a node were written. */
  mark<T extends object>(node: T, fields: Record<string, number>): T {
    this.positions.set(node, fields);
    return node;
  }

  /** A token as the user wrote it, in quotes unless it already has some. */
  quote(token: Token): string {
    const text = this.source.slice(token.start, token.end);
    const short = text.length > 40 ? `${text.slice(0, 37)}...` : text;
    return token.kind === 'string' ? short : JSON.stringify(short);
  }

  describe(token: Token): string {
    switch (token.kind) {
      case 'eof':
        return 'the end of the text';
      case 'string':
        return `the string ${this.quote(token)}`;
      case 'number':
        return `the number ${token.text}`;
      case 'ident':
        return `the name ${this.quote(token)}`;
      default:
        return this.quote(token);
    }
  }
}
