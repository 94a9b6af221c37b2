import type { Engine } from '../engines/engine.js';
import { ingestMessages } from '../ingest/pipeline.js';
import { DAY_MS, SPAN_DAYS } from './calendar.js';
import { demoBatches } from './generator.js';
import { type DemoOptions, runContext } from './options.js';
import { type Persona, personas } from './personas.js';

/** Generates the demo and stores it through the ordinary ingestion path, as if it had arrived over HTTP. */

export interface DemoProgress {
  readonly users: number;
  readonly usersDone: number;
  readonly messages: number;
}

export interface DemoSummary {
  readonly users: number;
  /** B2B accounts that have at least one user. */
  readonly accounts: number;
  /** Messages generated (identify, group, track, page). */
  readonly messages: number;
  /** Events newly stored (track and page). */
  readonly stored: number;
  /** Messages the pipeline refused; 0 unless the generator has a bug. */
  readonly rejected: number;
  readonly personas: Record<Persona, number>;
  /** The span the demo covers: two years up to `end`. */
  readonly from: Date;
  readonly to: Date;
  readonly durationMs: number;
}

export interface LoadDemoOptions extends DemoOptions {
  readonly workspace: string;
  readonly onProgress?: (progress: DemoProgress) => void;
}

/**
 * Messages per call to the pipeline. Larger than the generator's batches because each call also scans the stored
 * events once (deduplication, identity links), so fewer, larger calls are faster on big runs; memory stays bounded.
 */
const INGEST_MESSAGES = 50_000;

/**
 * Generates the demo into `workspace` and says what was stored. The pipeline's clock is set just after `end`, so no
 * generated event counts as being in the future whatever the real time.
 */
export async function loadDemo(engine: Engine, options: LoadDemoOptions): Promise<DemoSummary> {
  const started = performance.now();
  const run = runContext(options);
  const now = new Date(run.end + 60_000);
  const counts = Object.fromEntries(personas.map((p) => [p, 0])) as Record<Persona, number>;
  // At most one entry per ~4 business users, so this stays small next to the data itself.
  const accounts = new Set<string>();
  let usersDone = 0;
  let messages = 0;
  let stored = 0;
  let rejected = 0;
  for (const batch of demoBatches(options, INGEST_MESSAGES)) {
    const result = await ingestMessages(engine, batch.messages, { workspace: options.workspace, now, source: 'demo' });
    stored += result.stored;
    rejected += result.rejected.length;
    messages += batch.messages.length;
    for (const user of batch.users) {
      counts[user.persona]++;
      if (user.account) accounts.add(user.account.id);
    }
    usersDone += batch.users.length;
    options.onProgress?.({ users: options.users, usersDone, messages });
  }
  return {
    users: options.users,
    accounts: accounts.size,
    messages,
    stored,
    rejected,
    personas: counts,
    from: new Date(run.end - SPAN_DAYS * DAY_MS),
    to: new Date(run.end),
    durationMs: Math.round(performance.now() - started),
  };
}
