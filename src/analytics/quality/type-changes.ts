import type { Engine, Row } from '../../engines/engine.js';
import { int, join, type Sql, sql, str, trusted } from '../../engines/sql.js';
import type { JsonTypeName, QualitySample, TypeSeen } from './types.js';

const TYPES: readonly JsonTypeName[] = ['string', 'number', 'boolean', 'object', 'array', 'null'];

export interface TypeChanges {
  /** (group, key) pairs whose types were compared: the `cap` most frequent keys of each group. */
  readonly keysExamined: number;
  /** Less frequent keys left out by the cap. */
  readonly keysSkipped: number;
  /** Examined keys holding more than one non-null JSON type. */
  readonly changed: number;
  /** The changed keys held by the most rows, most first, each with its types. */
  readonly samples: readonly {
    readonly group: string;
    readonly key: string;
    readonly holders: number;
    readonly types: readonly TypeSeen[];
  }[];
}

/**
 * The JSON types each top-level key of a document column holds, per group, in one grouped query: every document's
 * keys are unnested and typed once, counted per (group, key, type), then folded to one row per (group, key) with a
 * count and an example per type. Keys are ranked by how many rows hold them within their group and only the `cap`
 * most frequent are compared, so a workspace whose keys are unbounded (ids used as keys) gets a bounded answer; the
 * skipped keys are counted.
 *
 * `source` must select `group_name`, `example_id` and `doc` (the JSON column); the `limit` changed keys with the most
 * rows are returned. One row always comes back to carry the totals, changed or not.
 */
function typeChangesSql(engine: Engine, source: Sql, cap: number, limit: number): Sql {
  const d = engine.dialect;
  const perType = TYPES.flatMap((type) => {
    const is = sql`value_type = ${str(type)}`;
    return [
      sql`${d.aggregateIf('sum', sql`seen`, is)} AS ${trusted(`seen_${type}`)}`,
      sql`${d.aggregateIf('min', sql`first_example`, is)} AS ${trusted(`example_${type}`)}`,
    ];
  });
  const typeColumns = join(TYPES.flatMap((type) => [trusted(`seen_${type}`), trusted(`example_${type}`)]));
  const kept = sql`key_rank <= ${int(cap)}`;
  const changed = sql`(${kept} AND kinds > 1)`;
  return sql`WITH keyed AS (
      SELECT group_name, example_id, doc, ${d.jsonKeysUnnested(sql`doc`)} AS member FROM (${source}) src
    ), typed AS (
      SELECT group_name, member, example_id, ${d.jsonMemberTypeName(sql`doc`, sql`member`)} AS value_type FROM keyed
    ), per_type AS (
      SELECT group_name, member, value_type, count(*) AS seen, min(example_id) AS first_example
      FROM typed GROUP BY group_name, member, value_type
    ), per_key AS (
      SELECT group_name, member, sum(seen) AS holders, ${d.countIf(sql`value_type <> 'null'`)} AS kinds, ${join(perType)}
      FROM per_type GROUP BY group_name, member
    ), ranked AS (
      SELECT group_name, member, holders, kinds, ${typeColumns},
        row_number() OVER (PARTITION BY group_name ORDER BY holders DESC, member) AS key_rank
      FROM per_key
    ), counted AS (
      SELECT group_name, member, holders, kinds, ${typeColumns}, key_rank,
        sum(CASE WHEN ${kept} THEN 1 ELSE 0 END) OVER () AS examined,
        sum(CASE WHEN ${kept} THEN 0 ELSE 1 END) OVER () AS skipped,
        sum(CASE WHEN ${changed} THEN 1 ELSE 0 END) OVER () AS changed_keys,
        CASE WHEN ${changed} THEN 1 ELSE 0 END AS is_changed,
        row_number() OVER (ORDER BY CASE WHEN ${changed} THEN 0 ELSE 1 END, holders DESC, group_name, member) AS position
      FROM ranked
    )
    SELECT group_name, member, holders, is_changed, examined, skipped, changed_keys, ${typeColumns}
    FROM counted WHERE position <= ${int(Math.max(limit, 1))} ORDER BY position`;
}

function typesOf(row: Row): TypeSeen[] {
  const seen: TypeSeen[] = [];
  for (const type of TYPES) {
    const count = Number(row[`seen_${type}`] ?? 0);
    if (count > 0) seen.push({ type, count, example: String(row[`example_${type}`]) });
  }
  return seen.sort((a, b) => b.count - a.count || a.type.localeCompare(b.type));
}

async function typeChanges(engine: Engine, source: Sql, cap: number, limit: number): Promise<TypeChanges> {
  const rows = await engine.query(typeChangesSql(engine, source, cap, limit));
  const first = rows[0];
  return {
    keysExamined: Number(first?.['examined'] ?? 0),
    keysSkipped: Number(first?.['skipped'] ?? 0),
    changed: Number(first?.['changed_keys'] ?? 0),
    samples: rows
      .filter((row) => Number(row['is_changed']) === 1)
      .slice(0, limit)
      .map((row) => ({
        group: String(row['group_name']),
        key: String(row['member']),
        holders: Number(row['holders']),
        types: typesOf(row),
      })),
  };
}

/** Event properties whose type changes, per (event name, key); examples are message ids. */
export function propertyTypeChanges(
  engine: Engine,
  workspace: string,
  cap: number,
  limit: number,
): Promise<TypeChanges> {
  const source = sql`SELECT name AS group_name, message_id AS example_id, properties AS doc
    FROM events WHERE workspace = ${str(workspace)}`;
  return typeChanges(engine, source, cap, limit);
}

/** Profile traits whose type changes across profiles; examples are user ids. */
export function traitTypeChanges(engine: Engine, workspace: string, cap: number, limit: number): Promise<TypeChanges> {
  const source = sql`SELECT '' AS group_name, user_id AS example_id, traits AS doc
    FROM profiles WHERE workspace = ${str(workspace)}`;
  return typeChanges(engine, source, cap, limit);
}

/** A changed key as a report sample. */
export const typeChangeSample = (
  change: TypeChanges['samples'][number],
  groupField: 'event' | null,
  holderUnit: 'events' | 'profiles',
): QualitySample => ({
  ...(groupField ? { [groupField]: change.group } : {}),
  key: change.key,
  [holderUnit]: change.holders,
  types: change.types,
});
