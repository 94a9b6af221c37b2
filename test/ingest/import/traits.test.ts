import { beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/engines/engine.js';
import { sql } from '../../../src/engines/sql.js';
import { importFile } from '../../../src/ingest/import/index.js';
import type { ImportOptions } from '../../../src/ingest/import/types.js';
import { ingestMessages } from '../../../src/ingest/pipeline.js';
import { getAccount, getProfile } from '../../../src/store/profiles.js';
import { onEachEngine, resetData } from '../../analytics/harness.js';
import { NOW, WS } from '../../helpers.js';
import { count, scratch } from './files.js';

const write = scratch();

/** Every test runs on each engine, from empty tables. */
onEachEngine((opened) => {
  let engine: Engine;
  beforeEach(async () => {
    engine = opened();
    await resetData(engine);
  });

  const run = (file: string, options: Partial<ImportOptions>) =>
    importFile(engine, { workspace: WS, file, now: NOW, ...options });

  describe('profile traits', () => {
    it('merges each row as an identify: values keep their types, the later time wins per key', async () => {
      await ingestMessages(
        engine,
        [{ type: 'identify', userId: 'u1', traits: { plan: 'enterprise' }, timestamp: '2024-05-03T00:00:00Z' }],
        { workspace: WS, now: NOW, source: 'test' },
      );
      const file = write(
        'profiles.csv',
        'customer_id,plan,age,vip,signed_up,timestamp\n' +
          'u1,free,31,true,2024-01-02,2024-05-01T00:00:00Z\n' +
          'u2,pro,,false,2024-02-03,\n' +
          ',pro,40,true,2024-01-01,2024-05-01\n' +
          'u3,pro,40,true,2024-01-01,yesterday\n',
      );
      const summary = await run(file, { kind: 'profiles' });
      expect(summary).toMatchObject({ kind: 'profiles', rowsRead: 4, stored: 1, reconciled: true });
      expect(summary.accounting).toEqual({ applied: 2, skipped: 2 });
      expect(Object.fromEntries(summary.skipped.map((r) => [r.code, r.lines]))).toEqual({
        missing_user: [4],
        invalid_timestamp: [5],
      });
      // plan was set later by the stored identify; the other keys are new.
      expect((await getProfile(engine, WS, 'u1'))?.traits).toEqual({
        plan: 'enterprise',
        age: 31,
        vip: true,
        signed_up: '2024-01-02',
      });
      // No time column value: the import time; an empty cell sets nothing.
      expect((await getProfile(engine, WS, 'u2'))?.traits).toEqual({
        plan: 'pro',
        vip: false,
        signed_up: '2024-02-03',
      });
    });

    it('maps columns to the id and to renamed traits, from JSON lines', async () => {
      const file = write('people.jsonl', '{"Who": 7, "Level": "gold", "skip me": 1}\n{"Who": 8, "Level": "silver"}\n');
      const summary = await run(file, {
        kind: 'profiles',
        map: { Who: 'userId', Level: 'traits.tier', 'skip me': 'ignore' },
      });
      expect(summary).toMatchObject({ format: 'jsonl', stored: 2 });
      expect((await getProfile(engine, WS, '7'))?.traits).toEqual({ tier: 'gold' });
    });
  });

  describe('account traits', () => {
    it('merges rows onto stored accounts per key by time', async () => {
      const first = write(
        'accounts1.csv',
        'account_id,name,seats,timestamp\nacme,Acme,10,2024-05-02\nglobex,Globex,5,2024-05-01\n',
      );
      expect(await run(first, { kind: 'accounts' })).toMatchObject({ stored: 2, reconciled: true });
      const second = write(
        'accounts2.csv',
        'groupId,seats,industry,timestamp\nacme,3,retail,2024-05-01\nacme,,tools,2024-05-03\n,1,x,2024-05-01\n',
      );
      const summary = await run(second, { kind: 'accounts' });
      expect(summary).toMatchObject({ stored: 0, accounting: { applied: 2, skipped: 1 } });
      expect(summary.skipped).toMatchObject([{ code: 'missing_account', lines: [4] }]);
      // seats 3 is older than the stored 10; industry takes the later value.
      expect(await getAccount(engine, WS, 'acme')).toEqual({ name: 'Acme', seats: 10, industry: 'tools' });
      expect(await count(engine, sql`accounts`)).toBe(2);
    });

    it('needs an account id column', async () => {
      const file = write('noid.csv', 'name\nAcme\n');
      await expect(run(file, { kind: 'accounts' })).rejects.toMatchObject({ code: 'missing_column', path: 'map' });
    });
  });
});
