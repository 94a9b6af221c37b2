/**
 * Where a store lives: an engine and its address. The CLI resolves one from flags, environment and a config file
 * (`cli/store-config.ts`); `openStore` opens it.
 */
export type StoreLocation =
  | { readonly engine: 'duckdb'; readonly db: string }
  | { readonly engine: 'chdb'; readonly data: string }
  | {
      readonly engine: 'clickhouse';
      /** `http(s)://user:password@host:8123/database`. */
      readonly url: string;
      /** A cluster of the server's `remote_servers`: tables are created replicated and sharded on it. */
      readonly cluster?: string;
    };

export const ENGINE_NAMES = ['duckdb', 'chdb', 'clickhouse'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/**
 * The local path that one process holds while it writes, when the engine has one: DuckDB's file and chDB's data
 * directory each admit one writing process, so a server announces itself beside it (`server/local-server.ts`) and
 * the CLI sends its work there. A ClickHouse server is shared over the network and has none.
 */
export function localPath(location: StoreLocation): string | null {
  switch (location.engine) {
    case 'duckdb':
      return location.db === ':memory:' ? null : location.db;
    case 'chdb':
      return location.data;
    case 'clickhouse':
      return null;
  }
}

/** A short name for messages; a URL's password is never shown. */
export function describeLocation(location: StoreLocation): string {
  switch (location.engine) {
    case 'duckdb':
      return location.db;
    case 'chdb':
      return `chDB ${location.data}`;
    case 'clickhouse': {
      const url = new URL(location.url);
      const database = url.pathname.replace(/^\//, '') || 'default';
      const cluster = location.cluster ? ` on cluster ${location.cluster}` : '';
      return `ClickHouse ${url.protocol}//${url.host}/${database}${cluster}`;
    }
  }
}
