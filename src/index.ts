/**
 * Strata's library API: everything the CLI, the HTTP server and the tests use. The interfaces are thin layers
 * over these functions.
 */

export {
  DEFAULT_DEMO_USERS,
  type DemoOptions,
  type DemoProgress,
  type DemoSummary,
  demoUserId,
  generateDemo,
  loadDemo,
  type Persona,
  personaOf,
} from './demo/index.js';
export type { Dialect } from './engines/dialect.js';
export type { CellValue, Engine, Row } from './engines/engine.js';
export { type OpenOptions, openEngine } from './engines/open.js';
export { bool, ident, int, json, num, type Sql, sql, str, strList, ts } from './engines/sql.js';
export { type Issue, UserError } from './errors.js';
export { type ImportOptions, type ImportSummary, importFile, presets } from './ingest/import/index.js';
export { type Message, message, messageTypes } from './ingest/messages.js';
export { type IngestResult, ingestMessages, type Rejection } from './ingest/pipeline.js';
export { defaultConventions, extractRevenue, type PurchaseConventions } from './ingest/revenue.js';
export { createApiKey, listApiKeys, revokeApiKey, type Scope, verifyApiKey } from './keys/api-keys.js';
export { createApp } from './server/app.js';
export { type RunningServer, startServer } from './server/serve.js';
export { migrate, migrations } from './store/migrations.js';
export { getAccount, getProfile, listEvents, type Profile, type StoredEvent } from './store/profiles.js';
export { getStats, type StoreStats } from './store/stats.js';
export { VERSION } from './version.js';
