import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { locationFlags, resolveStore } from '../../src/cli/store-config.js';
import { describeLocation } from '../../src/engines/location.js';
import { UserError } from '../../src/errors.js';
import { strata } from './capture.js';

const dir = mkdtempSync(join(tmpdir(), 'strata-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(name: string, body: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof body === 'string' ? body : JSON.stringify(body));
  return path;
}

function failure(work: () => unknown): UserError {
  try {
    work();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected a UserError');
}

describe('where the store is: flags, environment, config file, defaults', () => {
  it('defaults to the DuckDB file and the default workspace', () => {
    expect(resolveStore({}, {}, { configFile: false })).toEqual({
      location: { engine: 'duckdb', db: './strata.duckdb' },
      workspace: 'default',
    });
  });

  it('takes the command line over the environment over the config file', () => {
    const file = config('all.json', { engine: 'chdb', data: '/from/file', workspace: 'file-ws' });
    const env = { STRATA_DATA: '/from/env', STRATA_CONFIG: file };
    expect(resolveStore({}, env)).toEqual({ location: { engine: 'chdb', data: '/from/env' }, workspace: 'file-ws' });
    expect(resolveStore({ data: '/from/flag', workspace: 'flag-ws' }, env)).toEqual({
      location: { engine: 'chdb', data: '/from/flag' },
      workspace: 'flag-ws',
    });
    expect(resolveStore({ engine: 'duckdb', db: 'x.duckdb' }, env).location).toEqual({
      engine: 'duckdb',
      db: 'x.duckdb',
    });
  });

  it('follows the address given when no engine is named', () => {
    const url = 'http://strata:s3cret@ch.internal:8123/analytics';
    expect(resolveStore({ clickhouseUrl: url, cluster: 'prod' }, {}, { configFile: false }).location).toEqual({
      engine: 'clickhouse',
      url,
      cluster: 'prod',
    });
    expect(resolveStore({}, { STRATA_DATA: '/d' }, { configFile: false }).location).toEqual({
      engine: 'chdb',
      data: '/d',
    });
  });

  it('names the store without its password, and prints flags that open it again', () => {
    const { location } = resolveStore(
      { clickhouseUrl: 'https://strata:s3cret@ch.internal:8443/analytics', cluster: 'prod' },
      {},
      { configFile: false },
    );
    expect(describeLocation(location)).toBe('ClickHouse https://ch.internal:8443/analytics on cluster prod');
    expect(locationFlags(location)).not.toContain('s3cret');
  });

  it('refuses what cannot work, saying which setting is wrong', () => {
    const none = { configFile: false } as const;
    expect(failure(() => resolveStore({ engine: 'postgres' }, {}, none))).toMatchObject({
      code: 'invalid_option',
      path: 'engine',
    });
    expect(failure(() => resolveStore({ engine: 'clickhouse' }, {}, none))).toMatchObject({
      code: 'invalid_option',
      path: 'clickhouseUrl',
    });
    expect(failure(() => resolveStore({ db: 'x.duckdb', cluster: 'prod' }, {}, none))).toMatchObject({
      path: 'cluster',
    });
    expect(failure(() => resolveStore({ clickhouseUrl: 'ftp://host/db' }, {}, none))).toMatchObject({
      path: 'clickhouseUrl',
    });
    expect(
      failure(() => resolveStore({ clickhouseUrl: 'http://h:8123/db', cluster: "prod', 'x" }, {}, none)),
    ).toMatchObject({ path: 'cluster' });
  });

  it('reports a bad config file with the path of the offending field', () => {
    const typo = config('typo.json', { engine: 'clickhouse', clickhouse_url: 'http://h:8123' });
    const error = failure(() => resolveStore({ config: typo }, {}));
    expect(error.code).toBe('invalid_config');
    expect(error.issues.map((i) => i.path)).toContain('config');
    const wrong = config('wrong.json', { engine: 'oracle' });
    expect(failure(() => resolveStore({ config: wrong }, {})).issues[0]?.path).toBe('config.engine');
    const broken = config('broken.json', '{ "engine": ');
    expect(failure(() => resolveStore({ config: broken }, {})).message).toMatch(/cannot read the config file/);
  });

  it('is what the CLI uses: a chDB store chosen by flags holds what was written to it', async () => {
    const data = join(dir, 'chdb');
    const created = await strata('--engine', 'chdb', '--data', data, 'keys', 'create', '--scope', 'admin', '--json');
    expect(created.code, created.stderr || created.stdout).toBe(0);
    const listed = await strata('--data', data, 'keys', 'list', '--json');
    expect(listed.code, listed.stderr || listed.stdout).toBe(0);
    expect(JSON.parse(listed.stdout)).toHaveLength(1);
    const bad = await strata('--engine', 'clickhouse', 'stats', '--json');
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout)).toMatchObject({ error: { code: 'invalid_option', path: 'clickhouseUrl' } });
  });
});
