import type { CellValue, Engine } from '../../../src/engines/engine.js';
import { join, sql, str, trusted } from '../../../src/engines/sql.js';
import { ingestMessages } from '../../../src/ingest/pipeline.js';
import type { UserData, UserEvent } from '../../../src/segments/evaluate.js';
import { accounts, events, profiles, type Table } from '../../../src/store/tables.js';
import { storeSql } from './store-sql.js';

/**
 * A data set for the differential suite, written once and loaded either through the real ingestion path
 * (`ingestSeed`) or straight into the tables (`insertSeed`, for exact control: raw JSON text, events without a
 * profile). Either way the oracle reads back what the store holds (`readUsers`), never the seed itself. The SQL is
 * engine-neutral but for the few fragments in store-sql.ts.
 */

export interface ProfileSeed {
  readonly id: string;
  readonly traits?: Readonly<Record<string, unknown>>;
  /** Raw JSON text of the traits (direct loading only), e.g. `{"v": 1.0}`. */
  readonly rawTraits?: string;
  readonly account?: string;
}

export interface AccountSeed {
  readonly id: string;
  readonly traits: Readonly<Record<string, unknown>>;
}

export interface EventSeed {
  /** The message id: unique within the seed. */
  readonly id: string;
  readonly user: string;
  readonly name: string;
  /** Epoch milliseconds. */
  readonly at: number;
  readonly properties?: Readonly<Record<string, unknown>>;
  /** Raw JSON text of the properties (direct loading only). */
  readonly rawProperties?: string;
  /** Microseconds past `at` (0–999, direct loading only): stores can hold times finer than a millisecond. */
  readonly micros?: number;
}

export interface Seed {
  readonly profiles: readonly ProfileSeed[];
  readonly accounts?: readonly AccountSeed[];
  readonly events?: readonly EventSeed[];
}

/** Trait messages are stamped before every event a seed uses, so their merge order never matters. */
const TRAIT_TIME = '2000-01-01T00:00:00.000Z';

/** Loads a seed through `ingestMessages`, as an SDK would send it. */
export async function ingestSeed(engine: Engine, seed: Seed, workspace: string): Promise<void> {
  const messages: unknown[] = [];
  for (const profile of seed.profiles) {
    if (profile.rawTraits !== undefined) throw new Error('rawTraits needs insertSeed');
    messages.push({ type: 'identify', userId: profile.id, traits: profile.traits ?? {}, timestamp: TRAIT_TIME });
  }
  for (const account of seed.accounts ?? []) {
    const members = seed.profiles.filter((p) => p.account === account.id);
    const senders =
      members.length > 0 ? members.map((m) => ({ userId: m.id })) : [{ anonymousId: `anon:${account.id}` }];
    for (const sender of senders) {
      messages.push({ type: 'group', ...sender, groupId: account.id, traits: account.traits, timestamp: TRAIT_TIME });
    }
  }
  const unknownAccount = seed.profiles.find((p) => p.account && !seed.accounts?.some((a) => a.id === p.account));
  if (unknownAccount) throw new Error(`seed: ${unknownAccount.id} names an account the seed lacks`);
  let latest = 0;
  for (const event of seed.events ?? []) {
    if (event.rawProperties !== undefined || event.micros !== undefined) throw new Error('raw seeds need insertSeed');
    latest = Math.max(latest, event.at);
    messages.push({
      type: 'track',
      messageId: event.id,
      userId: event.user,
      event: event.name,
      properties: event.properties ?? {},
      timestamp: new Date(event.at).toISOString(),
    });
  }
  const result = await ingestMessages(engine, messages, {
    workspace,
    now: new Date(latest),
    maxFutureMs: Number.MAX_SAFE_INTEGER / 2,
    source: 'test',
  });
  if (result.rejected.length > 0) throw new Error(`seed rejected: ${JSON.stringify(result.rejected)}`);
}

async function append(engine: Engine, table: Table, rows: CellValue[][]): Promise<void> {
  if (rows.length === 0) return;
  const staging = await engine.stage(table, rows);
  await engine.run(sql`INSERT INTO ${trusted(table.name)} SELECT * FROM ${staging}`);
}

const inList = (ids: readonly string[]) => join(ids.map((id) => sql`${str(id)}`));

/**
 * Moves staged events into `events`, adding each event's microseconds on the way (`stage` takes a `Date`, so it
 * cannot carry them), then checks the store kept them: an engine that cannot hold them fails the load loudly.
 */
