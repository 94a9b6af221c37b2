import { JOURNEY_STAGES } from '../analytics/journey.js';
import { LIFECYCLE_STAGES } from '../analytics/lifecycle/stages.js';
import { defaultRfmGroups } from '../analytics/rfm/groups.js';
import {
  CATEGORICAL_TRAITS,
  COMPUTED_TRAITS,
  type MODEL_TRAITS,
  type TRAIT_FAMILIES,
} from '../analytics/traits/definitions.js';
import { VALUE_TIERS } from '../analytics/value-tiers.js';
import type { Engine } from '../engines/engine.js';
import { int, join, sql, str, ts } from '../engines/sql.js';
import type { Scalar } from './definition.js';
import { FieldCollector, type FieldType } from './infer-fields.js';
import { listSegments } from './store.js';

/**
 * What a workspace's data holds, for the segment builder's pickers: every event name with its count, and the
 * properties, traits and account traits inferred from a bounded sample of the stored JSON.
 *
 * Cost stays bounded at millions of users and hundreds of millions of events:
 * - event names: one GROUP BY over (name, ts), the only full scan;
 * - event properties: the latest events of each name, found by a per-name time cutoff estimated from that name's
 *   count and time span (a uniform rate would put `OVERSAMPLE` × the wanted events after it), so the window
 *   function that keeps the latest `eventsPerName` ranks only a few thousand rows per name rather than every event;
 * - traits: the most recently updated `profiles` profiles and `accounts` accounts (a top-N, not a sort).
 * The properties of names beyond the `sampledNames` most frequent are not sampled (their list is empty).
 */

export type { FieldType } from './infer-fields.js';

export interface CatalogField {
  readonly path: string;
  readonly types: readonly FieldType[];
  readonly examples: readonly Scalar[];
}

export interface CatalogEvent {
  readonly name: string;
  readonly count: number;
  readonly lastSeen: Date | null;
  readonly properties: readonly CatalogField[];
}

export interface CatalogTrait extends CatalogField {
  /** `computed`: written by Strata's analyses and models (`src/analytics/traits/definitions.ts`). */
  readonly source: 'profile' | 'computed';
}

export interface CatalogSample {
  readonly asOf: Date;
  /** Documents read: event properties, profiles' traits, accounts' traits. */
  readonly sampled: { readonly events: number; readonly profiles: number; readonly accounts: number };
  readonly events: readonly CatalogEvent[];
  readonly traits: readonly CatalogTrait[];
  /** Paths start with `account.`, as rules address them. */
  readonly accountTraits: readonly CatalogField[];
}

export interface Catalog extends CatalogSample {
  readonly segments: readonly { readonly id: string; readonly name: string }[];
}

export interface CatalogLimits {
  readonly eventsPerName: number;
  /** All names together: fewer per name when there are many names. */
  readonly eventsTotal: number;
  readonly sampledNames: number;
  readonly profiles: number;
  readonly accounts: number;
}

export const CATALOG_LIMITS: CatalogLimits = {
  eventsPerName: 500,
  eventsTotal: 50_000,
  sampledNames: 500,
  profiles: 5_000,
  accounts: 2_000,
};

/** How many times the wanted events a name's time cutoff aims to keep, so an uneven rate still yields enough. */
const OVERSAMPLE = 4;
/** Examples of a categorical computed trait (groups, stages, scores): all of its values, in practice. */
const CATEGORICAL_EXAMPLES = 20;
const EXAMPLES = 5;

type ComputedTrait =
  | (typeof TRAIT_FAMILIES)[keyof typeof TRAIT_FAMILIES][number]
  | (typeof MODEL_TRAITS)[keyof typeof MODEL_TRAITS][number];

const SCORES = [1, 2, 3, 4, 5];
/**
 * The type and the values each computed trait can take when the sample has none yet (no run, or a fresh
 * workspace); a sample's values win, since settings can rename RFM groups and clusters are named per fit.
 */
const COMPUTED: Record<ComputedTrait, { type: FieldType; known: readonly Scalar[] }> = {
  rfm_segment: { type: 'string', known: defaultRfmGroups.map((group) => group.name) },
  r_score: { type: 'number', known: SCORES },
  f_score: { type: 'number', known: SCORES },
  m_score: { type: 'number', known: SCORES },
  lifecycle_stage: { type: 'string', known: LIFECYCLE_STAGES },
  journey_stage: { type: 'string', known: JOURNEY_STAGES },
  value_tier: { type: 'string', known: VALUE_TIERS },
  p_alive: { type: 'number', known: [] },
  expected_purchases: { type: 'number', known: [] },
  clv: { type: 'number', known: [] },
  churn_risk: { type: 'number', known: [] },
  cluster: { type: 'string', known: [] },
};

/** Built-in traits every user has (the times of their first and last event), as rules read them. */
const BUILTIN_TRAITS = ['first_seen', 'last_seen'];

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The catalog of a workspace: the sample plus its saved segments. */
export async function buildCatalog(
  engine: Engine,
  workspace: string,
  options: { asOf?: Date; limits?: CatalogLimits } = {},
): Promise<Catalog> {
  return { ...(await sampleCatalog(engine, workspace, options)), segments: await catalogSegments(engine, workspace) };
}

/** The saved segments, by name: cheap, so callers that cache the sample still list segments fresh. */
export async function catalogSegments(engine: Engine, workspace: string): Promise<Catalog['segments']> {
  return (await listSegments(engine, workspace)).map((segment) => ({ id: segment.id, name: segment.name }));
}

