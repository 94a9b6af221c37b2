import type { Engine } from '../engines/engine.js';
import type { Change } from '../ingest/normalize.js';
import { logIngest } from '../ingest/pipeline.js';
import { applyChanges } from '../ingest/writer.js';
import type { Touched } from './dependencies.js';

/** What one request's changes came to once written. */
export interface Accepted {
  readonly stored: number;
  readonly duplicates: number;
}

/** One write of the queue, for whoever evaluates segments after it. */
export interface Flushed {
  readonly workspace: string;
  readonly touched: Touched;
  /** When the write committed: the evaluation time of real-time segments. */
  readonly at: Date;
}

export interface IngestQueueOptions {
  /** The clock for evaluation times; tests pin it. */
  readonly now?: () => Date;
  /** At most this many changes per write; the rest wait for the next. */
  readonly maxChanges?: number;
  /**
   * Runs after each committed write, before the next one starts: real-time evaluation. Its failure is reported to
   * `onError` and never fails the requests, whose data is already stored.
   */
  readonly afterWrite?: (flushed: Flushed) => Promise<void>;
  readonly onError?: (error: unknown) => void;
}

interface Pending {
  readonly workspace: string;
  readonly changes: readonly Change[];
  readonly received: number;
  readonly rejected: number;
  resolve(accepted: Accepted): void;
  reject(error: unknown): void;
}

/**
 * Group commit for ingestion: requests that arrive while a write is running wait and are written together, one
 * transaction per workspace, so throughput grows with load instead of paying a transaction per request. A request
 * is answered once its data is committed; segments are evaluated after that, outside the request.
 */
export class IngestQueue {
  private pending: Pending[] = [];
  private running: Promise<void> | null = null;
  private readonly now: () => Date;
  private readonly maxChanges: number;

  constructor(
    private readonly engine: Engine,
    private readonly options: IngestQueueOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.maxChanges = options.maxChanges ?? 50_000;
  }

  /** Queues a request's valid changes; resolves with its own stored and duplicate counts once committed. */
  submit(
    workspace: string,
    changes: readonly Change[],
    counts: { received: number; rejected: number },
  ): Promise<Accepted> {
    return new Promise<Accepted>((resolve, reject) => {
      this.pending.push({ workspace, changes, ...counts, resolve, reject });
      this.kick();
    });
  }

  /** Starts the drain loop unless it runs; a request that lands as the loop finishes starts it again. */
  private kick(): void {
    if (this.running || this.pending.length === 0) return;
    const run = this.drain();
    this.running = run;
    void run.finally(() => {
      if (this.running === run) this.running = null;
      this.kick();
    });
  }

  /** Resolves once everything queued so far is written and evaluated. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    // Let requests that arrive in the same tick join the first write.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.pending.length > 0) {
      const batch = this.take();
      const byWorkspace = new Map<string, Pending[]>();
      for (const item of batch) {
        const list = byWorkspace.get(item.workspace) ?? [];
        list.push(item);
        byWorkspace.set(item.workspace, list);
      }
      for (const [workspace, items] of byWorkspace) {
        const flushed = await this.write(workspace, items);
        if (flushed && this.options.afterWrite) {
          try {
            await this.options.afterWrite(flushed);
          } catch (error) {
            this.options.onError?.(error);
          }
        }
      }
    }
  }

  private take(): Pending[] {
    let count = 0;
    let i = 0;
    while (i < this.pending.length && (i === 0 || count + (this.pending[i]?.changes.length ?? 0) <= this.maxChanges)) {
      count += this.pending[i]?.changes.length ?? 0;
      i++;
    }
    return this.pending.splice(0, i);
  }

  private async write(workspace: string, items: readonly Pending[]): Promise<Flushed | null> {
    const changes = items.flatMap((item) => item.changes);
    try {
      // The ingest log row commits with the data it describes: one commit per write.
      const summary = await this.engine.transaction(async (tx) => {
        const written = await applyChanges(tx, workspace, changes);
        await logIngest(tx, workspace, 'http', {
          received: items.reduce((n, item) => n + item.received, 0),
          stored: written.stored,
          duplicates: written.duplicates,
          rejected: items.reduce((n, item) => n + item.rejected, 0),
        });
        return written;
      });
      // Each request's share: an event is stored by the first request that carried it, unless it was stored before.
      const seen = new Set<string>();
      for (const item of items) {
        let stored = 0;
        let duplicates = 0;
        for (const change of item.changes) {
          if (change.kind !== 'event') continue;
          const id = change.event.messageId;
          if (seen.has(id) || summary.storedBefore.has(id)) duplicates++;
          else stored++;
          seen.add(id);
        }
        item.resolve({ stored, duplicates });
      }
      return { workspace, touched: summary.touched, at: this.now() };
    } catch (error) {
      for (const item of items) item.reject(error);
      return null;
    }
  }
}
