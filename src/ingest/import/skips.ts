import type { Engine } from '../../engines/engine.js';
import { int, type Sql, sql } from '../../engines/sql.js';
import type { SkipReason } from './types.js';

/** How many line numbers a skip reason keeps: enough to find the pattern, small enough to print. */
export const SAMPLE_LINES = 20;

/** What each skip code means, in words for the summary. Codes from message validation pass through as they are. */
const descriptions: Readonly<Record<string, string>> = {
  missing_user: 'no user id and no anonymous id',
  missing_event: 'no event name',
  missing_account: 'no account id',
  missing_identity: 'no userId and no anonymousId',
  invalid_timestamp: 'no timestamp, or one that cannot be read as a date-time (ISO-8601 or Unix epoch)',
  timestamp_in_future: 'timestamp more than 24h after the import time',
  invalid_json: 'the line is not valid JSON',
  missing_customer: 'no customer id',
  non_positive_quantity: 'quantity is zero or negative on an order line',
  non_positive_price: 'unit price is zero or negative',
  invalid_number: 'a quantity, price or amount that is not a number',
  invalid_row: 'the line does not have the fields of the layout',
};

/** Words for a skip code: ours, else the first message that came with it (from message validation). */
export function describeSkip(code: string, fallback?: string): string {
  return descriptions[code] ?? fallback ?? code.replaceAll('_', ' ');
}

const byCount = (a: SkipReason, b: SkipReason) => b.count - a.count || a.code.localeCompare(b.code);

/** Tallies skipped rows one by one, for imports that look at rows in JavaScript (JSON lines, traits). */
export class SkipTally {
  private readonly reasons = new Map<string, { count: number; lines: number[]; message: string }>();

  add(code: string, line: number, message = describeSkip(code)): void {
    const reason = this.reasons.get(code) ?? { count: 0, lines: [], message };
    reason.count++;
    if (reason.lines.length < SAMPLE_LINES) reason.lines.push(line);
    this.reasons.set(code, reason);
  }

  get total(): number {
    let total = 0;
    for (const reason of this.reasons.values()) total += reason.count;
    return total;
  }

  list(): SkipReason[] {
    return [...this.reasons]
      .map(([code, r]) => ({ code, message: r.message, count: r.count, lines: r.lines }))
      .sort(byCount);
  }
}

/**
 * Skip reasons of a staged table with columns `skip` (a code, null when the row is kept) and `line`, counted in one
 * set-based pass: per code, the count and the first line numbers.
 */
export async function collectSkips(engine: Engine, table: Sql): Promise<SkipReason[]> {
  const rows = await engine.query(
    sql`SELECT skip, line, n FROM (
          SELECT skip, line, row_number() OVER (PARTITION BY skip ORDER BY line) AS rn,
                 count(*) OVER (PARTITION BY skip) AS n
          FROM ${table} WHERE skip IS NOT NULL) ranked
        WHERE rn <= ${int(SAMPLE_LINES)} ORDER BY skip, line`,
  );
  const reasons = new Map<string, SkipReason & { lines: number[] }>();
  for (const row of rows) {
    const code = String(row['skip']);
    const reason = reasons.get(code) ?? { code, message: describeSkip(code), count: Number(row['n']), lines: [] };
    reason.lines.push(Number(row['line']));
    reasons.set(code, reason);
  }
  return [...reasons.values()].sort(byCount);
}

/** Adds up the counts of skip reasons. */
export const skippedRows = (reasons: readonly SkipReason[]): number => reasons.reduce((n, r) => n + r.count, 0);
