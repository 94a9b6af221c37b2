import { SyntaxFailure } from './errors.js';

/**
 * Tokens of the text form. `word` is a bare word (keyword or identifier; the parser decides by position), `ident` a
 * backtick-quoted key path (never a keyword), `duration` digits glued to letters (`90d`).
 */
export type TokenKind = 'word' | 'ident' | 'string' | 'number' | 'duration' | 'punct' | 'op' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** The decoded text: a string's content, an identifier's path, an operator or punctuation mark. */
  readonly text: string;
  /** Set for numbers only. */
  readonly number: number;
  /** Offsets into the source: [start, end). */
  readonly start: number;
  readonly end: number;
}

const word = /[A-Za-z_$][A-Za-z0-9_$.]*/y;
// JSON's number grammar, so that `String(n)` for every finite number lexes back to the same number.
const number = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const duration = /[0-9]+[A-Za-z_][A-Za-z0-9_]*/y;
const identChar = /[A-Za-z0-9_$.]/;
const escapes: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** Splits text into tokens, ending with one `eof` token. Throws `SyntaxFailure` at the first bad character. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, text: string, start: number, end: number, value = Number.NaN) => {
    tokens.push({ kind, text, number: value, start, end });
    i = end;
  };
  const match = (re: RegExp): string | undefined => {
    re.lastIndex = i;
    return re.exec(source)?.[0];
  };
  while (i < source.length) {
    const c = source[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
    else if (c === '#') {
      const newline = source.indexOf('\n', i);
      i = newline === -1 ? source.length : newline;
    } else if (c === '(' || c === ')' || c === '[' || c === ']' || c === ',') push('punct', c, i, i + 1);
    else if (c === '"') {
      const [text, end] = readString(source, i);
      push('string', text, i, end);
    } else if (c === '`') {
      const [text, end] = readQuotedIdent(source, i);
      push('ident', text, i, end);
    } else if (c === '=' || c === '!' || c === '<' || c === '>') {
      const two = source.slice(i, i + 2);
      if (two === '!=' || two === '>=' || two === '<=') push('op', two, i, i + 2);
      else if (two === '==') throw new SyntaxFailure(i, 'found "==": equality is written with a single "="');
      else if (c === '!') throw new SyntaxFailure(i, 'found "!": write "!=" for not equal, or "not" to negate');
      else push('op', c, i, i + 1);
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      const num = match(number);
      const after = num === undefined ? undefined : source[i + num.length];
      if (num !== undefined && (after === undefined || !identChar.test(after))) {
        push('number', num, i, i + num.length, Number(num));
      } else {
        const dur = match(duration);
        if (dur === undefined) throw new SyntaxFailure(i, `found "${source.slice(i, i + 12)}": not a number`);
        push('duration', dur, i, i + dur.length);
      }
    } else {
      const w = match(word);
      if (w === undefined)
        throw new SyntaxFailure(
          i,
          `unexpected character ${JSON.stringify(String.fromCodePoint(source.codePointAt(i) ?? 0))}`,
        );
      push('word', w, i, i + w.length);
    }
  }
  tokens.push({ kind: 'eof', text: '', number: Number.NaN, start: source.length, end: source.length });
  return tokens;
}

/** A JSON string starting at `start` (the opening quote): its decoded text and the offset after the closing quote. */
function readString(source: string, start: number): [string, number] {
  let out = '';
  let i = start + 1;
  while (i < source.length) {
    const c = source[i] as string;
    if (c === '"') return [out, i + 1];
    if (c === '\\') {
      const e = source[i + 1];
      if (e === 'u') {
        const hex = source.slice(i + 2, i + 6);
        if (!/^[0-9A-Fa-f]{4}$/.test(hex)) throw new SyntaxFailure(i, 'bad escape: \\u takes four hex digits');
        // Code units, not code points, so lone surrogates (which JSON.stringify escapes) survive the round trip.
        out += String.fromCharCode(Number.parseInt(hex, 16));
        i += 6;
      } else if (e !== undefined && escapes[e] !== undefined) {
        out += escapes[e];
        i += 2;
      } else throw new SyntaxFailure(i, `bad escape "\\${e ?? ''}" in a string (use \\" \\\\ \\n \\t \\uXXXX)`);
    } else if (c === '\n' || c === '\r') {
      // Raw line breaks are refused so a missing quote is reported on its own line, not at the end of the text.
      throw new SyntaxFailure(
        start,
        'unterminated string: a string must close on the line it opens (write \\n for a line break)',
      );
    } else if (c.charCodeAt(0) < 0x20) {
      const code = c.charCodeAt(0).toString(16).padStart(4, '0');
      throw new SyntaxFailure(i, `control character in a string: write it as \\u${code}`);
    } else {
      out += c;
      i++;
    }
  }
  throw new SyntaxFailure(start, 'unterminated string: missing the closing "');
}

/** A backtick-quoted key path: the content as written, with a doubled backtick standing for one. */
function readQuotedIdent(source: string, start: number): [string, number] {
  let out = '';
  let i = start + 1;
  while (i < source.length) {
    const c = source[i] as string;
    if (c === '`') {
      if (source[i + 1] !== '`') return [out, i + 1];
      out += '`';
      i += 2;
    } else {
      out += c;
      i++;
    }
  }
  throw new SyntaxFailure(start, 'unterminated name: missing the closing `');
}
