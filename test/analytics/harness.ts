import { afterAll, beforeAll, describe } from 'vitest';
import { openChdbEngine } from '../../src/engines/chdb/connection.js';
import type { CellValue, Engine } from '../../src/engines/engine.js';
import { sql, trusted } from '../../src/engines/sql.js';
import { events, ingestLog, profiles, type Table } from '../../src/store/tables.js';
import { memoryEngine } from '../helpers.js';

/**
 * The analytics tests run every hand-computed fixture on both engines: DuckDB in memory and ClickHouse in-process
 * (chDB). Data is written straight into the tables (the ingestion writer is DuckDB-only until the ClickHouse port),
 * so both engines hold exactly the same rows.
 */

export interface EngineUnderTest {
  readonly name: 'duckdb' | 'chdb';
  readonly create: () => Promise<Engine>;
}

export const ANALYTICS_ENGINES: readonly EngineUnderTest[] = [
  { name: 'duckdb', create: memoryEngine },
  { name: 'chdb', create: () => openChdbEngine() },
];

/**
 * Registers `body` once per engine inside `describe(engine name)`; `engine()` returns that block's engine, opened
 * once for the block (chDB holds one data directory per process, so blocks run one after the other).
 */
export function onEachEngine(body: (engine: () => Engine, name: EngineUnderTest['name']) => void): void {
  for (const target of ANALYTICS_ENGINES) {
    describe(target.name, () => {
      let opened: Engine | undefined;
      beforeAll(async () => {
        opened = await target.create();
      }, 60_000);
      afterAll(async () => {
        await opened?.close();
      });
      body(() => {
        if (!opened) throw new Error('internal error: the engine is not open yet');
        return opened;
      }, target.name);
    });
  }
}

export interface ProfileRow {
  readonly id: string;
  readonly traits?: Readonly<Record<string, unknown>>;
  readonly account?: string;
  /** ISO time; default: the user's first event, else null. */
  readonly firstSeen?: string;
}

export interface EventRow {
  readonly user: string | null;
  readonly name: string;
  /** ISO time. */
  readonly at: string;
  readonly properties?: Readonly<Record<string, unknown>>;
  /** The stored revenue column (ingestion sets it for orders, negative for refunds). */
  readonly revenue?: number | null;
  readonly anonymousId?: string;
  /** Default: generated from the position. */
  readonly id?: string;
  /** Default: `at`. */
  readonly receivedAt?: string;
  readonly type?: string;
}

export interface IngestLogRow {
  readonly at: string;
  readonly received: number;
  readonly stored: number;
  readonly duplicates: number;
  readonly rejected: number;
}

export interface Fixture {
  readonly profiles: readonly ProfileRow[];
  readonly events?: readonly EventRow[];
  readonly ingestLog?: readonly IngestLogRow[];
}

async function append(engine: Engine, table: Table, rows: CellValue[][]): Promise<void> {
  if (rows.length === 0) return;
  const staging = await engine.stage(table, rows);
  await engine.run(sql`INSERT INTO ${trusted(table.name)} SELECT * FROM ${staging}`);
}

const FIXTURE_TABLES = ['events', 'profiles', 'accounts', 'identities', 'ingest_log'];

/** Empties the data tables (every workspace). `TRUNCATE`: ClickHouse has no `DELETE` without `WHERE`. */
export async function resetData(engine: Engine): Promise<void> {
  for (const table of FIXTURE_TABLES) await engine.run(sql`TRUNCATE TABLE ${trusted(table)}`);
}

/** Writes a fixture into `workspace`: profiles (first/last seen from their events), events, ingest log rows. */
export async function loadFixture(engine: Engine, workspace: string, fixture: Fixture): Promise<void> {
  const spans = new Map<string, { first: number; last: number }>();
  for (const e of fixture.events ?? []) {
    if (e.user === null) continue;
    const at = Date.parse(e.at);
    const span = spans.get(e.user);
    spans.set(e.user, { first: Math.min(span?.first ?? at, at), last: Math.max(span?.last ?? at, at) });
  }
  const epoch = new Date(0);
  const date = (ms: number | undefined) => (ms === undefined ? null : new Date(ms));
  await append(
    engine,
    profiles,
    fixture.profiles.map((p) => [
      workspace,
      p.id,
      p.traits ?? {},
      {},
      p.account ?? null,
      p.firstSeen ? new Date(p.firstSeen) : date(spans.get(p.id)?.first),
      date(spans.get(p.id)?.last),
      epoch,
    ]),
  );
  await append(
    engine,
    events,
    (fixture.events ?? []).map((e, i) => [
      workspace,
      e.id ?? `${workspace}-m${i}`,
      e.type ?? 'track',
      e.name,
      e.user,
      e.anonymousId ?? null,
      new Date(e.at),
      new Date(e.receivedAt ?? e.at),
      e.properties ?? {},
      null,
      e.revenue ?? null,
    ]),
  );
  await append(
    engine,
    ingestLog,
    (fixture.ingestLog ?? []).map((r) => [
      workspace,
      new Date(r.at),
      'test',
      r.received,
      r.stored,
      r.duplicates,
      r.rejected,
    ]),
  );
}