async function appendEvents(engine: Engine, seed: readonly EventSeed[], rows: CellValue[][], workspace: string) {
  if (rows.length === 0) return;
  const store = storeSql(engine);
  const staging = await engine.stage(events, rows);
  const byMicros = new Map<number, string[]>();
  for (const e of seed) byMicros.set(e.micros ?? 0, [...(byMicros.get(e.micros ?? 0) ?? []), e.id]);
  for (const [micros, ids] of byMicros) {
    const ts = micros === 0 ? sql`ts` : store.addMicros(sql`ts`, micros);
    await engine.run(
      sql`INSERT INTO events SELECT * REPLACE (${ts} AS ts) FROM ${staging} WHERE message_id IN (${inList(ids)})`,
    );
  }
  const fine = seed.filter((e) => e.micros);
  if (fine.length === 0) return;
  const stored = await engine.query(
    sql`SELECT ${store.text(sql`message_id`)} AS id, ${store.epochMicros(sql`ts`)} AS us FROM events
        WHERE workspace = ${str(workspace)} AND message_id IN (${inList(fine.map((e) => e.id))})`,
  );
  const kept = new Map(stored.map((row) => [String(row['id']), String(row['us'])]));
  const lost = fine.filter((e) => kept.get(e.id) !== String(BigInt(e.at) * 1000n + BigInt(e.micros ?? 0)));
  if (lost.length > 0) {
    const e = lost[0] as EventSeed;
    throw new Error(
      `the store cannot hold times finer than a millisecond: ${e.id} at ${e.at} ms + ${e.micros} µs ` +
        `reads back as ${kept.get(e.id) ?? 'nothing'} µs`,
    );
  }
}

/** Writes a seed straight into the tables: exact JSON text, exact timestamps, events with or without a profile. */
export async function insertSeed(engine: Engine, seed: Seed, workspace: string): Promise<void> {
  const now = new Date(0);
  const spans = new Map<string, { first: number; last: number }>();
  for (const event of seed.events ?? []) {
    const span = spans.get(event.user);
    spans.set(event.user, {
      first: Math.min(span?.first ?? event.at, event.at),
      last: Math.max(span?.last ?? event.at, event.at),
    });
  }
  const dateOf = (ms: number | undefined) => (ms === undefined ? null : new Date(ms));
  await append(
    engine,
    profiles,
    seed.profiles.map((p) => [
      workspace,
      p.id,
      p.rawTraits ?? p.traits ?? {},
      {},
      p.account ?? null,
      dateOf(spans.get(p.id)?.first),
      dateOf(spans.get(p.id)?.last),
      now,
    ]),
  );
  await append(
    engine,
    accounts,
    (seed.accounts ?? []).map((a) => [workspace, a.id, a.traits, {}, now]),
  );
  await appendEvents(
    engine,
    seed.events ?? [],
    (seed.events ?? []).map((e) => [
      workspace,
      e.id,
      'track',
      e.name,
      e.user,
      null,
      new Date(e.at),
      now,
      e.rawProperties ?? e.properties ?? {},
      null,
      null,
    ]),
    workspace,
  );
}

/**
 * Empties the tables a seed fills, so one engine serves many data sets. `TRUNCATE TABLE`: ClickHouse has no
 * `DELETE FROM t` without a `WHERE`, and DuckDB takes both.
 */
export async function resetStore(engine: Engine, tables: readonly string[] = SEED_TABLES): Promise<void> {
  for (const table of tables) await engine.run(sql`TRUNCATE TABLE ${trusted(table)}`);
}

const SEED_TABLES = ['events', 'profiles', 'accounts', 'identities'];

/** Epoch microseconds (text) as epoch milliseconds, rounded down: a stored time counts as its millisecond. */
function floorMs(micros: string): number {
  const us = BigInt(micros);
  const ms = us / 1000n;
  return Number(us < 0n && ms * 1000n !== us ? ms - 1n : ms);
}

/** The users of a workspace (its profiles) with their traits, account traits and every stored event. */
export async function readUsers(engine: Engine, workspace: string): Promise<UserData[]> {
  const w = str(workspace);
  // Text and times go through `storeSql`: the oracle must see exactly what the store holds, not what a driver
  // makes of it.
  const { text, epochMicros } = storeSql(engine);
  const accountRows = await engine.query(
    sql`SELECT ${text(sql`account_id`)} AS account_id, traits FROM accounts WHERE workspace = ${w}`,
  );
  const accountTraits = new Map(
    accountRows.map((r) => [String(r['account_id']), r['traits'] as Record<string, unknown>]),
  );
  const eventRows = await engine.query(
    sql`SELECT ${text(sql`user_id`)} AS user_id, ${text(sql`message_id`)} AS message_id, ${text(sql`name`)} AS name,
          ${epochMicros(sql`ts`)} AS ts_us, properties
        FROM events
        WHERE workspace = ${w} AND user_id IS NOT NULL ORDER BY events.user_id, ts, events.message_id`,
  );
  const byUser = new Map<string, UserEvent[]>();
  for (const row of eventRows) {
    const list = byUser.get(String(row['user_id'])) ?? [];
    list.push({
      messageId: String(row['message_id']),
      name: String(row['name']),
      ts: floorMs(String(row['ts_us'])),
      properties: row['properties'] as Record<string, unknown>,
    });
    byUser.set(String(row['user_id']), list);
  }
  const profileRows = await engine.query(
    sql`SELECT ${text(sql`user_id`)} AS user_id, traits, ${text(sql`account_id`)} AS account_id FROM profiles
        WHERE workspace = ${w} ORDER BY profiles.user_id`,
  );
  return profileRows.map((row) => {
    const accountId = row['account_id'] as string | null;
    return {
      userId: String(row['user_id']),
      traits: row['traits'] as Record<string, unknown>,
      account: accountId === null ? null : (accountTraits.get(accountId) ?? null),
      events: byUser.get(String(row['user_id'])) ?? [],
      staticSegments: new Set<string>(),
    };
  });
}
