import { createHash } from 'node:crypto';
import type { Caller } from './context.js';

/**
 * Verified API keys, so an ingestion request does not cost a store query for its key. Keys are revoked through this
 * server (the CLI goes through it while it runs), which clears the cache; the time limit bounds any other path.
 * Entries are keyed by the key's hash: the cache never holds a secret.
 */
export class KeyCache {
  private readonly entries = new Map<string, { caller: Caller; until: number }>();
  /** Bumped by `clear()`: a verification that started before a revocation must not be cached after it. */
  private generation = 0;

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

  /** The generation to pass to `set` once the key is verified. */
  current(): number {
    return this.generation;
  }

  set(key: string, caller: Caller, generation: number): void {
    if (generation !== this.generation) return;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(digest(key), { caller, until: Date.now() + this.ttlMs });
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }
}

const digest = (key: string) => createHash('sha256').update(key, 'utf8').digest('base64');
