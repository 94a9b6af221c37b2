import type { Engine } from '../../engines/engine.js';
import { int, join, type Sql, sql, str, trusted, ts } from '../../engines/sql.js';
import { DAY_MS } from '../orders.js';
import { count, population } from './population.js';
import { benjaminiHochberg, twoProportionZTest, welchTTest } from './stats.js';

/**
 * What sets members apart from everyone else: profile trait values, numeric traits and events, each tested against
 * the non-members, with Benjamini–Hochberg q-values over every test made (so a long list of traits does not turn
 * chance into findings).
 *
 * Rules:
 * - Trait keys are discovered from the profiles (`jsonKeysUnnested`), the `MAX_TRAIT_KEYS` most frequent. A key is
 *   compared value by value (`jsonScalarKey`: strings, numbers, booleans; objects and arrays are skipped) unless it
 *   is high-cardinality — more than `MAX_VALUES` distinct values, or more distinct values than half the profiles
 *   that have it — which is what ids, e-mails and timestamps look like.
 * - Numeric trait values are also compared as numbers (means, Welch's t-test) when each side has two values or more.
 * - Events: the share of members and of non-members who did each event name in (asOf − eventDays, asOf], the
 *   `MAX_EVENT_NAMES` most common names.
 * - Shares are over all members (nIn) and all non-members (nOut): a member without the trait does not have it.
 * - An item is tested when at least `minSupport` members have it, or when `minSupport` of them would be expected to
 *   have it at the non-members' rate (so "members never do X" can be found too). Untested items get no p-value.
 * - Ranking: by p-value, then by |ln lift| (a lift of 0 or an undefined lift — no non-member has it — counts as
 *   infinite), then key and value, so the order is the same on every engine.
 */

export const MAX_TRAIT_KEYS = 50;
export const MAX_VALUES = 50;
export const MAX_EVENT_NAMES = 500;

export type ScalarValue = string | number | boolean;

export interface DistinguishingItem {
  readonly kind: 'trait' | 'event';
  /** The trait key, or the event name. */
  readonly key: string;
  /** The trait's value; null for events. */
  readonly value: ScalarValue | null;
  /** Members with it / all members. */
  readonly shareIn: number;
  /** Non-members with it / all non-members. */
  readonly shareOut: number;
  /** shareIn / shareOut; null when no non-member has it. */
  readonly lift: number | null;
  /** Two-proportion z-test, two-sided. */
  readonly pValue: number;
  /** Benjamini–Hochberg adjusted over every test of the insight. */
  readonly qValue: number;
  readonly countIn: number;
  readonly countOut: number;
}

export interface NumericItem {
  readonly kind: 'numeric_trait';
  readonly key: string;
  readonly meanIn: number;
  readonly meanOut: number;
  /** meanIn − meanOut. */
  readonly difference: number;
  /** Welch's t-test, two-sided. */
  readonly pValue: number;
  readonly qValue: number;
  /** Members / non-members with a numeric value. */
  readonly countIn: number;
  readonly countOut: number;
}

export interface Distinguishing {
  readonly traits: readonly DistinguishingItem[];
  readonly numericTraits: readonly NumericItem[];
  readonly events: readonly DistinguishingItem[];
  /** Items tested (the denominator of the BH correction). */
  readonly tested: number;
  /** Items with q < 0.05. */
  readonly significant: number;
  /** Trait keys and event names left out because the segment's rule reads them (they distinguish it by definition). */
  readonly excluded: { readonly traits: readonly string[]; readonly events: readonly string[] };
}

export interface DistinguishingOptions {
  readonly asOf: Date;
  readonly top: number;
  readonly eventDays: number;
  readonly minSupport: number;
  /** Trait keys and event names not to test (what the rule itself reads). */
  readonly exclude?: { readonly traits: ReadonlySet<string>; readonly events: ReadonlySet<string> };
}

/** The significance level insight reports against. */
export const ALPHA = 0.05;

/** A `jsonScalarKey` (`s:text`, `n:1.5`, `b:true`) as the value it stands for. */
export function scalarOfKey(key: string): ScalarValue {
  const body = key.slice(2);
  if (key.startsWith('n:')) return Number(body);
  if (key.startsWith('b:')) return body === 'true';
  return body;
}

/** Numbered rows `i` = 0 … n − 1: one per trait key, crossed with the population to unpivot its columns. */
const indexRelation = (n: number): Sql =>
  join(
    Array.from({ length: n }, (_, i) => sql`SELECT ${int(i)} AS i`),
    ' UNION ALL ',
  );

/** `CASE k.i WHEN 0 THEN b.c0 WHEN 1 THEN b.c1 … END`: the column of the key on this row. */
const pick = (n: number, prefix: string): Sql =>
  sql`CASE k.i ${join(
    Array.from({ length: n }, (_, i) => sql`WHEN ${int(i)} THEN b.${columnName(prefix, i)}`),
    ' ',
  )} END`;