/** Event names, properties, traits and account traits (everything but the segments). */
export async function sampleCatalog(
  engine: Engine,
  workspace: string,
  options: { asOf?: Date; limits?: CatalogLimits } = {},
): Promise<CatalogSample> {
  const limits = options.limits ?? CATALOG_LIMITS;
  const names = await eventNames(engine, workspace);
  const properties = await eventProperties(engine, workspace, names, limits);
  const profiles = await traitDocuments(engine, workspace, 'profiles', limits.profiles);
  const accounts = await traitDocuments(engine, workspace, 'accounts', limits.accounts);
  return {
    asOf: options.asOf ?? new Date(),
    sampled: { events: properties.sampled, profiles: profiles.sampled, accounts: accounts.sampled },
    events: names
      .map((n) => ({
        name: n.name,
        count: n.count,
        lastSeen: n.last,
        properties: properties.byName.get(n.name)?.fields(EXAMPLES) ?? [],
      }))
      .sort((a, b) => byText(a.name, b.name)),
    traits: profileTraits(profiles.fields),
    accountTraits: accounts.fields.fields(EXAMPLES).map((field) => ({ ...field, path: `account.${field.path}` })),
  };
}

interface NameStats {
  readonly name: string;
  readonly count: number;
  readonly first: Date | null;
  readonly last: Date | null;
}

async function eventNames(engine: Engine, workspace: string): Promise<NameStats[]> {
  const rows = await engine.query(
    sql`SELECT name, count(*) AS n, min(ts) AS first_ts, max(ts) AS last_ts
        FROM events WHERE workspace = ${str(workspace)} AND name <> '' GROUP BY name`,
  );
  return rows
    .map((row) => ({
      name: String(row['name']),
      count: Number(row['n']),
      first: (row['first_ts'] as Date | null) ?? null,
      last: (row['last_ts'] as Date | null) ?? null,
    }))
    .sort((a, b) => b.count - a.count || byText(a.name, b.name));
}

/** The time after which a uniform rate would leave `wanted` of a name's events (its first event when it has few). */
function cutoff(stats: NameStats, wanted: number): Date {
  const first = stats.first ?? new Date(0);
  if (!stats.last || stats.count <= wanted) return first;
  const span = stats.last.getTime() - first.getTime();
  return new Date(stats.last.getTime() - Math.ceil((span * wanted) / stats.count));
}

async function eventProperties(
  engine: Engine,
  workspace: string,
  names: readonly NameStats[],
  limits: CatalogLimits,
): Promise<{ byName: Map<string, FieldCollector>; sampled: number }> {
  const chosen = names.slice(0, limits.sampledNames);
  const byName = new Map<string, FieldCollector>();
  if (chosen.length === 0) return { byName, sampled: 0 };
  const perName = Math.max(1, Math.min(limits.eventsPerName, Math.floor(limits.eventsTotal / chosen.length)));
  const cutoffs = join(
    chosen.map((n) => sql`SELECT ${str(n.name)} AS event_name, ${ts(cutoff(n, perName * OVERSAMPLE))} AS cutoff`),
    ' UNION ALL ',
  );
  // The column keeps its name: ClickHouse returns JSON columns as text, and the engine parses them by name.
  const rows = await engine.query(
    sql`SELECT event_name, properties FROM (
          SELECT e.name AS event_name, e.properties AS properties,
                 row_number() OVER (PARTITION BY e.name ORDER BY e.ts DESC, e.message_id) AS position
          FROM events e INNER JOIN (${cutoffs}) c ON e.name = c.event_name
          WHERE e.workspace = ${str(workspace)} AND e.ts >= c.cutoff
        ) latest WHERE position <= ${int(perName)}`,
  );
  for (const row of rows) {
    const name = String(row['event_name']);
    let collector = byName.get(name);
    if (!collector) {
      collector = new FieldCollector();
      byName.set(name, collector);
    }
    collector.add(row['properties']);
  }
  return { byName, sampled: rows.length };
}

async function traitDocuments(
  engine: Engine,
  workspace: string,
  table: 'profiles' | 'accounts',
  limit: number,
): Promise<{ fields: FieldCollector; sampled: number }> {
  const query =
    table === 'profiles'
      ? sql`SELECT traits FROM profiles WHERE workspace = ${str(workspace)}
            ORDER BY updated_at DESC, user_id LIMIT ${int(limit)}`
      : sql`SELECT traits FROM accounts WHERE workspace = ${str(workspace)}
            ORDER BY updated_at DESC, account_id LIMIT ${int(limit)}`;
  const rows = await engine.query(query);
  const fields = new FieldCollector();
  for (const row of rows) fields.add(row['traits']);
  return { fields, sampled: rows.length };
}

/** Profile traits from the sample, then the built-in times and every computed trait with its known values. */
function profileTraits(sample: FieldCollector): CatalogTrait[] {
  const reserved = new Set<string>([...COMPUTED_TRAITS, ...BUILTIN_TRAITS]);
  const traits: CatalogTrait[] = sample
    .fields(EXAMPLES)
    .filter((field) => !reserved.has(field.path))
    .map((field) => ({ ...field, source: 'profile' }));
  for (const name of BUILTIN_TRAITS) traits.push({ path: name, types: ['time'], examples: [], source: 'profile' });
  for (const [name, known] of Object.entries(COMPUTED) as [ComputedTrait, (typeof COMPUTED)[ComputedTrait]][]) {
    const limit = CATEGORICAL_TRAITS.includes(name) ? CATEGORICAL_EXAMPLES : EXAMPLES;
    const seen = sample.valuesAt(name, limit);
    const types = sample.typesAt(name);
    traits.push({
      path: name,
      source: 'computed',
      types: types.length > 0 ? types : [known.type],
      examples: seen.length > 0 ? seen : known.known.slice(0, limit),
    });
  }
  return traits.sort((a, b) => byText(a.path, b.path));
}
