/** Where a problem is in the text: 1-based line and column (columns count UTF-16 code units, as editors and LSP do). */
export interface Location {
  readonly line: number;
  readonly column: number;
}

/**
 * A problem with a rule written as text: an `Issue` (`{code, path, message}`) with the place in the text. Code
 * `syntax_error` when the text does not follow the grammar (path `text:<line>:<column>`); otherwise the rule parsed
 * but the definition schema rejects it, and code and path are those the JSON form would get (`invalid_value` at
 * `rule.rules[2].value`), located at the text that wrote the offending part.
 */
export interface TextError {
  readonly code: 'syntax_error' | (string & {});
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly path: string;
}

/**
 * Thrown inside the lexer and parser and caught by `parseRule`, which returns it as a value: the grammar stops at
 * the first error, and unwinding the recursive descent by exception keeps every rule function free of result checks.
 */
export class SyntaxFailure extends Error {
  constructor(
    readonly offset: number,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'SyntaxFailure';
  }
}

/** Maps offsets in one text to lines and columns. */
export class LineMap {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  locate(offset: number): Location {
    // Binary search for the last line that starts at or before the offset.
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.starts[mid] as number) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - (this.starts[low] as number) + 1 };
  }
}

/** The `syntax_error` for a failure, with the position appended to the message so a bare message still says where. */
export function syntaxError(failure: SyntaxFailure, lines: LineMap): TextError {
  const { line, column } = lines.locate(failure.offset);
  return {
    code: 'syntax_error',
    message: `${failure.detail} at ${line}:${column}`,
    line,
    column,
    path: `text:${line}:${column}`,
  };
}
