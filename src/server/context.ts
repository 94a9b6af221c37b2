import type { Engine } from '../engines/engine.js';
import type { Scope } from '../keys/api-keys.js';
import type { ChangeFeed } from '../live/feed.js';
import type { IngestQueue } from '../live/ingest-queue.js';
import type { LiveService } from '../live/service.js';
import type { KeyCache } from './key-cache.js';

/** What the routes need, with defaults filled in by `createApp`. */
export interface ServerDeps {
  readonly engine: Engine;
  readonly now: () => Date;
  /** An admin token for the local CLI, acting on workspace `default`; see `serve.ts`. */
  readonly localToken: string | null;
  readonly version: string;
  /** Signalled whenever a route appends to the change log (refresh), so webhook delivery starts at once. */
  readonly feed: ChangeFeed;
  /** Group commit for `/v1`; with a live service it also evaluates segments in real time after each write. */
  readonly queue: IngestQueue;
  /** Verified keys; revoking a key clears it. */
  readonly keys: KeyCache;
  /** Present when the server keeps segments live (`strata serve`). */
  readonly live: LiveService | null;
}

/** Who is calling: set by the auth step, read by the routes. The local token has no key id. */
export interface Caller {
  readonly workspace: string;
  readonly scope: Scope;
  readonly keyId: string | null;
}

export interface AppEnv {
  Variables: { caller: Caller };
}

/** The workspace the local admin token acts on. */
export const LOCAL_WORKSPACE = 'default';