async function traitKeys(engine: Engine, workspace: string): Promise<string[]> {
  const rows = await engine.query(
    sql`SELECT key, count(*) AS present
        FROM (SELECT ${engine.dialect.jsonKeysUnnested(sql`traits`)} AS key FROM profiles
              WHERE workspace = ${str(workspace)}) AS k
        GROUP BY key ORDER BY present DESC, key LIMIT ${int(MAX_TRAIT_KEYS)}`,
  );
  return rows.map((row) => String(row['key']));
}

interface Counted {
  readonly key: string;
  readonly value: ScalarValue | null;
  readonly countIn: number;
  readonly countAll: number;
}

async function traitValueCounts(
  engine: Engine,
  workspace: string,
  members: Sql,
  keys: readonly string[],
): Promise<Counted[]> {
  const d = engine.dialect;
  // Each key's scalar key is extracted once per profile, then unpivoted by crossing with the key numbers.
  const columns = keys.map((key, i) => sql`${d.jsonScalarKey(sql`traits`, [key])} AS ${columnName('v', i)}`);
  const rows = await engine.query(
    sql`SELECT key_index, value, count_in, count_all FROM (
          SELECT key_index, value, count_in, count_all,
                 count(*) OVER (PARTITION BY key_index) AS n_values,
                 sum(count_all) OVER (PARTITION BY key_index) AS present
          FROM (
            SELECT key_index, value, sum(member) AS count_in, count(*) AS count_all
            FROM (
              SELECT k.i AS key_index, b.member AS member, ${pick(keys.length, 'v')} AS value
              FROM (SELECT member, ${join(columns)} FROM (${population(workspace, members)}) AS pop) AS b
              CROSS JOIN (${indexRelation(keys.length)}) AS k
            ) AS x
            WHERE value IS NOT NULL
            GROUP BY key_index, value
          ) AS g
        ) AS w
        WHERE n_values <= ${int(MAX_VALUES)} AND 2 * n_values <= present`,
  );
  return rows.map((row) => ({
    key: keys[Number(row['key_index'])] as string,
    value: scalarOfKey(String(row['value'])),
    countIn: count(row['count_in']),
    countAll: count(row['count_all']),
  }));
}

interface NumericSide {
  readonly n: number;
  readonly mean: number;
  readonly variance: number;
}

async function numericTraitStats(
  engine: Engine,
  workspace: string,
  members: Sql,
  keys: readonly string[],
): Promise<Map<string, { in?: NumericSide; out?: NumericSide }>> {
  const d = engine.dialect;
  const columns = keys.map((key, i) => sql`${d.jsonTyped(sql`traits`, [key], 'number')} AS ${columnName('x', i)}`);
  const rows = await engine.query(
    sql`SELECT key_index, member, count(*) AS n, avg(x) AS mean, var_samp(x) AS variance
        FROM (
          SELECT k.i AS key_index, b.member AS member, ${pick(keys.length, 'x')} AS x
          FROM (SELECT member, ${join(columns)} FROM (${population(workspace, members)}) AS pop) AS b
          CROSS JOIN (${indexRelation(keys.length)}) AS k
        ) AS t
        WHERE x IS NOT NULL
        GROUP BY key_index, member`,
  );
  const out = new Map<string, { in?: NumericSide; out?: NumericSide }>();
  for (const row of rows) {
    const key = keys[Number(row['key_index'])] as string;
    const side: NumericSide = { n: count(row['n']), mean: Number(row['mean']), variance: Number(row['variance']) };
    const entry = out.get(key) ?? {};
    out.set(key, count(row['member']) === 1 ? { ...entry, in: side } : { ...entry, out: side });
  }
  return out;
}

async function eventCounts(
  engine: Engine,
  workspace: string,
  members: Sql,
  options: DistinguishingOptions,
): Promise<Counted[]> {
  const since = new Date(options.asOf.getTime() - options.eventDays * DAY_MS);
  const rows = await engine.query(
    sql`SELECT e.name AS name, sum(b.member) AS count_in, count(*) AS count_all
        FROM (SELECT user_id, name FROM events
              WHERE workspace = ${str(workspace)} AND user_id IS NOT NULL
                AND ts > ${ts(since)} AND ts <= ${ts(options.asOf)}
              GROUP BY user_id, name) AS e
        JOIN (${population(workspace, members)}) AS b ON b.user_id = e.user_id
        GROUP BY e.name
        ORDER BY count_all DESC, name
        LIMIT ${int(MAX_EVENT_NAMES)}`,
  );
  return rows.map((row) => ({
    key: String(row['name']),
    value: null,
    countIn: count(row['count_in']),
    countAll: count(row['count_all']),
  }));
}

