import { type ClickHouseClient, type ClickHouseSettings, createClient } from '@clickhouse/client';
import { withSchema } from '../../store/migrations.js';
import type { Engine } from '../engine.js';
import { ClickHouseBaseEngine, type Transport } from './base-engine.js';
import { quoteIdent } from './dialect.js';
import { clusterSettings, sessionSettings } from './settings.js';
import type { BoundValue, CompactResult } from './values.js';

export interface ClickHouseOptions {
  /** `http(s)://user:password@host:8123/database`. */
  readonly url: string;
  /** A cluster of the server's `remote_servers`: tables are created replicated and sharded on it (ddl.ts). */
  readonly cluster?: string;
}

/**
 * A ClickHouse server over HTTP. Every request carries the session settings (no HTTP session is used: a ClickHouse
 * session admits one query at a time). Files read by the import functions (`file()`) are on the server, in its
 * `user_files_path`, not on this machine.
 */
class HttpTransport implements Transport {
  readonly reportsInsertedRows = true;

  /** Sent with every request, so a client configured elsewhere (`withClient`) still gets them. */
  private readonly settings: ClickHouseSettings;

  constructor(
    private readonly client: ClickHouseClient,
    cluster: boolean,
  ) {
    this.settings = cluster ? { ...sessionSettings, ...clusterSettings } : { ...sessionSettings };
  }

  async select(text: string, params: Readonly<Record<string, BoundValue>>): Promise<CompactResult> {
    const result = await this.client.query({
      query: text,
      format: 'JSONCompact',
      query_params: { ...params },
      clickhouse_settings: this.settings,
    });
    const { meta, data } = await result.json<unknown[]>();
    return { meta: meta ?? [], data };
  }

  async command(text: string, params: Readonly<Record<string, BoundValue>>): Promise<number | null> {
    const result = await this.client.command({
      query: text,
      query_params: { ...params },
      clickhouse_settings: this.settings,
    });
    // The summary header counts rows an INSERT wrote; `ClickHouseBaseEngine` uses it for INSERTs only.
    const written = result.summary?.written_rows;
    return written === undefined ? null : Number(written);
  }

  async insert(table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
    await this.client.insert({
      table: quoteIdent(table),
      values: [...rows],
      format: 'JSONEachRow',
      clickhouse_settings: this.settings,
    });
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/** The ClickHouse engine over HTTP: the scale-out store. Same dialect, normaliser and staging as chDB. */
export class ClickHouseEngine extends ClickHouseBaseEngine {
  static async open(options: ClickHouseOptions): Promise<ClickHouseEngine> {
    const client = createClient({ url: options.url, application: 'strata' });
    const ping = await client.ping();
    if (!ping.success) {
      await client.close();
      throw new Error(`cannot reach ClickHouse at ${new URL(options.url).host}: ${String(ping.error)}`);
    }
    return ClickHouseEngine.withClient(client, options.cluster);
  }

  /** An engine over a client configured by the caller (TLS, proxies, auth); it closes the client on close. */
  static withClient(client: ClickHouseClient, cluster?: string): ClickHouseEngine {
    return new ClickHouseEngine(new HttpTransport(client, cluster !== undefined), cluster);
  }
}

/** Opens a ClickHouse store over HTTP and brings its schema up to date. */
export async function openClickHouseEngine(options: ClickHouseOptions): Promise<Engine> {
  return withSchema(await ClickHouseEngine.open(options));
}
