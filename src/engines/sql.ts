/**
 * SQL fragments that keep user values out of SQL text. A fragment is built with the `sql` tag: interpolated
 * fragments are spliced in, interpolated `Param`s become placeholders that the dialect renders. Only this module
 * and the dialects create raw text, so a user string can reach the engine only as a bound parameter.
 */

/** The logical type of a bound value; the dialect maps it to the engine's type. */
export type ParamType = 'string' | 'double' | 'bigint' | 'boolean' | 'timestamp' | 'json' | 'string[]';

export interface Param {
  readonly kind: 'param';
  readonly type: ParamType;
  readonly value: string | number | boolean | Date | readonly string[] | null;
}

type Part = string | Param | { readonly kind: 'ident'; readonly name: string };

const SQL = Symbol('sql');

/** A fragment of SQL text with its parameters. Create with `sql`, `ident` or `trusted`. */
export interface Sql {
  readonly [SQL]: true;
  readonly parts: readonly Part[];
}

function make(parts: readonly Part[]): Sql {
  return { [SQL]: true, parts };
}

export function isSql(value: unknown): value is Sql {
  return typeof value === 'object' && value !== null && SQL in value;
}

/** Tagged template: `sql\`SELECT * FROM ${ident('events')} WHERE user_id = ${str(id)}\``. */
export function sql(strings: TemplateStringsArray, ...values: readonly (Sql | Param)[]): Sql {
  const parts: Part[] = [];
  strings.forEach((text, i) => {
    if (text !== '') parts.push(text);
    const value = values[i];
    if (value === undefined) return;
    if (isSql(value)) parts.push(...value.parts);
    else parts.push(value);
  });
  return make(parts);
}

/**
 * Text the program itself wrote (keywords, generated column lists). Never pass user input: values go through the
 * param helpers, names through `ident`.
 */
export function trusted(text: string): Sql {
  return make([text]);
}

/** A table or column name, quoted by the dialect. */
export function ident(name: string): Sql {
  return make([{ kind: 'ident', name }]);
}

/** Joins fragments with a separator, e.g. a column list. */
export function join(fragments: readonly Sql[], separator = ', '): Sql {
  const parts: Part[] = [];
  fragments.forEach((fragment, i) => {
    if (i > 0) parts.push(separator);
    parts.push(...fragment.parts);
  });
  return make(parts);
}

const param = (type: ParamType, value: Param['value']): Param => ({ kind: 'param', type, value });
export const str = (value: string | null): Param => param('string', value);
export const num = (value: number | null): Param => param('double', value);
export const int = (value: number | null): Param => param('bigint', value);
export const bool = (value: boolean | null): Param => param('boolean', value);
export const ts = (value: Date | null): Param => param('timestamp', value);
export const json = (value: unknown): Param => param('json', value === undefined ? null : JSON.stringify(value));
export const strList = (value: readonly string[]): Param => param('string[]', value);

/** What a dialect must supply to turn a fragment into engine text. */
export interface SqlRenderer {
  quoteIdent(name: string): string;
  placeholder(index: number, param: Param): string;
}

export interface RenderedSql {
  readonly text: string;
  readonly params: readonly Param[];
}

/** Renders a fragment for one engine: identifiers quoted, parameters numbered in order of appearance. */
export function render(fragment: Sql, renderer: SqlRenderer): RenderedSql {
  let text = '';
  const params: Param[] = [];
  for (const part of fragment.parts) {
    if (typeof part === 'string') text += part;
    else if (part.kind === 'ident') text += renderer.quoteIdent(part.name);
    else {
      params.push(part);
      text += renderer.placeholder(params.length, part);
    }
  }
  return { text, params };
}
