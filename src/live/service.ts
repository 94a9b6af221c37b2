import type { Engine } from '../engines/engine.js';
import { dependencyOrder, referencedSegments } from '../segments/dependencies.js';
import { refreshSegment } from '../segments/refresh.js';
import { listSegments } from '../segments/store.js';
import { mergeTouched, type Touched } from './dependencies.js';
import { ChangeFeed } from './feed.js';
import { recordDailySizes } from './history/sizes.js';
import { type Flushed, IngestQueue } from './ingest-queue.js';
import { evaluateTouched } from './realtime.js';
import { type SweepResult, sweep } from './sweeper.js';
import { type DispatcherOptions, WebhookDispatcher } from './webhooks/dispatcher.js';

export interface LiveOptions {
  /** The clock for evaluation times and sweeps; time-travel tests inject one. */
  readonly now?: () => Date;
  /** How often time-window segments are swept; 0 turns the timer off (tests call `sweepNow`). Default 60 s. */
  readonly sweepIntervalMs?: number;
  readonly log?: (message: string) => void;
  /** Sent as the webhooks' User-Agent. */
  readonly version?: string;
  /** Delivery settings (timeouts, backoff, poll); `false` turns webhook delivery off. */
  readonly webhooks?: Omit<DispatcherOptions, 'engine' | 'feed' | 'now' | 'version' | 'log'> | false;
}

/** Counters for the status API. */
export interface LiveStats {
  writes: number;
  evaluations: number;
  changes: number;
  sweeps: number;
  lastSweepAt: Date | null;
  lastError: string | null;
}

/**
 * Keeps segments live while a server runs: ingestion goes through a group-commit queue, each write is followed by
 * a real-time evaluation of the affected segments for the touched users, and a timer sweeps segments with relative
 * windows so members leave when time passes. Every change is signalled on `feed` for webhook delivery.
 */
export class LiveService {
  readonly feed = new ChangeFeed();
  readonly queue: IngestQueue;
  readonly dispatcher: WebhookDispatcher | null;
  readonly stats: LiveStats = { writes: 0, evaluations: 0, changes: 0, sweeps: 0, lastSweepAt: null, lastError: null };
  readonly sweepIntervalMs: number;
  private readonly now: () => Date;
  private readonly log: (message: string) => void;
  /** Workspaces whose real-time evaluation failed: the next sweep refreshes all their segments. */
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  /** What writes touched since the running evaluation started, by workspace. */
  private readonly pending = new Map<string, Touched>();
  private evaluating: Promise<void> | null = null;
  private readonly background = new Set<Promise<void>>();
  private sweeping: Promise<SweepResult[]> | null = null;

  constructor(
    private readonly engine: Engine,
    options: LiveOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.log = options.log ?? (() => {});
    this.sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
    this.queue = new IngestQueue(engine, {
      now: this.now,
      afterWrite: (flushed) => this.afterWrite(flushed),
      onError: (error) => this.fail('real-time evaluation', error),
    });
    this.dispatcher =
      options.webhooks === false
        ? null
        : new WebhookDispatcher({
            engine,
            feed: this.feed,
            now: this.now,
            log: (message) => this.log(`webhooks: ${message}`),
            ...(options.version ? { version: options.version } : {}),
            ...options.webhooks,
          });
  }

  /** Resolves when the catch-up sweep of `start()` is done: membership then reflects all stored data. */
  ready: Promise<void> = Promise.resolve();

