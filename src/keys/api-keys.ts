import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Engine, Row } from '../engines/engine.js';
import { runAll } from '../engines/run-all.js';
import { sql, str, ts } from '../engines/sql.js';
import { apiKeys } from '../store/tables.js';

/** `write` keys may only send data (`/v1`); `admin` keys may also manage the workspace (`/api`). */
export type Scope = 'write' | 'admin';
export const scopes = ['write', 'admin'] as const satisfies readonly Scope[];

export interface ApiKeyInfo {
  readonly id: string;
  readonly workspace: string;
  readonly scope: Scope;
  readonly name: string | null;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

/**
 * A key reads `stk_<scope>_<id>_<secret>`: the prefix makes leaked keys easy to find with secret scanners, the scope
 * tells a human what the key can do, the id finds the row without a scan, and only the secret's SHA-256 is stored.
 * A plain hash is enough (no slow KDF) because the secret is 256 random bits, not a password.
 */
const KEY_PATTERN = /^stk_(write|admin)_([0-9a-f]{16})_([0-9a-f]{64})$/;
const ID_BYTES = 8;
const SECRET_BYTES = 32;

const hashSecret = (secret: string): Buffer => createHash('sha256').update(secret, 'utf8').digest();

function toInfo(row: Row): ApiKeyInfo {
  return {
    id: String(row['id']),
    workspace: String(row['workspace']),
    scope: row['scope'] === 'admin' ? 'admin' : 'write',
    name: (row['name'] as string | null) ?? null,
    createdAt: row['created_at'] as Date,
    revokedAt: (row['revoked_at'] as Date | null) ?? null,
  };
}

/**
 * Creates a key. The returned `key` is the only time the secret exists outside the caller: show it once.
 * @example const { key } = await createApiKey(engine, { workspace: 'default', scope: 'write', name: 'website' });
 */
export async function createApiKey(
  engine: Engine,
  o: { readonly workspace: string; readonly scope: Scope; readonly name?: string; readonly now?: Date },
): Promise<ApiKeyInfo & { readonly key: string }> {
  const id = randomBytes(ID_BYTES).toString('hex');
  const secret = randomBytes(SECRET_BYTES).toString('hex');
  const createdAt = o.now ?? new Date();
  const name = o.name ?? null;
  await engine.run(
    sql`INSERT INTO api_keys (id, workspace, scope, name, secret_hash, created_at, revoked_at)
        VALUES (${str(id)}, ${str(o.workspace)}, ${str(o.scope)}, ${str(name)},
                ${str(hashSecret(secret).toString('hex'))}, ${ts(createdAt)}, NULL)`,
  );
  return {
    id,
    workspace: o.workspace,
    scope: o.scope,
    name,
    createdAt,
    revokedAt: null,
    key: `stk_${o.scope}_${id}_${secret}`,
  };
}

/** The key's details when it is well-formed, known, matches its stored hash and is not revoked; otherwise null. */
export async function verifyApiKey(engine: Engine, key: string): Promise<ApiKeyInfo | null> {
  const match = KEY_PATTERN.exec(key);
  if (!match) return null;
  const [, scope, id, secret] = match as unknown as [string, Scope, string, string];
  const [row] = await engine.query(
    sql`SELECT id, workspace, scope, name, secret_hash, created_at, revoked_at FROM api_keys WHERE id = ${str(id)}`,
  );
  if (!row) return null;
  const stored = Buffer.from(String(row['secret_hash']), 'hex');
  const given = hashSecret(secret);
  // Both sides are 32-byte digests, so the comparison's time says nothing about how much of the secret matched.
  if (stored.length !== given.length || !timingSafeEqual(stored, given)) return null;
  const info = toInfo(row);
  // The scope in the key text is a label for humans; the stored scope decides, and a mismatch means tampering.
  if (info.revokedAt !== null || info.scope !== scope) return null;
  return info;
}

/** Every key of a workspace, revoked ones included, oldest first. Secrets are never returned. */
export async function listApiKeys(engine: Engine, workspace: string): Promise<ApiKeyInfo[]> {
  const rows = await engine.query(
    sql`SELECT id, workspace, scope, name, created_at, revoked_at FROM api_keys
        WHERE workspace = ${str(workspace)} ORDER BY created_at, id`,
  );
  return rows.map(toInfo);
}

/**
 * Revokes a key of the workspace; true when the key exists there (revoking twice keeps the first revocation time),
 * false when the workspace has no such key.
 */
export async function revokeApiKey(engine: Engine, workspace: string, id: string, now = new Date()): Promise<boolean> {
  const statements = engine.dialect.update(apiKeys, {
    set: { revoked_at: ts(now) },
    where: sql`api_keys.workspace = ${str(workspace)} AND api_keys.id = ${str(id)} AND api_keys.revoked_at IS NULL`,
  });
  await engine.transaction((tx) => runAll(tx, statements));
  const [row] = await engine.query(
    sql`SELECT count(*) AS n FROM api_keys WHERE workspace = ${str(workspace)} AND id = ${str(id)}`,
  );
  return Number(row?.['n'] ?? 0) > 0;
}
