import type { Engine } from '../engines/engine.js';
import { describeLocation, localPath, type StoreLocation } from '../engines/location.js';
import { openStore } from '../engines/open.js';
import { UserError } from '../errors.js';
import { findLocalServer } from '../server/local-server.js';
import { ApiClient } from './api-client.js';

export interface GlobalOptions {
  readonly store: StoreLocation;
  readonly workspace: string;
  readonly json: boolean;
}

/** How a command reaches the store: directly, or through the server that holds the file. */
export interface Access<T> {
  local(engine: Engine): Promise<T>;
  /** Absent when the command cannot run through a server (it then fails with a message saying so). */
  remote?(client: ApiClient): Promise<T>;
}

/**
 * Runs a command against the store. DuckDB allows one writing process per file, and chDB one per data directory:
 * when a Strata server holds it, the command goes through that server's API with its local admin token, or fails
 * saying so. A ClickHouse server is opened directly.
 */
export async function withStore<T>(options: GlobalOptions, what: string, access: Access<T>): Promise<T> {
  const path = localPath(options.store);
  if (path !== null) {
    const server = await findLocalServer(path);
    if (server) {
      if (access.remote) return access.remote(new ApiClient(server.url, server.token, options.workspace));
      throw new UserError(
        'database_busy',
        `${describeLocation(options.store)} is held by the Strata server at ${server.url} (pid ${server.pid}); ${what} cannot run through it. Stop the server first, or send data to ${server.url}/v1/batch.`,
        'db',
        409,
      );
    }
  }
  const engine = await openStore(options.store);
  try {
    return await access.local(engine);
  } finally {
    await engine.close();
  }
}