/** A generated column name (`v0`, `x12`): program text, never user input. */
function columnName(prefix: string, i: number): Sql {
  return trusted(`${prefix}${i}`);
}

type Pending<T> = Omit<T, 'qValue'>;

function proportionItem(
  kind: 'trait' | 'event',
  counted: Counted,
  nIn: number,
  nOut: number,
  minSupport: number,
): Pending<DistinguishingItem> | null {
  const countOut = counted.countAll - counted.countIn;
  const shareIn = counted.countIn / nIn;
  const shareOut = countOut / nOut;
  if (counted.countIn < minSupport && shareOut * nIn < minSupport) return null;
  const test = twoProportionZTest(counted.countIn, nIn, countOut, nOut);
  if (!test) return null;
  return {
    kind,
    key: counted.key,
    value: counted.value,
    shareIn,
    shareOut,
    lift: shareOut === 0 ? null : shareIn / shareOut,
    pValue: test.pValue,
    countIn: counted.countIn,
    countOut,
  };
}

const strength = (lift: number | null): number =>
  lift === null || lift === 0 ? Number.POSITIVE_INFINITY : Math.abs(Math.log(lift));

const byValue = (v: ScalarValue | null) => (v === null ? '' : `${typeof v}:${String(v)}`);

function rankProportions<T extends Pending<DistinguishingItem>>(items: T[]): T[] {
  return items.sort(
    (a, b) =>
      a.pValue - b.pValue ||
      strength(b.lift) - strength(a.lift) ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) ||
      (byValue(a.value) < byValue(b.value) ? -1 : byValue(a.value) > byValue(b.value) ? 1 : 0),
  );
}

/**
 * Every test in one pass: counts from three or four queries (trait keys, trait values, numeric traits, events),
 * p-values in TypeScript, one BH correction over all of them, then the top `options.top` of each kind.
 * `nIn` and `nOut` are the numbers of members and non-members.
 */
export async function distinguishing(
  engine: Engine,
  workspace: string,
  members: Sql,
  nIn: number,
  nOut: number,
  options: DistinguishingOptions,
): Promise<Distinguishing> {
  const skipTraits = options.exclude?.traits ?? new Set<string>();
  const skipEvents = options.exclude?.events ?? new Set<string>();
  const excluded = { traits: [...skipTraits].sort(), events: [...skipEvents].sort() };
  const empty: Distinguishing = { traits: [], numericTraits: [], events: [], tested: 0, significant: 0, excluded };
  if (nIn === 0 || nOut === 0) return empty;
  const keys = (await traitKeys(engine, workspace)).filter((key) => !skipTraits.has(key));
  const [values, numeric, events] = await Promise.all([
    keys.length > 0 ? traitValueCounts(engine, workspace, members, keys) : Promise.resolve([]),
    keys.length > 0 ? numericTraitStats(engine, workspace, members, keys) : Promise.resolve(new Map()),
    eventCounts(engine, workspace, members, options),
  ]);

  const traitItems = values.flatMap((c) => proportionItem('trait', c, nIn, nOut, options.minSupport) ?? []);
  const eventItems = events
    .filter((c) => !skipEvents.has(c.key))
    .flatMap((c) => proportionItem('event', c, nIn, nOut, options.minSupport) ?? []);
  const numericItems: Pending<NumericItem>[] = [];
  for (const [key, sides] of numeric) {
    if (!sides.in || !sides.out || sides.in.n < options.minSupport) continue;
    const test = welchTTest(sides.in, sides.out);
    if (!test) continue;
    numericItems.push({
      kind: 'numeric_trait',
      key,
      meanIn: sides.in.mean,
      meanOut: sides.out.mean,
      difference: sides.in.mean - sides.out.mean,
      pValue: test.pValue,
      countIn: sides.in.n,
      countOut: sides.out.n,
    });
  }

  const all = [...traitItems, ...numericItems, ...eventItems];
  const q = benjaminiHochberg(all.map((item) => item.pValue));
  const withQ = all.map((item, i) => ({ ...item, qValue: q[i] as number }));
  const traits = rankProportions(withQ.filter((item): item is DistinguishingItem => item.kind === 'trait'));
  const eventsRanked = rankProportions(withQ.filter((item): item is DistinguishingItem => item.kind === 'event'));
  const numericRanked = withQ
    .filter((item): item is NumericItem => item.kind === 'numeric_trait')
    .sort(
      (a, b) =>
        a.pValue - b.pValue ||
        Math.abs(b.difference) - Math.abs(a.difference) ||
        (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
    );
  return {
    traits: traits.slice(0, options.top),
    numericTraits: numericRanked.slice(0, options.top),
    events: eventsRanked.slice(0, options.top),
    tested: all.length,
    significant: withQ.filter((item) => item.qValue < ALPHA).length,
    excluded,
  };
}
