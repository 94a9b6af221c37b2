import type { Engine } from '../../engines/engine.js';
import { int, type Sql, sql, str } from '../../engines/sql.js';
import { isoOf } from './samples.js';
import type { QualitySample } from './types.js';

export interface ProfileCounts {
  readonly profiles: number;
  readonly withoutTraits: number;
}

/**
 * A profile whose traits object has no key. The root as text is `{}` on both engines whatever the stored spacing
 * (each re-serialises it), which is cheaper than unnesting every profile's keys.
 */
const withoutTraits = (engine: Engine): Sql => sql`${engine.dialect.jsonText(sql`traits`, [])} = '{}'`;

export async function scanProfiles(engine: Engine, workspace: string): Promise<ProfileCounts> {
  const [row] = await engine.query(
    sql`SELECT count(*) AS profile_count, ${engine.dialect.countIf(withoutTraits(engine))} AS bare
        FROM profiles WHERE workspace = ${str(workspace)}`,
  );
  return { profiles: Number(row?.['profile_count'] ?? 0), withoutTraits: Number(row?.['bare'] ?? 0) };
}

/** Profiles without traits, by user id. */
export async function bareProfileSamples(engine: Engine, workspace: string, limit: number): Promise<QualitySample[]> {
  if (limit <= 0) return [];
  const d = engine.dialect;
  const rows = await engine.query(
    sql`SELECT user_id, ${d.epochMs(sql`first_seen`)} AS first_ms, ${d.epochMs(sql`last_seen`)} AS last_ms
        FROM profiles WHERE workspace = ${str(workspace)} AND ${withoutTraits(engine)}
        ORDER BY user_id LIMIT ${int(limit)}`,
  );
  return rows.map((r) => ({
    user_id: String(r['user_id']),
    first_seen: isoOf(r['first_ms']),
    last_seen: isoOf(r['last_ms']),
  }));
}
