import { clickhouseDialect } from './clickhouse/dialect.js';
import type { Dialect } from './dialect.js';
import { duckdbFullDialect } from './duckdb/segment-dialect.js';
import type { SegmentDialect } from './segment-dialect.js';

/** The pure dialects by name, for compiling SQL to read without a connection (`strata segment sql --engine`). */
const dialects: Record<string, Dialect & SegmentDialect> = {
  duckdb: duckdbFullDialect,
  clickhouse: clickhouseDialect,
};

export const dialectNames = Object.keys(dialects);

export function dialectNamed(name: string): (Dialect & SegmentDialect) | undefined {
  return dialects[name];
}
