import type { Engine } from '../../engines/engine.js';
import { int, type Sql, sql, str, ts } from '../../engines/sql.js';
import { UserError } from '../../errors.js';
import { validTime } from '../../live/history/membership-at.js';
import { type MigrationLink, type MigrationNode, sankeyOf } from '../../live/history/migration.js';
import { COMPUTED_TRAITS } from './definitions.js';

/** Where a user had no value of the trait (not yet computed, or not a customer then). */
export const NO_VALUE = '(none)';
/** The most distinct values a migration shows; the rest are folded into "(other)". */
export const MAX_VALUES = 30;

export interface TraitChange {
  readonly trait: string;
  readonly value: unknown;
  readonly at: Date;
  readonly runId: string;
}

function knownTrait(trait: string): string {
  if (!COMPUTED_TRAITS.includes(trait)) {
    throw new UserError(
      'unknown_trait',
      `"${trait}" is not a computed trait; known: ${COMPUTED_TRAITS.join(', ')}`,
      'trait',
      404,
    );
  }
  return trait;
}

/** A user's computed-trait history, oldest first (optionally one trait). */
export async function userTraitHistory(
  engine: Engine,
  workspace: string,
  userId: string,
  trait?: string,
): Promise<TraitChange[]> {
  const only = trait === undefined ? sql`` : sql`AND trait = ${str(knownTrait(trait))}`;
  const rows = await engine.query(
    sql`SELECT trait, value_json, "at" AS changed_at, run_id FROM trait_changes
        WHERE workspace = ${str(workspace)} AND user_id = ${str(userId)} ${only}
        ORDER BY "at", trait`,
  );
  return rows.map((row) => ({
    trait: String(row['trait']),
    value: row['value_json'] ?? null,
    at: row['changed_at'] as Date,
    runId: String(row['run_id']),
  }));
}

/**
 * Each user's value of `trait` at `at` (their latest change at or before it), as JSON text; users whose latest
 * change removed the trait are left out.
 */
function valuesAt(workspace: string, trait: string, at: Date): Sql {
  return sql`SELECT user_id, value_json FROM (
      SELECT user_id, value_json, row_number() OVER (PARTITION BY user_id ORDER BY "at" DESC) AS latest
      FROM trait_changes WHERE workspace = ${str(workspace)} AND trait = ${str(trait)} AND "at" <= ${ts(at)}
    ) v WHERE latest = 1 AND value_json IS NOT NULL`;
}

/** A value's label from its JSON text: strings unquoted, anything else as JSON. */
const label = (text: unknown): string => {
  if (text === null || text === undefined) return NO_VALUE;
  const value: unknown = JSON.parse(String(text));
  return typeof value === 'string' ? value : JSON.stringify(value);
};

/** How many users held each value of a computed trait at a time, from its history. */
export async function traitDistribution(
  engine: Engine,
  workspace: string,
  trait: string,
  at: Date,
): Promise<{ trait: string; at: Date; total: number; values: { value: unknown; users: number }[] }> {
  const when = validTime(at, 'at');
  const rows = await engine.query(
    sql`SELECT value_json, count(*) AS users FROM (${valuesAt(workspace, knownTrait(trait), when)}) v
        GROUP BY value_json ORDER BY users DESC, value_json LIMIT ${int(1000)}`,
  );
  const values = rows.map((row) => ({ value: row['value_json'] ?? null, users: Number(row['users']) }));
  return { trait, at: when, total: values.reduce((sum, v) => sum + v.users, 0), values };
}

export interface TraitMigration {
  readonly trait: string;
  readonly from: Date;
  readonly to: Date;
  /** The values seen, most common first, then "(none)". */
  readonly groups: readonly string[];
  /** `matrix[i][j]`: users with value i at `from` and value j at `to`. */
  readonly matrix: readonly (readonly number[])[];
  readonly links: readonly MigrationLink[];
  readonly nodes: readonly MigrationNode[];
  /** Users with a value at either date. */
  readonly total: number;
}

/**
 * How users moved between the values of a computed trait (RFM group, lifecycle stage, value tier) from one date to
 * another: rows at `from`, columns at `to`, with "(none)" for users without a value at that date.
 */
export async function traitMigration(
  engine: Engine,
  workspace: string,
  options: { trait: string; from: Date; to: Date },
): Promise<TraitMigration> {
  const trait = knownTrait(options.trait);
  const from = validTime(options.from, 'from');
  const to = validTime(options.to, 'to');
  if (to.getTime() < from.getTime()) throw new UserError('invalid_range', 'to must not be before from', 'to', 400);
  const rows = await engine.query(
    // `|| ''` reads the JSON as plain text on both engines (NULL stays NULL), so neither parses it under another name.
    sql`SELECT a.value_json || '' AS f, b.value_json || '' AS t, count(*) AS n
        FROM (${valuesAt(workspace, trait, from)}) a
        FULL OUTER JOIN (${valuesAt(workspace, trait, to)}) b ON a.user_id = b.user_id
        GROUP BY a.value_json, b.value_json`,
  );
  const cells = rows.map((row) => ({
    from: label(row['f']),
    to: label(row['t']),
    n: Number(row['n']),
  }));
  const totals = new Map<string, number>();
  for (const cell of cells) {
    for (const value of [cell.from, cell.to]) totals.set(value, (totals.get(value) ?? 0) + cell.n);
  }
  const ranked = [...totals.keys()]
    .filter((value) => value !== NO_VALUE)
    .sort((a, b) => (totals.get(b) ?? 0) - (totals.get(a) ?? 0) || (a < b ? -1 : a > b ? 1 : 0));
  const kept = ranked.slice(0, MAX_VALUES);
  const groups = ranked.length > MAX_VALUES ? [...kept, '(other)', NO_VALUE] : [...kept, NO_VALUE];
  const indexOf = (value: string) => {
    const i = groups.indexOf(value);
    return i >= 0 ? i : groups.indexOf('(other)');
  };
  const matrix = groups.map(() => groups.map(() => 0));
  let total = 0;
  for (const cell of cells) {
    const line = matrix[indexOf(cell.from)];
    if (line) line[indexOf(cell.to)] = (line[indexOf(cell.to)] ?? 0) + cell.n;
    total += cell.n;
  }
  return { trait, from, to, groups, matrix, ...sankeyOf(groups, matrix, from, to), total };
}
