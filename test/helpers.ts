import type { Engine } from '../src/engines/engine.js';
import { openEngine } from '../src/engines/open.js';

/** A fresh in-memory store with the current schema. */
export function memoryEngine(): Promise<Engine> {
  return openEngine({ db: ':memory:', threads: 1 });
}

export const WS = 'default';
export const NOW = new Date('2024-06-01T12:00:00Z');
