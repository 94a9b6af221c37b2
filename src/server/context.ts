import type { Engine } from '../engines/engine.js';
import type { Scope } from '../keys/api-keys.js';
import type { ChangeFeed } from '../live/feed.js';

/** What the routes need, with defaults filled in by `createApp`. */
export interface ServerDeps {
  readonly engine: Engine;
  readonly now: () => Date;
  /** An admin token for the local CLI, acting on workspace `default`; see `serve.ts`. */
  readonly localToken: string | null;
  readonly version: string;
  /** Signalled whenever a route appends to the change log (refresh), so webhook delivery starts at once. */
  readonly feed: ChangeFeed;
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
