import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strata } from '../cli/capture.js';

/**
 * `strata migrate`: the demo, with its starter segments, computed traits and models, moves from a DuckDB file into
 * chDB, and every segment evaluates to the same members on both (checked by the command, and here by reading both).
 */
describe('strata migrate --to chdb', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-migrate-'));
  const db = join(dir, 'demo.duckdb');
  const data = join(dir, 'chdb');

  beforeAll(async () => {
    const demo = await strata('--db', db, 'demo', '--users', '300', '--end', '2026-06-30', '--no-serve');
    expect(demo.code, demo.stderr).toBe(0);
  }, 180_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('copies every table and finds the same members in every segment', async () => {
    const run = await strata(
      '--db',
      db,
      'migrate',
      '--to',
      'chdb',
      '--to-data',
      data,
      '--batch-rows',
      '5000',
      '--json',
    );
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as {
      copies: { table: string; read: number; stored: number }[];
      checks: { name: string; source: number; target: number; differing: number }[];
    };
    for (const copy of result.copies) expect(copy.stored, copy.table).toBe(copy.read);
    const events = result.copies.find((c) => c.table === 'events');
    expect(events?.read).toBeGreaterThan(5000);
    expect(result.checks).toHaveLength(10);
    for (const check of result.checks) {
      expect(check.differing, check.name).toBe(0);
      expect(check.target, check.name).toBe(check.source);
    }
    expect(result.checks.some((c) => c.source > 0)).toBe(true);

    // The stored memberships read the same through the CLI on either engine.
    const before = await strata('--db', db, 'segment', 'list', '--json');
    const after = await strata('--engine', 'chdb', '--data', data, 'segment', 'list', '--json');
    expect(after.code, after.stderr).toBe(0);
    const sizes = (out: string) =>
      (JSON.parse(out) as { name: string; size: number }[]).map((s) => [s.name, s.size]).sort();
    expect(sizes(after.stdout)).toEqual(sizes(before.stdout));
  }, 180_000);

  it('refuses a target that already holds data, and names the table', async () => {
    const again = await strata('--db', db, 'migrate', '--to', 'chdb', '--to-data', data, '--json');
    expect(again.code).toBe(2);
    expect(JSON.parse(again.stdout)).toMatchObject({ error: { code: 'target_not_empty', path: 'to' } });
    expect(again.stdout).toMatch(/already holds [\d,]+ rows in events; migrate into an empty store/);
  });

  it('refuses to copy a store onto itself', async () => {
    const same = await strata('--db', db, 'migrate', '--to', 'duckdb', '--to-db', db, '--json');
    expect(same.code).toBe(2);
    expect(JSON.parse(same.stdout)).toMatchObject({ error: { code: 'invalid_option', path: 'to' } });
  });
});
