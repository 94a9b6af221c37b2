import { TraitSchedule } from '../analytics/traits/schedule.js';
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
  /**
   * How often computed traits (RFM, lifecycle, journey, value tiers) are recomputed in each workspace; 0 (the
   * default) leaves them to on-demand runs. `strata serve` sets it (`--traits-interval`).
   */
  readonly traitsIntervalMs?: number;
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
  private sweepChain: Promise<void> = Promise.resolve();
  private sweepRunning = false;
  private stopped = false;
  private deferred: { at: number; workspace: string; touched: Touched }[] = [];
  private readonly traits: TraitSchedule | null;

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
    this.traits =
      (options.traitsIntervalMs ?? 0) > 0
        ? new TraitSchedule(engine, {
            intervalMs: options.traitsIntervalMs ?? 0,
            now: this.now,
            log: (message) => this.fail('computed traits', new Error(message)),
            onMembershipChange: (workspace) => this.feed.publish(workspace),
          })
        : null;
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
    // After the catch-up sweep, so the first run of computed traits does not compete with it for the writer.
    if (this.traits) void this.ready.then(() => (this.stopped ? undefined : this.traits?.start()));
    if (this.sweepIntervalMs > 0) {
      // A tick during a long sweep is skipped, not queued behind it.
      this.timer = setInterval(() => {
        if (!this.sweepRunning) void this.sweepNow();
      }, this.sweepIntervalMs);
      this.timer.unref();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.traits?.stop();
    await this.idle();
    await this.sweepChain;
    await this.dispatcher?.stop();
  }

  /** Sweeps now; sweeps run one after another, each call gets its own. */
  sweepNow(options: { full?: 'all' } = {}): Promise<SweepResult[]> {
    const run = this.sweepChain.then(() => this.sweepOnce(options));
    this.sweepChain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async sweepOnce(options: { full?: 'all' }): Promise<SweepResult[]> {
    if (this.stopped) return [];
    this.sweepRunning = true;
    const full = options.full ?? new Set(this.dirty);
    this.dirty.clear();
    try {
      this.releaseDeferred();
      const results = await sweep(this.engine, this.now(), { full });
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
      this.sweepRunning = false;
    }
  }

  /** Writes with events stamped ahead of the clock are evaluated again by the first sweep after their time. */
  private releaseDeferred(): void {
    const now = this.now().getTime();
    const due = this.deferred.filter((item) => item.at <= now);
    if (due.length === 0) return;
    this.deferred = this.deferred.filter((item) => item.at > now);
    for (const item of due) this.enqueue(item.workspace, item.touched);
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
    const latest = flushed.touched.latestEvent;
    if (latest && latest > flushed.at) {
      this.deferred.push({ at: latest.getTime(), workspace: flushed.workspace, touched: flushed.touched });
    }
    this.enqueue(flushed.workspace, flushed.touched);
  }

  private enqueue(workspace: string, touched: Touched): void {
    const pending = this.pending.get(workspace);
    this.pending.set(workspace, pending ? mergeTouched(pending, touched) : touched);
    this.kick();
  }

  /** Starts the evaluation loop unless it runs; a write that lands as it finishes starts it again. */
  private kick(): void {
    if (this.evaluating || this.pending.size === 0) return;
    const run = this.drainPending();
    this.evaluating = run;
    void run.finally(() => {
      if (this.evaluating === run) this.evaluating = null;
      this.kick();
    });
  }

  private async drainPending(): Promise<void> {
    while (this.pending.size > 0) {
      const [workspace, touched] = this.pending.entries().next().value as [string, Touched];
      this.pending.delete(workspace);
      try {
        const result = await evaluateTouched(this.engine, workspace, touched, this.now());
        for (const skip of result.skipped)
          this.fail(`real-time evaluation of "${skip.segment}"`, new Error(skip.message));
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
