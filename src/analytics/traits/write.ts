import type { Engine } from '../../engines/engine.js';
import { ident, join, type Sql, sql, str, ts } from '../../engines/sql.js';

export interface TraitWriteResult {
  /** New values written, per trait (a removal counts as a change). */
  readonly changes: Readonly<Record<string, number>>;
  /** Users given at least one new value. */
  readonly changedUsers: number;
}

const VALUES = 'strata_trait_values';
const DELTA = 'strata_trait_delta';

/**
 * Writes computed traits into the profiles and their history. `computed` is a relation `(user_id, <one column per
 * trait>)`; a profile it does not list, or a NULL, removes the trait. Only values that differ from the profile's
 * current value are written: each becomes a `trait_changes` row stamped with the run's as-of time (so a run over
 * historical data places its values at that time, and migration between two dates reads them) and a key of the
 * profile's `traits`, with the run time `at` as its `trait_times` entry, so segment rules, explain and exports read
 * computed traits exactly like ingested ones.
 *
 * Runs inside the caller's transaction. DuckDB SQL (a temporary table, `UPDATE … FROM`, `json_merge_patch`): the
 * ClickHouse port of writes is issue 8's, like the ingestion writer's.
 */
export async function writeComputedTraits(
  tx: Engine,
  workspace: string,
  computed: Sql,
  traits: readonly string[],
  stamp: { readonly asOf: Date; readonly at: Date; readonly runId: string },
): Promise<TraitWriteResult> {
  const { asOf, at, runId } = stamp;
  const w = str(workspace);
  // Computed once: the diff reads it once per trait.
  await tx.run(sql`CREATE OR REPLACE TEMP TABLE ${ident(VALUES)} AS ${computed}`);
  const perTrait = traits.map(
    (trait) =>
      sql`SELECT p.user_id, ${str(trait)} AS trait, to_json(c.${ident(trait)}) AS new_value,
            json_extract(p.traits, ${str(`$.${JSON.stringify(trait)}`)}) AS old_value
          FROM profiles p LEFT JOIN ${ident(VALUES)} c ON c.user_id = p.user_id
          WHERE p.workspace = ${w}`,
  );
  try {
    await tx.run(
      sql`CREATE OR REPLACE TEMP TABLE ${ident(DELTA)} AS
          SELECT user_id, trait, new_value FROM (${join(perTrait, ' UNION ALL ')}) d
          WHERE CAST(new_value AS VARCHAR) IS DISTINCT FROM CAST(old_value AS VARCHAR)`,
    );
    await tx.run(
      sql`INSERT INTO trait_changes (workspace, trait, user_id, value_json, "at", run_id)
          SELECT ${w}, trait, user_id, new_value, ${ts(asOf)}, ${str(runId)} FROM ${ident(DELTA)}`,
    );
    // A NULL member in a merge patch removes the key, which is what a NULL value means.
    const time = str(at.toISOString());
    await tx.run(
      sql`UPDATE profiles SET
            traits = json_merge_patch(traits, d.patch),
            trait_times = json_merge_patch(trait_times, d.times),
            updated_at = ${ts(at)}
          FROM (
            SELECT user_id, json_group_object(trait, new_value) AS patch,
              json_group_object(trait, CASE WHEN new_value IS NULL THEN NULL ELSE to_json(${time}) END) AS times
            FROM ${ident(DELTA)} GROUP BY user_id
          ) d
          WHERE profiles.workspace = ${w} AND profiles.user_id = d.user_id`,
    );
    const counts = await tx.query(
      sql`SELECT trait, count(*) AS changes, count(DISTINCT user_id) AS users FROM ${ident(DELTA)} GROUP BY trait`,
    );
    const [users] = await tx.query(sql`SELECT count(DISTINCT user_id) AS users FROM ${ident(DELTA)}`);
    const changes: Record<string, number> = Object.fromEntries(traits.map((trait) => [trait, 0]));
    for (const row of counts) changes[String(row['trait'])] = Number(row['changes']);
    return { changes, changedUsers: Number(users?.['users'] ?? 0) };
  } finally {
    await tx.run(sql`DROP TABLE IF EXISTS ${ident(DELTA)}`);
    await tx.run(sql`DROP TABLE IF EXISTS ${ident(VALUES)}`);
  }
}
