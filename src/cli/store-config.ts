import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { ENGINE_NAMES, type EngineName, type StoreLocation } from '../engines/location.js';
import { fromZod, UserError } from '../errors.js';

/** The store settings a command line, the environment or a config file can give; all optional. */
export interface StoreSettings {
  readonly engine?: string;
  readonly db?: string;
  readonly data?: string;
  readonly clickhouseUrl?: string;
  readonly cluster?: string;
  readonly workspace?: string;
}

/** Read when present in the working directory, so a project can pin its store without flags. */
export const DEFAULT_CONFIG_FILE = 'strata.config.json';

const DEFAULTS = { db: './strata.duckdb', data: './strata-chdb', workspace: 'default' } as const;

/** Environment variables, by setting. */
export const ENVIRONMENT: Readonly<Record<keyof StoreSettings, string>> = {
  engine: 'STRATA_ENGINE',
  db: 'STRATA_DB',
  data: 'STRATA_DATA',
  clickhouseUrl: 'STRATA_CLICKHOUSE_URL',
  cluster: 'STRATA_CLUSTER',
  workspace: 'STRATA_WORKSPACE',
};

const configSchema = z.strictObject({
  engine: z.enum(ENGINE_NAMES).optional(),
  db: z.string().min(1).optional(),
  data: z.string().min(1).optional(),
  clickhouseUrl: z.url({ protocol: /^https?$/ }).optional(),
  cluster: z
    .string()
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, 'a cluster name is letters, digits, "_", "." and "-"')
    .optional(),
  workspace: z.string().min(1).optional(),
});

function readConfigFile(path: string): StoreSettings {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UserError('invalid_config', `cannot read the config file ${path}: ${reason}`, 'config');
  }
  const result = configSchema.safeParse(parsed);
  if (!result.success) {
    const issues = fromZod(result.error, 'config');
    throw new UserError(
      'invalid_config',
      `${path}: ${issues[0]?.message ?? 'invalid'}`,
      issues[0]?.path ?? 'config',
      422,
      issues,
    );
  }
  return result.data;
}

function fromEnvironment(env: NodeJS.ProcessEnv): StoreSettings {
  const out: Record<string, string> = {};
  for (const [key, name] of Object.entries(ENVIRONMENT)) {
    const value = env[name];
    if (value !== undefined && value !== '') out[key] = value;
  }
  return out;
}

/**
 * Where the store is and which workspace to use. Each setting comes from the first of: the command line, the
 * environment (`STRATA_ENGINE`, `STRATA_DB`, …), the config file (`--config`, `STRATA_CONFIG`, or
 * `./strata.config.json` when present), the default. The engine, when not given, follows the address given:
 * a ClickHouse URL means ClickHouse, a data directory chDB, otherwise the DuckDB file.
 */
export function resolveStore(
  flags: StoreSettings & { readonly config?: string },
  env: NodeJS.ProcessEnv = process.env,
  options: { readonly configFile?: boolean } = {},
): { location: StoreLocation; workspace: string } {
  const configPath =
    options.configFile === false
      ? undefined
      : (flags.config ?? env['STRATA_CONFIG'] ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined));
  const file = configPath ? readConfigFile(configPath) : {};
  const environment = fromEnvironment(env);
  const pick = <K extends keyof StoreSettings>(key: K): StoreSettings[K] => flags[key] ?? environment[key] ?? file[key];
  const workspace = pick('workspace') ?? DEFAULTS.workspace;
  const url = pick('clickhouseUrl');
  const data = pick('data');
  const given = pick('engine');
  if (given !== undefined && !(ENGINE_NAMES as readonly string[]).includes(given)) {
    throw new UserError('invalid_option', `--engine is one of ${ENGINE_NAMES.join(', ')}, got "${given}"`, 'engine');
  }
  const engine: EngineName = (given as EngineName | undefined) ?? (url ? 'clickhouse' : data ? 'chdb' : 'duckdb');
  const cluster = pick('cluster');
  if (cluster !== undefined && engine !== 'clickhouse') {
    throw new UserError('invalid_option', `--cluster needs --engine clickhouse (the engine is ${engine})`, 'cluster');
  }
  switch (engine) {
    case 'duckdb':
      return { location: { engine, db: pick('db') ?? DEFAULTS.db }, workspace };
    case 'chdb':
      return { location: { engine, data: data ?? DEFAULTS.data }, workspace };
    case 'clickhouse': {
      if (!url) {
        throw new UserError(
          'invalid_option',
          `--engine clickhouse needs the server's address: --clickhouse-url http://user:password@host:8123/database (or ${ENVIRONMENT.clickhouseUrl})`,
          'clickhouseUrl',
        );
      }
      const checked = configSchema.shape.clickhouseUrl.safeParse(url);
      if (!checked.success) {
        throw new UserError('invalid_option', `--clickhouse-url must be an http(s) URL, got "${url}"`, 'clickhouseUrl');
      }
      const clusterName = configSchema.shape.cluster.safeParse(cluster);
      if (!clusterName.success) {
        throw new UserError('invalid_option', `--cluster: ${clusterName.error.issues[0]?.message}`, 'cluster');
      }
      return { location: { engine, url, ...(cluster ? { cluster } : {}) }, workspace };
    }
  }
}

/** The flags that name a location, to print a command that opens the same store. */
export function locationFlags(location: StoreLocation): string {
  switch (location.engine) {
    case 'duckdb':
      return `--db ${location.db}`;
    case 'chdb':
      return `--engine chdb --data ${location.data}`;
    case 'clickhouse':
      // The URL may hold a password: point at where it came from instead of printing it.
      return `--engine clickhouse --clickhouse-url <url>${location.cluster ? ` --cluster ${location.cluster}` : ''}`;
  }
}
