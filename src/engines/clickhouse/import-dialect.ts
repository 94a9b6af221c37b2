import type { CsvReadOptions, Dialect, JsonField, ValueKind } from '../dialect.js';
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
  | 'toText'
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

/**
 * ClickHouse does not detect a CSV file's delimiter (DuckDB sniffs it from the content): a tab-separated file is
 * recognised by its name (`.tsv`, `.tab`, compressed or not) and read with the CSV rules and a tab. The CSV reader
 * skips tabs as blanks around fields unless told they may delimit; it then also drops blanks at the end of an
 * unquoted field.
 */
const tabSeparated = (file: string): boolean => /\.(tsv|tab)(\.[a-z0-9]+)?$/i.test(file);
const TAB_DELIMITER = "format_csv_delimiter = '\\t', input_format_csv_allow_whitespace_or_tab_as_delimiter = 1";

/** A column name inside a table structure (a bound text value, so its quoting is ClickHouse's, not SQL's). */
const structureName = (name: string): string => `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\``;

function mysqlFormat(format: string): string {
  return format.replace(/%(-?[A-Za-z%])/g, (_, directive: string) => `%${STRFTIME_TO_MYSQL[directive] ?? directive}`);
}

/** `Nullable(LowCardinality(String))` → `String`: the kind depends on the innermost type. */
function baseType(type: string): string {
  const wrapped = /^(?:Nullable|LowCardinality)\((.*)\)$/.exec(type);
  return wrapped?.[1] ? baseType(wrapped[1]) : type;
}

export const clickhouseImportDialect: ImportDialect = {
  // Nullable: an empty CSV field reads as NULL, as in DuckDB, not as ''.
  textType: 'Nullable(String)',
  readCsv(file: string, options: CsvReadOptions = {}): Sql {
    const format = options.header === true ? 'CSVWithNames' : 'CSV';
    const settings = [...TEXT_AS_TEXT];
    if (options.header === false) settings.push(setting('input_format_csv_detect_header', 0));
    if (options.skipRows) settings.push(setting('input_format_csv_skip_first_lines', options.skipRows));
    if (tabSeparated(file)) settings.push(TAB_DELIMITER);
    const settingsText = trusted(settings.join(', '));
    if (options.types === undefined) {
      return sql`(SELECT * FROM file(${str(file)}, ${trusted(`'${format}'`)}) SETTINGS ${settingsText})`;
    }
    // ClickHouse takes column types by name: a structure naming every column, bound as a value like the path.
    const { types, names } = options;
    if (names === undefined || names.length !== types.length) {
      throw new Error('internal error: the ClickHouse dialect needs CsvReadOptions.names for every one of types');
    }
    const structure = names.map((name, i) => `${structureName(name)} ${types[i]}`).join(', ');
    return sql`(SELECT * FROM file(${str(file)}, ${trusted(`'${format}'`)}, ${str(structure)}) SETTINGS ${settingsText})`;
  },
  sniffCsv(file: string): Sql {
    // ClickHouse detects a header while reading but does not report it: a header row is one fewer data row.
    // Leading non-CSV lines are not detected (skip_rows is always 0).
    const settings = (detect: number) =>
      trusted(
        [setting('input_format_csv_detect_header', detect), ...(tabSeparated(file) ? [TAB_DELIMITER] : [])].join(', '),
      );
    const rows = (detect: number) => sql`(SELECT count() FROM file(${str(file)}, 'CSV') SETTINGS ${settings(detect)})`;
    // One line cannot be compared with others: as DuckDB's sniffer does, it is a header when every field is text.
    const types = sql`(SELECT toTypeName(tuple(*)) FROM file(${str(file)}, 'CSV') LIMIT 1 SETTINGS ${settings(0)})`;
    const allText = sql`arrayAll(t -> t = 'Nullable(String)', splitByString(', ', substring(${types}, 7, length(${types}) - 7)))`;
    return sql`SELECT toBool(${rows(1)} != ${rows(0)} OR (${rows(0)} = 1 AND ${allText})) AS has_header, 0 AS skip_rows`;
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
  toText(value: Sql): Sql {
    return sql`CAST(${value} AS Nullable(String))`;
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

/**
 * `{"k": v, …}` from named expressions; keys are parameters, values are serialised by `toJSONString`, but for values
 * marked as JSON text already, which are embedded as they are.
 */
export function jsonObjectText(fields: readonly JsonField[]): Sql {
  if (fields.length === 0) return sql`'{}'`;
  const members = fields.map(([key, value, kind]) => {
    const json = kind === 'json' ? value : sql`toJSONString(${value})`;
    return sql`toJSONString(${str(key)}), ':', ifNull(${json}, 'null')`;
  });
  return sql`concat('{', ${join(members, `, ',', `)}, '}')`;
}
