import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { z } from 'zod';

/**
 * The one-writer rule: DuckDB lets one process write a file, so while `strata serve` holds `<db>`, it leaves
 * `<db>.server.json` (mode 0600: it holds an admin token) saying where it listens, and the CLI sends its work there.
 */

export interface LocalServer {
  readonly url: string;
  readonly token: string;
  readonly pid: number;
}

const serverFile = z.object({ pid: z.number().int().positive(), url: z.url(), token: z.string().min(1) });

/** Where the server for `db` announces itself. */
export const serverFilePath = (db: string): string => `${db}.server.json`;

/** Writes the file atomically (a reader never sees half of it) and readable by its owner only. */
export async function writeServerFile(db: string, server: LocalServer): Promise<void> {
  const path = serverFilePath(db);
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(server, null, 2)}\n`, { mode: 0o600, flag: 'w' });
  await rename(temp, path);
}

async function readServerFile(db: string): Promise<LocalServer | null | 'invalid'> {
  let text: string;
  try {
    text = await readFile(serverFilePath(db), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const parsed = serverFile.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : 'invalid';
  } catch {
    return 'invalid';
  }
}

/** Removes the file; with `owner`, only while it still names that server (a newer one may have replaced it). */
export async function removeServerFile(db: string, owner?: Pick<LocalServer, 'pid' | 'token'>): Promise<void> {
  if (owner) {
    const current = await readServerFile(db);
    if (current === null || current === 'invalid' || current.pid !== owner.pid || current.token !== owner.token) return;
  }
  await rm(serverFilePath(db), { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function answersHealth(url: string): Promise<boolean> {
  try {
    const response = await fetch(new URL('/api/health', url), { signal: AbortSignal.timeout(2000) });
    const body: unknown = await response.json();
    return response.ok && typeof body === 'object' && body !== null && Reflect.get(body, 'status') === 'ok';
  } catch {
    return false;
  }
}

/**
 * The server holding `db`, when its process is alive and answers `/api/health`; otherwise null, and a file left by
 * a dead server is removed so the next command can open the database itself.
 * @example const server = await findLocalServer('strata.duckdb'); if (server) fetch(`${server.url}/api/stats`, ...)
 */
export async function findLocalServer(db: string): Promise<LocalServer | null> {
  const found = await readServerFile(db);
  if (found === null) return null;
  if (found !== 'invalid' && isAlive(found.pid)) {
    if (await answersHealth(found.url)) return found;
    // Alive but silent (busy, or starting): keep its file; opening the database will then say it is locked.
    return null;
  }
  await removeServerFile(db);
  return null;
}
