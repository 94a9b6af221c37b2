import type { CsvReadOptions, Dialect, ValueKind } from '../dialect.js';
import { join, type Sql, sql, str, trusted } from '../sql.js';
import { isoTimeMs } from './iso-time.js';

/** The bulk-import part of `Dialect`: files through ClickHouse's `file()` table function, values through casts. */
export type ImportDialect = Pick<
  Dialect,
  | 'textType'
  | 'readCsv'
  | 'sniffCsv'
  | 'readParquet'
  | 'readJsonLines'
  | 'readLines'
  | 'describe'
  | 'valueKind'
  | 'toTimestamp'
  | 'parseTimestamp'
  | 'toNumber'
  | 'md5Hex'
  | 'splitFields'
  | 'jsonArrayAgg'
>;

const TIMESTAMP = `DateTime64(3, 'UTC')`;

/** Settings are SQL text, never parameters; only integers the program computed go in. */
const setting = (name: string, value: number): string => `${name} = ${Math.trunc(value)}`;

/**
 * strftime directives (DuckDB's `strptime`) as ClickHouse's MySQL-style `parseDateTime` directives. Month, day and
 * hour map to the forms that take one or two digits (`12/1/2010 8:26`), as strptime does.
 */
const STRFTIME_TO_MYSQL: Record<string, string> = {
  m: 'c',
  d: 'e',
  H: 'k',
  I: 'l',
  M: 'i',
  S: 's',
  '-m': 'c',
  '-d': 'e',
  '-H': 'k',
  '-I': 'l',
};

/**
 * Schema inference reads text as it is: ClickHouse would otherwise guess dates in text columns with its best-effort
 * parser (it reads `12/1/2010` as 12 January), where DuckDB leaves such a column as text for `toTimestamp` or
 * `parseTimestamp` to read.
 */
const TEXT_AS_TEXT = ['input_format_try_infer_dates = 0', 'input_format_try_infer_datetimes = 0'];

function mysqlFormat(format: string): string {
  return format.replace(/%(-?[A-Za-z%])/g, (_, directive: string) => `%${STRFTIME_TO_MYSQL[directive] ?? directive}`);
}

/** `Nullable(LowCardinality(String))` → `String`: the kind depends on the innermost type. */
function baseType(type: string): string {
  const wrapped = /^(?:Nullable|LowCardinality)\((.*)\)$/.exec(type);
  return wrapped?.[1] ? baseType(wrapped[1]) : type;
}

