/** Where a command writes: results to stdout, progress and diagnostics to stderr, so `--json` output stays clean. */
export interface Output {
  json(value: unknown): void;
  line(text?: string): void;
  error(text: string): void;
  readonly isTTY: boolean;
}

export const consoleOutput: Output = {
  json: (value) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
  line: (text = '') => process.stdout.write(`${text}\n`),
  error: (text) => process.stderr.write(`${text}\n`),
  isTTY: Boolean(process.stderr.isTTY),
};

const format = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(2);
  return String(value);
};

/** A plain text table with right-aligned numbers. */
export function table(rows: readonly Record<string, unknown>[], columns: readonly string[]): string {
  const cells = rows.map((row) => columns.map((column) => format(row[column])));
  const widths = columns.map((column, i) => Math.max(column.length, ...cells.map((r) => (r[i] ?? '').length)));
  const numeric = columns.map((column) => rows.every((row) => typeof row[column] === 'number' || row[column] == null));
  const pad = (text: string, i: number) => (numeric[i] ? text.padStart(widths[i] ?? 0) : text.padEnd(widths[i] ?? 0));
  const lines = [columns.map(pad).join('  '), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const row of cells) lines.push(row.map(pad).join('  ').trimEnd());
  return lines.join('\n');
}
