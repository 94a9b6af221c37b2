import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engines/engine.js';
import { sql } from '../../src/engines/sql.js';
import { createApiKey, listApiKeys, revokeApiKey, verifyApiKey } from '../../src/keys/api-keys.js';
import { NOW, WS } from '../helpers.js';
import { forEachStore } from '../live/stores.js';

forEachStore((store) => {
  let engine: Engine;
  beforeEach(async () => {
    engine = await store.open();
  });
  afterEach(async () => {
    await engine.close();
  });

  describe('API keys', () => {
    it('creates keys that name their scope and id and carry at least 192 random bits', async () => {
      const a = await createApiKey(engine, { workspace: WS, scope: 'write', name: 'site', now: NOW });
      const b = await createApiKey(engine, { workspace: WS, scope: 'admin' });
      expect(a.key).toMatch(new RegExp(`^stk_write_${a.id}_[0-9a-f]{64}$`));
      expect(b.key).toMatch(new RegExp(`^stk_admin_${b.id}_[0-9a-f]{64}$`));
      expect(a.key).not.toBe(b.key);
      expect(a).toMatchObject({ workspace: WS, scope: 'write', name: 'site', createdAt: NOW, revokedAt: null });
      expect(b.name).toBeNull();
    });

    it('stores only a SHA-256 of the secret', async () => {
      const { key, id } = await createApiKey(engine, { workspace: WS, scope: 'write' });
      const secret = key.split('_').at(-1) ?? '';
      const rows = await engine.query(sql`SELECT * FROM api_keys`);
      expect(rows).toHaveLength(1);
      const stored = JSON.stringify(rows[0]);
      expect(stored).not.toContain(secret);
      expect(rows[0]?.['id']).toBe(id);
      expect(rows[0]?.['secret_hash']).toMatch(/^[0-9a-f]{64}$/);
    });

    it('verifies a key, and refuses a changed secret, a relabelled scope, garbage and revoked keys', async () => {
      const { key, id } = await createApiKey(engine, { workspace: 'acme', scope: 'write', name: 'n' });
      expect(await verifyApiKey(engine, key)).toMatchObject({ id, workspace: 'acme', scope: 'write', name: 'n' });
      const last = key.at(-1) === '0' ? '1' : '0';
      expect(await verifyApiKey(engine, key.slice(0, -1) + last)).toBeNull();
      expect(await verifyApiKey(engine, key.replace('stk_write_', 'stk_admin_'))).toBeNull();
      for (const junk of ['', 'stk_', `${key}x`, `'; DROP TABLE api_keys; --`, key.toUpperCase()]) {
        expect(await verifyApiKey(engine, junk)).toBeNull();
      }
      expect(await revokeApiKey(engine, 'acme', id, NOW)).toBe(true);
      expect(await verifyApiKey(engine, key)).toBeNull();
    });

    it('lists a workspace’s keys with revocations, and revokes only within the workspace', async () => {
      const mine = await createApiKey(engine, { workspace: WS, scope: 'admin' });
      const theirs = await createApiKey(engine, { workspace: 'other', scope: 'write' });
      expect(await revokeApiKey(engine, WS, theirs.id)).toBe(false);
      expect(await verifyApiKey(engine, theirs.key)).not.toBeNull();
      expect(await revokeApiKey(engine, WS, mine.id, NOW)).toBe(true);
      // Revoking again is not an error and keeps the first time.
      expect(await revokeApiKey(engine, WS, mine.id, new Date('2030-01-01T00:00:00Z'))).toBe(true);
      expect(await revokeApiKey(engine, WS, 'nope')).toBe(false);
      const listed = await listApiKeys(engine, WS);
      expect(listed).toEqual([
        { id: mine.id, workspace: WS, scope: 'admin', name: null, createdAt: mine.createdAt, revokedAt: NOW },
      ]);
      expect(JSON.stringify(listed)).not.toContain(mine.key);
    });
  });
});
