import type { Dialect } from '../engines/dialect.js';
import type { Engine } from '../engines/engine.js';
import { int, type Sql, sql, str, ts } from '../engines/sql.js';
import {
  accounts,
  analyticsRuns,
  analyticsSettings,
  apiKeys,
  events,
  identities,
  ingestLog,
  modelScores,
  profiles,
  schemaMigrations,
  segmentChanges,
  segmentMembers,
  segmentRefreshes,
  segmentSizes,
  segments,
  segmentVersions,
  staticMembers,
  type Table,
  traitChanges,
  webhookAttempts,
  webhooks,
} from './tables.js';

/** A versioned schema change. Versions only grow; a released migration is never edited, a new one is added. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  up(dialect: Dialect): readonly Sql[];
}

const create =
  (...tables: Table[]) =>
  (dialect: Dialect) =>
    tables.flatMap((table) => dialect.createTable(table));

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'profiles, accounts, events, identities, api keys, ingest log',
    up: create(profiles, accounts, events, identities, apiKeys, ingestLog),
  },
  {
    version: 2,
    name: 'segments, versions, members, change log, refreshes, static members',
    up: create(segments, segmentVersions, segmentMembers, segmentChanges, segmentRefreshes, staticMembers),
  },
  {
    version: 3,
    name: 'webhooks, webhook attempts, daily segment sizes',
    up: create(webhooks, webhookAttempts, segmentSizes),
  },
  {
    version: 4,
    name: 'analytics settings, analytics runs, computed trait history',
    up: create(analyticsSettings, analyticsRuns, traitChanges),
  },
  {
    version: 5,
    name: 'model scores',
    up: create(modelScores),
  },
];

/** Brings the store's schema up to date; returns the versions it applied. */
export async function migrate(engine: Engine): Promise<number[]> {
  for (const statement of engine.dialect.createTable(schemaMigrations)) await engine.run(statement);
  const rows = await engine.query(sql`SELECT version FROM schema_migrations`);
  const done = new Set(rows.map((row) => Number(row['version'])));
  const applied: number[] = [];
  for (const migration of migrations) {
    if (done.has(migration.version)) continue;
    await engine.transaction(async (tx) => {
      for (const statement of migration.up(tx.dialect)) await tx.run(statement);
      await tx.run(
        sql`INSERT INTO schema_migrations VALUES (${int(migration.version)}, ${str(migration.name)}, ${ts(new Date())})`,
      );
    });
    applied.push(migration.version);
  }
  return applied;
}

/** Brings a freshly opened engine's schema up to date, closing it if that fails; returns the engine. */
export async function withSchema<E extends Engine>(engine: E): Promise<E> {
  try {
    await migrate(engine);
  } catch (error) {
    await engine.close();
    throw error;
  }
  return engine;
}
