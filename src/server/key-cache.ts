import { createHash } from 'node:crypto';
import type { Caller } from './context.js';

/**
 * Verified API keys, so an ingestion request does not cost a store query for its key. Keys are revoked through this
 * server (the CLI goes through it while it runs), which clears the cache; the time limit bounds any other path.
 * Entries are keyed by the key's hash: the cache never holds a secret.
 */
export class KeyCache {
  private readonly entries = new Map<string, { caller: Caller; until: number }>();

  constructor(
    private readonly ttlMs = 60_000,
    private readonly maxEntries = 10_000,
  ) {}

  get(key: string): Caller | null {
    const id = digest(key);
    const entry = this.entries.get(id);
    if (!entry) return null;
    if (entry.until < Date.now()) {
      this.entries.delete(id);
      return null;
    }
    return entry.caller;
  }

  set(key: string, caller: Caller): void {
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(digest(key), { caller, until: Date.now() + this.ttlMs });
  }

  clear(): void {
    this.entries.clear();
  }
}

const digest = (key: string) => createHash('sha256').update(key, 'utf8').digest('base64');
