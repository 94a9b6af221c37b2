import type { Engine } from '../../engines/engine.js';
import { runAll } from '../../engines/run-all.js';
import { ident, join, type Sql, sql, str, ts } from '../../engines/sql.js';
import { profiles } from '../../store/tables.js';

export interface TraitWriteResult {
  /** New values written, per trait (a removal counts as a change). */
  readonly changes: Readonly<Record<string, number>>;
  /** Users given at least one new value. */
  readonly changedUsers: number;
}

/**
 * Writes computed traits into the profiles and their history. `computed` is a relation `(user_id, <one column per
 * trait>)`; a profile it does not list, or a NULL, removes the trait. Only values that differ from the profile's
 * current value are written: each becomes a `trait_changes` row stamped with the run's as-of time (so a run over
 * historical data places its values at that time, and migration between two dates reads them) and a key of the
 * profile's `traits`, with the run time `at` as its `trait_times` entry, so segment rules, explain and exports read
 * computed traits exactly like ingested ones.
 *
 * Runs inside the caller's transaction, in each engine's form (`dialect.temp`, `dialect.update`, the JSON fragments):
 * one `UPDATE … FROM` on DuckDB; on ClickHouse, new versions of the changed profiles.
 */
export async function writeComputedTraits(
  tx: Engine,
  workspace: string,
  computed: Sql,
  traits: readonly string[],
  stamp: { readonly asOf: Date; readonly at: Date; readonly runId: string },
): Promise<TraitWriteResult> {
  const { asOf, at, runId } = stamp;
  const d = tx.dialect;
  const w = str(workspace);
  const values = d.temp('trait_values');
  const delta = d.temp('trait_delta');
  // Computed once: the diff reads it once per trait.
  await tx.run(values.create(computed));
  const perTrait = traits.map(
    (trait) =>
      sql`SELECT p.user_id AS user_id, ${str(trait)} AS trait, ${d.toJson(sql`c.${ident(trait)}`)} AS new_value,
            ${d.jsonValue(sql`p.traits`, [trait])} AS old_value
          FROM profiles p LEFT JOIN ${values.ref} c ON c.user_id = p.user_id
          WHERE p.workspace = ${w}`,
  );
  try {
    // Both sides are JSON in the engine's normal form, so a text comparison tells a changed value.
    await tx.run(
      delta.create(
        sql`SELECT user_id, trait, new_value FROM (${join(perTrait, ' UNION ALL ')}) d
            WHERE new_value IS DISTINCT FROM old_value`,
      ),
    );
    await tx.run(
      sql`INSERT INTO trait_changes (workspace, trait, user_id, value_json, "at", run_id)
          SELECT ${w}, trait, user_id, new_value, ${ts(asOf)}, ${str(runId)} FROM ${delta.ref}`,
    );
    // A NULL member in a merge patch removes the key, which is what a NULL value means.
    const time = d.toJson(str(at.toISOString()));
    const patches = sql`(
        SELECT user_id, ${d.jsonObjectAgg(sql`trait`, sql`new_value`)} AS patch,
          ${d.jsonObjectAgg(sql`trait`, sql`CASE WHEN new_value IS NULL THEN NULL ELSE ${time} END`)} AS times
        FROM ${delta.ref} GROUP BY user_id
      ) d`;
    await runAll(
      tx,
      d.update(profiles, {
        set: {
          traits: d.jsonMergePatch(sql`profiles.traits`, sql`d.patch`),
          trait_times: d.jsonMergePatch(sql`profiles.trait_times`, sql`d.times`),
          updated_at: ts(at),
        },
        where: sql`profiles.workspace = ${w} AND profiles.user_id = d.user_id`,
        from: patches,
      }),
    );
    const counts = await tx.query(
      sql`SELECT trait, count(*) AS changes, count(DISTINCT user_id) AS users FROM ${delta.ref} GROUP BY trait`,
    );
    const [users] = await tx.query(sql`SELECT count(DISTINCT user_id) AS users FROM ${delta.ref}`);
    const changes: Record<string, number> = Object.fromEntries(traits.map((trait) => [trait, 0]));
    for (const row of counts) changes[String(row['trait'])] = Number(row['changes']);
    return { changes, changedUsers: Number(users?.['users'] ?? 0) };
  } finally {
    await tx.run(delta.drop);
    await tx.run(values.drop);
  }
}
