/**
 * Strata's library API: everything the CLI, the HTTP server and the tests use. The interfaces are thin layers
 * over these functions.
 */
export type { Dialect } from './engines/dialect.js';
export type { CellValue, Engine, Row } from './engines/engine.js';
export { openEngine, type OpenOptions } from './engines/open.js';
export { type Sql, sql, ident, str, num, int, bool, ts, json, strList } from './engines/sql.js';
export { type Issue, UserError } from './errors.js';
export { type Message, message, messageTypes } from './ingest/messages.js';
export { type IngestResult, type Rejection, ingestMessages } from './ingest/pipeline.js';
export { extractRevenue, defaultConventions, type PurchaseConventions } from './ingest/revenue.js';
export { importFile, presets, type ImportOptions, type ImportSummary } from './ingest/import/index.js';
export {
  loadDemo,
  generateDemo,
  personaOf,
  demoUserId,
  DEFAULT_DEMO_USERS,
  type DemoOptions,
  type DemoProgress,
  type DemoSummary,
  type Persona,
} from './demo/index.js';
export { createApiKey, verifyApiKey, listApiKeys, revokeApiKey, type Scope } from './keys/api-keys.js';
export { createApp } from './server/app.js';
export { startServer, type RunningServer } from './server/serve.js';
export { getStats, type StoreStats } from './store/stats.js';
export { getProfile, getAccount, listEvents, type Profile, type StoredEvent } from './store/profiles.js';
export { migrate, migrations } from './store/migrations.js';
export { VERSION } from './version.js';
