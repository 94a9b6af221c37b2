import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { verifyApiKey } from '../keys/api-keys.js';
import { type AppEnv, type Caller, LOCAL_WORKSPACE, type ServerDeps } from './context.js';
import { httpError } from './errors.js';

/** Routes under `/api` anyone may read: the health probe, the key check and the API's own documentation. */
const PUBLIC = /^\/api\/(health|session|openapi\.json|docs(\/.*)?)$/;

/** The key in an `Authorization` header: Segment's Basic (key as user name) or a bearer token. */
export function keyFromHeader(header: string | undefined, schemes: readonly ('basic' | 'bearer')[]): string | null {
  if (!header) return null;
  const space = header.indexOf(' ');
  if (space < 0) return null;
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === 'bearer' && schemes.includes('bearer')) return value || null;
  if (scheme === 'basic' && schemes.includes('basic')) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = colon < 0 ? decoded : decoded.slice(0, colon);
    // Segment's libraries send the key as the user name; a few tools put it in the password instead.
    return user || (colon < 0 ? '' : decoded.slice(colon + 1)) || null;
  }
  return null;
}

/** Compares two strings without the time depending on where they first differ. */
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** Who a key belongs to: the local token, an active API key, or nobody. */
export async function authenticate(deps: ServerDeps, key: string): Promise<Caller | null> {
  if (deps.localToken !== null && sameSecret(key, deps.localToken)) {
    return { workspace: LOCAL_WORKSPACE, scope: 'admin', keyId: null };
  }
  const cached = deps.keys.get(key);
  if (cached) return cached;
  const generation = deps.keys.current();
  const info = await verifyApiKey(deps.engine, key);
  if (!info) return null;
  const caller: Caller = { workspace: info.workspace, scope: info.scope, keyId: info.id };
  deps.keys.set(key, caller, generation);
  return caller;
}

export const unauthorized = (message: string) => httpError(401, 'unauthorized', message);

/**
 * The caller of an ingestion request. A header is checked before the body is read, so a bad key costs no parsing;
 * without one, the key may come as `writeKey` in the body (`body` is read lazily for that case only).
 */
export async function ingestCaller(
  deps: ServerDeps,
  c: Context,
  body: () => Promise<unknown>,
): Promise<{ caller: Caller; body: unknown }> {
  const header = c.req.header('authorization');
  if (header !== undefined) {
    const key = keyFromHeader(header, ['basic', 'bearer']);
    const caller = key ? await authenticate(deps, key) : null;
    if (!caller) throw unauthorized('unknown or revoked API key');
    return { caller, body: await body() };
  }
  const parsed = await body();
  const writeKey = typeof parsed === 'object' && parsed !== null ? Reflect.get(parsed, 'writeKey') : undefined;
  if (typeof writeKey !== 'string' || writeKey === '') {
    throw unauthorized('missing API key: send a write key as the HTTP Basic user name, or as writeKey in the body');
  }
  const caller = await authenticate(deps, writeKey);
  if (!caller) throw unauthorized('unknown or revoked API key');
  return { caller, body: parsed };
}

/** Guards `/api`: a bearer admin key (or the local token) is required, except on the public documentation routes. */
export function adminOnly(deps: ServerDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (PUBLIC.test(c.req.path)) return next();
    const key = keyFromHeader(c.req.header('authorization'), ['bearer']);
    if (!key) throw unauthorized('missing API key: send an admin key as Authorization: Bearer <key>');
    const caller = await authenticate(deps, key);
    if (!caller) throw unauthorized('unknown or revoked API key');
    if (caller.scope !== 'admin') {
      throw httpError(403, 'forbidden', `this key has scope ${caller.scope}; /api needs an admin key`);
    }
    // The local token belongs to the machine, not to a workspace: the CLI names the workspace it acts on.
    const workspace = caller.keyId === null ? c.req.header('x-strata-workspace') : undefined;
    c.set('caller', workspace ? { ...caller, workspace } : caller);
    return next();
  };
}