  /** Starts the sweep timer after a first full sweep that catches up with data written while no server ran. */
  start(): void {
    this.dispatcher?.start();
    this.ready = this.sweepNow({ full: 'all' }).then(() => undefined);
    if (this.sweepIntervalMs > 0) {
      this.timer = setInterval(() => void this.sweepNow(), this.sweepIntervalMs);
      this.timer.unref();
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.idle();
    if (this.sweeping) await this.sweeping.catch(() => undefined);
    await this.dispatcher?.stop();
  }

  /** Sweeps now (one sweep at a time: a call during a sweep waits for it, then runs its own). */
  async sweepNow(options: { full?: 'all' } = {}): Promise<SweepResult[]> {
    while (this.sweeping) await this.sweeping.catch(() => undefined);
    const full = options.full ?? new Set(this.dirty);
    this.dirty.clear();
    const running = sweep(this.engine, this.now(), { full });
    this.sweeping = running;
    try {
      const results = await running;
      this.stats.sweeps++;
      this.stats.lastSweepAt = this.now();
      for (const result of results) {
        // Each sweep rewrites today's size, so the last one of the day leaves the day's closing size.
        await recordDailySizes(this.engine, result.workspace, this.now());
        for (const failure of result.failed) this.fail(`sweep of "${failure.segment}"`, new Error(failure.message));
        if (result.refreshed.some((r) => r.entered + r.exited > 0)) this.feed.publish(result.workspace);
      }
      return results;
    } catch (error) {
      this.fail('sweep', error);
      return [];
    } finally {
      this.sweeping = null;
    }
  }

  /**
   * A segment was created or changed (its rule, or its uploaded list): it and every segment that refers to it are
   * refreshed in the background, so they are live from now on. Returns the refresh, for tests.
   */
  segmentChanged(workspace: string, segmentId: string): Promise<void> {
    const work = this.refreshWithDependents(workspace, segmentId).catch((error) =>
      this.fail('refresh of a changed segment', error),
    );
    this.background.add(work);
    void work.finally(() => this.background.delete(work));
    return work;
  }

  private async refreshWithDependents(workspace: string, segmentId: string): Promise<void> {
    const saved = await listSegments(this.engine, workspace);
    const changed = saved.find((segment) => segment.id === segmentId);
    if (!changed) return;
    const ordered = dependencyOrder(saved);
    const names = new Set([changed.name]);
    for (const segment of ordered) {
      if (segment.rule && referencedSegments(segment.rule).some((name) => names.has(name))) names.add(segment.name);
    }
    let moved = false;
    for (const segment of ordered) {
      if (!names.has(segment.name)) continue;
      const result = await refreshSegment(this.engine, workspace, segment.id, { asOf: this.now() });
      moved ||= result.entered + result.exited > 0;
    }
    if (moved) this.feed.publish(workspace);
  }

  /** Resolves once everything accepted so far is written and evaluated. */
  async idle(): Promise<void> {
    await this.queue.idle();
    while (this.evaluating) await this.evaluating;
    await Promise.all([...this.background]);
  }

  /**
   * Writes do not wait for evaluation: what they touched is merged into the pending set, and one evaluation loop
   * drains it (on the engine's membership writer, beside the next write). Under load one evaluation covers several
   * writes; its evaluation time is when it starts, after all of them committed.
   */
  private async afterWrite(flushed: Flushed): Promise<void> {
    this.stats.writes++;
    const pending = this.pending.get(flushed.workspace);
    this.pending.set(flushed.workspace, pending ? mergeTouched(pending, flushed.touched) : flushed.touched);
    this.evaluating ??= this.evaluate().finally(() => {
      this.evaluating = null;
    });
  }

  private async evaluate(): Promise<void> {
    while (this.pending.size > 0) {
      const [workspace, touched] = this.pending.entries().next().value as [string, Touched];
      this.pending.delete(workspace);
      try {
        const result = await evaluateTouched(this.engine, workspace, touched, this.now());
        if (result.segments > 0) this.stats.evaluations++;
        this.stats.changes += result.changes;
        if (result.changes > 0) this.feed.publish(workspace);
      } catch (error) {
        // The data is stored; the workspace's segments are brought up to date by the next sweep instead.
        this.dirty.add(workspace);
        this.fail('real-time evaluation', error);
      }
    }
  }

  private fail(what: string, error: unknown): void {
    const message = `${what} failed: ${error instanceof Error ? error.message : String(error)}`;
    this.stats.lastError = message;
    this.log(message);
  }
}