export const clickhouseImportDialect: ImportDialect = {
  textType: 'String',
  readCsv(file: string, options: CsvReadOptions = {}): Sql {
    if (options.types !== undefined) {
      // ClickHouse takes CSV column types by name (`schema_inference_hints`, or a structure naming every column);
      // positional types cannot be expressed. See docs/adding-an-engine.md.
      throw new Error('internal error: CsvReadOptions.types is not supported by the ClickHouse dialect');
    }
    const format = options.header === true ? 'CSVWithNames' : 'CSV';
    const settings = [...TEXT_AS_TEXT];
    if (options.header === false) settings.push(setting('input_format_csv_detect_header', 0));
    if (options.skipRows) settings.push(setting('input_format_csv_skip_first_lines', options.skipRows));
    return sql`(SELECT * FROM file(${str(file)}, ${trusted(`'${format}'`)}) SETTINGS ${trusted(settings.join(', '))})`;
  },
  sniffCsv(file: string): Sql {
    // ClickHouse detects a header while reading but does not report it: a header row is one fewer data row.
    // Leading non-CSV lines are not detected (skip_rows is always 0).
    const rows = (detect: number) =>
      sql`(SELECT count() FROM file(${str(file)}, 'CSV') SETTINGS ${trusted(setting('input_format_csv_detect_header', detect))})`;
    return sql`SELECT toBool(${rows(1)} != ${rows(0)}) AS has_header, 0 AS skip_rows`;
  },
  readParquet(file: string): Sql {
    return sql`file(${str(file)}, 'Parquet')`;
  },
  readJsonLines(file: string): Sql {
    return sql`(SELECT * FROM file(${str(file)}, 'JSONEachRow') SETTINGS ${trusted(TEXT_AS_TEXT.join(', '))})`;
  },
  readLines(file: string): Sql {
    // One thread and no parallel parsing so row numbers follow file order; `.gz` is decompressed by extension.
    return sql`(SELECT rowNumberInAllBlocks() + 1 AS line_no, replaceRegexpOne(line, '\r$', '') AS line
      FROM file(${str(file)}, 'LineAsString', 'line String')
      SETTINGS max_threads = 1, input_format_parallel_parsing = 0)`;
  },
  describe(query: Sql): Sql {
    // DESCRIBE cannot be a subquery in ClickHouse; its rows carry `name` and `type` first, then extra columns.
    return sql`DESCRIBE (${query})`;
  },
  valueKind(type: string): ValueKind {
    const base = baseType(type);
    if (/^(String|FixedString)/.test(base)) return 'text';
    if (base === 'Bool') return 'boolean';
    if (/^(U?Int\d+|Float\d+|BFloat16|Decimal)/.test(base)) return 'number';
    if (/^(Date|DateTime)/.test(base)) return 'timestamp';
    return 'other';
  },

  toTimestamp(value: Sql, kind: ValueKind): Sql {
    const none = trusted(`CAST(NULL AS Nullable(${TIMESTAMP}))`);
    switch (kind) {
      case 'text': {
        // The same ISO-8601 reading as segment rules; DateTime64 spans 1900–2299, outside it is NULL.
        const ms = isoTimeMs(value);
        return sql`if(${ms} BETWEEN -2208988800000 AND 10413791999999, fromUnixTimestamp64Milli(${ms}, 'UTC'), ${none})`;
      }
      case 'number': {
        const ms = sql`toInt64(round(if(abs(${value}) >= 1e11, ${value}, ${value} * 1000)))`;
        return sql`fromUnixTimestamp64Milli(${ms}, 'UTC')`;
      }
      case 'timestamp':
        return sql`toDateTime64(${value}, 3, 'UTC')`;
      case 'boolean':
      case 'other':
        return none;
    }
  },
  parseTimestamp(text: Sql, format: string): Sql {
    return sql`toDateTime64(parseDateTimeOrNull(${text}, ${str(mysqlFormat(format))}, 'UTC'), 3, 'UTC')`;
  },
  toNumber(value: Sql): Sql {
    return sql`accurateCastOrNull(${value}, 'Float64')`;
  },
  md5Hex(text: Sql): Sql {
    return sql`lower(hex(MD5(${text})))`;
  },
  splitFields(text: Sql): Sql {
    const trimmed = sql`replaceRegexpAll(${text}, ${str('^[\\s,]+|[\\s,]+$')}, '')`;
    return sql`splitByRegexp(${str('[\\s,]+')}, ${trimmed})`;
  },
  jsonArrayAgg(value: Sql, orderBy: Sql): Sql {
    const sorted = sql`arraySort(x -> x.1, groupArray(tuple(${orderBy}, ${value})))`;
    return sql`concat('[', arrayStringConcat(arrayMap(x -> ifNull(x.2, 'null'), ${sorted}), ','), ']')`;
  },
};

/** `{"k": v, …}` from named expressions; keys are parameters, values are serialised by `toJSONString`. */
export function jsonObjectText(fields: readonly (readonly [string, Sql])[]): Sql {
  if (fields.length === 0) return sql`'{}'`;
  const members = fields.map(
    ([key, value]) => sql`toJSONString(${str(key)}), ':', ifNull(toJSONString(${value}), 'null')`,
  );
  return sql`concat('{', ${join(members, `, ',', `)}, '}')`;
}
