import type { Column, Table } from '../../store/tables.js';
import * as tables from '../../store/tables.js';
import type { CellValue, Row } from '../engine.js';
import type { Param } from '../sql.js';

/** A bound parameter as the clients take it; both escape strings for ClickHouse's parameter transport. */
export type BoundValue = string | boolean | readonly string[] | null;

/** `2024-05-01 10:00:00.123` in UTC: the text a `DateTime64(3, 'UTC')` JSONEachRow field parses. */
export function timestampText(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/** A double as text: the clients would refuse integral doubles beyond 2^53, and String(-0) loses the sign. */
function doubleText(value: number): string {
  if (Object.is(value, -0)) return '-0';
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  return String(value);
}

function bindValue(param: Param): BoundValue {
  const { value } = param;
  if (value === null) return null;
  switch (param.type) {
    case 'string':
    case 'json':
      return String(value);
    case 'double':
      return doubleText(Number(value));
    case 'bigint':
      // Through BigInt: an exact integer or an error, never a rounded one.
      return BigInt(value as number).toString();
    case 'boolean':
      return Boolean(value);
    case 'timestamp': {
      // Epoch milliseconds for `fromUnixTimestamp64Milli` (see `paramTypes` in dialect.ts): exact for every Date.
      const ms = (value as Date).getTime();
      if (Number.isNaN(ms)) throw new RangeError('internal error: an invalid Date as a timestamp parameter');
      return String(ms);
    }
    case 'string[]':
      return [...(value as readonly string[])];
  }
}

/** Parameters by the names `placeholder` gives them: `p1`, `p2`, … in order of appearance. */
export function bindParams(params: readonly Param[]): Record<string, BoundValue> {
  const out: Record<string, BoundValue> = {};
  params.forEach((param, i) => {
    out[`p${i + 1}`] = bindValue(param);
  });
  return out;
}

function cellValue(column: Column, value: CellValue | undefined): unknown {
  if (value === null || value === undefined) return null;
  switch (column.type) {
    case 'string':
      return String(value);
    case 'json':
      return typeof value === 'string' ? value : JSON.stringify(value);
    case 'double': {
      const n = Number(value);
      // JSON has no NaN or Infinity; ClickHouse reads them from strings.
      return Number.isFinite(n) ? n : doubleText(n);
    }
    case 'bigint':
      return BigInt(value as number).toString();
    case 'boolean':
      return Boolean(value);
    case 'timestamp':
      return timestampText(value as Date);
  }
}

/** One row as a JSONEachRow object: JSON text for JSON columns, UTC text for timestamps. */
export function insertRow(table: Table, row: readonly CellValue[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  table.columns.forEach((column, i) => {
    out[column.name] = cellValue(column, row[i]);
  });
  return out;
}

/**
 * The names of the columns declared `json` in tables.ts. ClickHouse stores them as `String` and its result metadata
 * cannot tell them from text, so a result column of a String type with one of these names is parsed. A JSON column
 * selected under another name (`a.traits AS account`) comes back as text: see docs/adding-an-engine.md.
 */
export const jsonColumnNames: ReadonlySet<string> = new Set(
  Object.values(tables)
    .filter((value): value is Table => typeof value === 'object' && value !== null && 'columns' in value)
    .flatMap((table) => table.columns.filter((c) => c.type === 'json').map((c) => c.name)),
);

/** A result as ClickHouse's `JSONCompact` format returns it. */
export interface CompactResult {
  readonly meta: readonly { readonly name: string; readonly type: string }[];
  readonly data: readonly (readonly unknown[])[];
}

const unwrap = (type: string): string => {
  const inner = /^(?:Nullable|LowCardinality)\((.*)\)$/.exec(type);
  return inner?.[1] ? unwrap(inner[1]) : type;
};

const SPECIAL_NUMBERS: Readonly<Record<string, number>> = {
  nan: Number.NaN,
  '-nan': Number.NaN,
  inf: Infinity,
  '+inf': Infinity,
  '-inf': -Infinity,
};

/** NaN and infinities arrive as `nan` / `inf` (settings.ts); 64-bit integers as strings where quoting is on. */
const toNumber = (value: unknown): unknown =>
  typeof value === 'string' ? (SPECIAL_NUMBERS[value] ?? Number(value)) : value;

function parseJson(text: string, column: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`internal error: column ${column} holds text that is not JSON`);
  }
}

/** A value of a ClickHouse type as the DuckDB engine returns it (see `Row`). */
function normalise(value: unknown, type: string, jsonColumn: string | null): unknown {
  if (value === null) return null;
  const base = unwrap(type);
  if (/^(U?Int\d+|Float\d+|BFloat16|Decimal)/.test(base)) return toNumber(value);
  // date_time_output_format = 'iso' (settings.ts): UTC with a `Z`, whatever the column's time zone.
  if (/^DateTime/.test(base)) return new Date(String(value));
  if (/^Date(32)?$/.test(base)) return new Date(`${String(value)}T00:00:00Z`);
  const array = /^Array\((.*)\)$/.exec(base);
  if (array?.[1] && Array.isArray(value)) return value.map((item) => normalise(item, array[1] as string, null));
  if (jsonColumn !== null && base === 'String' && typeof value === 'string') return parseJson(value, jsonColumn);
  return value;
}

/** Rows as objects with normalised values: numbers, booleans, Dates, parsed JSON columns, arrays, null. */
export function normaliseRows(result: CompactResult): Row[] {
  const columns = result.meta.map((m) => ({ ...m, json: jsonColumnNames.has(m.name) ? m.name : null }));
  return result.data.map((values) => {
    const row: Row = {};
    columns.forEach((column, i) => {
      row[column.name] = normalise(values[i] ?? null, column.type, column.json);
    });
    return row;
  });
}
