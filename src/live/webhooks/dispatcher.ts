import type { Engine } from '../../engines/engine.js';
import { VERSION } from '../../version.js';
import type { ChangeFeed } from '../feed.js';
import { type AttemptOutcome, activeWebhooks, deliveryTarget, nextChanges, recordAttempt } from './delivery.js';
import { type DeliverableChange, deliveryRequest } from './payload.js';
import type { DeliveryTarget } from './rows.js';

export interface DispatcherOptions {
  readonly engine: Engine;
  /** Wakes the webhooks of a workspace when its change log grows. */
  readonly feed: ChangeFeed;
  /** For the User-Agent header (`strata/<version>`). */
  readonly version?: string;
  /** The clock for stored times (attempts, last success, next attempt). Waiting always uses real time. */
  readonly now?: () => Date;
  /** Per request; a slower answer is a failure. Default 10 s. */
  readonly timeoutMs?: number;
  /** The first retry waits this long, each further one twice as long. Default 1 s. */
  readonly backoffBaseMs?: number;
  /** The longest wait between retries. Default 5 min. */
  readonly backoffMaxMs?: number;
  /** How often to look for webhooks created, changed or deleted elsewhere, and for changes missed. Default 1 s. */
  readonly pollMs?: number;
  /** Attempts kept per webhook in the attempt log. Default 1000. */
  readonly keepAttempts?: number;
  /** Where to say what went wrong; stderr by default. */
  readonly log?: (message: string) => void;
}

/**
 * The wait before retry number `failures` (1 for the first failure): base·2^(failures−1), plus up to 10% jitter so
 * many webhooks failing together do not retry in step, capped at `max`.
 */
export function backoffDelay(failures: number, baseMs: number, maxMs: number, random: () => number = Math.random) {
  const exponent = Math.min(Math.max(failures, 1) - 1, 52);
  return Math.min(maxMs, baseMs * 2 ** exponent * (1 + 0.1 * random()));
}

type Phase = 'busy' | 'waiting' | 'backoff';

interface Loop {
  readonly workspace: string;
  readonly id: string;
  phase: Phase;
  /** Set by a wake while the loop was busy: it looks again before sleeping. */
  dirty: boolean;
  /** Ends the current sleep, when sleeping. */
  wake: (() => void) | null;
  done: Promise<void>;
}

/**
 * Deliverable changes read per query. Finding the initial sync is one pass over the log up to `sync_until`, so it is
 * read a thousand at a time rather than once per request.
 */
const READ_AHEAD = 1000;

const keyOf = (workspace: string, id: string) => `${workspace}\u0000${id}`;

/**
 * Delivers segment changes to webhooks. One sequential loop per active webhook reads the next batch of deliverable
 * changes after its cursor, POSTs it signed, and moves the cursor only after a 2xx: delivery is in seq order and at
 * least once. A failure retries the same batch with exponential backoff, forever, until it succeeds or the webhook
 * is paused or deleted. Loops wake on the change feed for their workspace and on a poll.
 *
 * Run one dispatcher per store: two would each deliver every change.
 * @example const dispatcher = new WebhookDispatcher({ engine, feed }); dispatcher.start(); … await dispatcher.stop();
 */
export class WebhookDispatcher {
  private readonly engine: Engine;
  private readonly feed: ChangeFeed;
  private readonly version: string;
  private readonly now: () => Date;
  private readonly timeoutMs: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly pollMs: number;
  private readonly keepAttempts: number;
  private readonly log: (message: string) => void;

  private readonly loops = new Map<string, Loop>();
  private running = false;
  private unsubscribe: (() => void) | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private syncing: Promise<void> | null = null;
  private syncAgain = false;
  private idleWaiters: (() => void)[] = [];

  constructor(options: DispatcherOptions) {
    this.engine = options.engine;
    this.feed = options.feed;
    this.version = options.version ?? VERSION;
    this.now = options.now ?? (() => new Date());
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.backoffBaseMs = options.backoffBaseMs ?? 1000;
    this.backoffMaxMs = options.backoffMaxMs ?? 300_000;
    this.pollMs = options.pollMs ?? 1000;
    this.keepAttempts = options.keepAttempts ?? 1000;
    this.log = options.log ?? ((message) => process.stderr.write(`[strata] webhooks: ${message}\n`));
  }

  /** Starts delivering: every active webhook gets its loop, at once and whenever one appears. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.feed.subscribe((workspace) => this.signal(workspace));
    this.timer = setInterval(() => this.signal(null), this.pollMs);
    this.timer.unref();
    this.requestSync();
  }

  /** Stops the loops: sleeps end at once, a request in flight is finished and recorded. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const loop of this.loops.values()) this.wakeLoop(loop);
    await this.syncing;
    await Promise.all([...this.loops.values()].map((loop) => loop.done));
    this.notify();
  }

  /**
   * Resolves once nothing is left to do for now: every loop has found nothing deliverable or is waiting to retry.
   * Signal the feed first (as the routes do after a refresh); a stopped dispatcher is idle.
   */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    if (!this.running) return true;
    if (this.syncing || this.syncAgain) return false;
    for (const loop of this.loops.values()) if (loop.phase === 'busy') return false;
    return true;
  }

  private notify(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** A workspace's log grew (or, with null, the poll ticked): look for new webhooks and wake the loops concerned. */
  private signal(workspace: string | null): void {
    if (!this.running) return;
    this.requestSync();
    for (const loop of this.loops.values()) if (workspace === null || loop.workspace === workspace) this.wakeLoop(loop);
  }

  private wakeLoop(loop: Loop): void {
    loop.dirty = true;
    if (loop.wake) {
      loop.phase = 'busy';
      const wake = loop.wake;
      loop.wake = null;
      wake();
    }
  }

  private requestSync(): void {
    if (this.syncing) {
      this.syncAgain = true;
      return;
    }
    this.syncing = this.sync().finally(() => {
      this.syncing = null;
      if (this.syncAgain && this.running) {
        this.syncAgain = false;
        this.requestSync();
      } else {
        this.syncAgain = false;
        this.notify();
      }
    });
  }

  /** Starts a loop for every active webhook that has none. Loops end themselves when paused or deleted. */
  private async sync(): Promise<void> {
    let active: { workspace: string; id: string }[];
    try {
      active = await activeWebhooks(this.engine);
    } catch (error) {
      if (this.running) this.log(`cannot list webhooks: ${messageOf(error)}`);
      return;
    }
    for (const { workspace, id } of active) {
      const key = keyOf(workspace, id);
      if (!this.running || this.loops.has(key)) continue;
      const loop: Loop = { workspace, id, phase: 'busy', dirty: false, wake: null, done: Promise.resolve() };
      this.loops.set(key, loop);
      loop.done = this.run(loop).finally(() => {
        this.loops.delete(key);
        this.notify();
      });
    }
  }

  /** Sleeps until woken or, with a duration, until it passes; returns at once when a wake came in meanwhile. */
  private sleep(loop: Loop, phase: Exclude<Phase, 'busy'>, ms: number | null): Promise<void> {
    if (loop.dirty || !this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = ms === null ? null : setTimeout(() => done(), Math.max(0, ms));
      const done = () => {
        if (timer) clearTimeout(timer);
        loop.wake = null;
        loop.phase = 'busy';
        resolve();
      };
      loop.wake = done;
      loop.phase = phase;
      this.notify();
    });
  }

  /** One webhook's delivery loop: strictly sequential, so changes arrive in seq order. */
  private async run(loop: Loop): Promise<void> {
    /** When the failed batch may be retried, on the monotonic clock; null when not waiting. */
    let retryAt: number | null = null;
    let failing = false;
    /** Deliverable changes read ahead: the next ones after `after` while the cursor and `sync_until` stay put. */
    let ahead: { after: number; syncUntil: number; changes: DeliverableChange[] } | null = null;
    while (this.running) {
      loop.dirty = false;
      loop.phase = 'busy';
      try {
        const target = await deliveryTarget(this.engine, loop.workspace, loop.id);
        if (target?.state !== 'active') return;
        if (target.nextAttemptAt === null) retryAt = null;
        else if (retryAt === null) {
          // Resuming a backoff stored by an earlier run (or a dispatcher before a restart).
          const remaining = target.nextAttemptAt.getTime() - this.now().getTime();
          retryAt = performance.now() + Math.min(Math.max(remaining, 0), this.backoffMaxMs);
        }
        if (retryAt !== null && retryAt > performance.now()) {
          await this.sleep(loop, 'backoff', retryAt - performance.now());
          continue;
        }
        if (
          !ahead ||
          ahead.after !== target.cursorSeq ||
          ahead.syncUntil !== target.syncUntil ||
          ahead.changes.length < target.batchSize
        ) {
          const changes = await nextChanges(this.engine, target, READ_AHEAD);
          ahead = { after: target.cursorSeq, syncUntil: target.syncUntil, changes };
        }
        const batch = ahead.changes.slice(0, target.batchSize);
        if (batch.length === 0) {
          await this.sleep(loop, 'waiting', null);
          continue;
        }
        const outcome = await this.deliver(target, batch);
        await recordAttempt(this.engine, target, outcome, this.keepAttempts);
        if (outcome.ok) {
          ahead = { ...ahead, after: outcome.lastSeq, changes: ahead.changes.slice(batch.length) };
          retryAt = null;
          if (failing) this.log(`${target.id} (${target.workspace}) delivers again`);
          failing = false;
        } else {
          retryAt = performance.now() + ((outcome.nextAttemptAt?.getTime() ?? 0) - outcome.at.getTime());
          if (!failing) this.log(`${target.id} (${target.workspace}) failed, retrying with backoff: ${outcome.error}`);
          failing = true;
        }
      } catch (error) {
        // The store failed (not the receiver): say so and look again after a poll interval.
        if (!this.running) return;
        this.log(`${loop.id} (${loop.workspace}): ${messageOf(error)}`);
        await this.sleep(loop, 'backoff', this.pollMs);
      }
    }
  }

  /** One signed POST of a batch. Any 2xx is a success; another status, a network error or a timeout is a failure. */
  private async deliver(target: DeliveryTarget, changes: readonly DeliverableChange[]): Promise<AttemptOutcome> {
    const request = deliveryRequest({
      webhookId: target.id,
      secret: target.secret,
      version: this.version,
      batchSize: target.batchSize,
      changes,
    });
    const base = { firstSeq: request.firstSeq, lastSeq: request.lastSeq, events: changes.length };
    const started = performance.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(target.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      statusCode = response.status;
      if (statusCode >= 200 && statusCode <= 299) await response.body?.cancel().catch(() => {});
      else {
        const answer = await snippet(response);
        error = `HTTP ${statusCode}${answer ? `: ${answer}` : ''}`;
      }
    } catch (caught) {
      error =
        caught instanceof Error && (caught.name === 'TimeoutError' || caught.name === 'AbortError')
          ? `timed out after ${this.timeoutMs} ms`
          : `request failed: ${messageOf(caught)}`;
    }
    const durationMs = performance.now() - started;
    const at = this.now();
    if (error === null) return { ...base, at, ok: true, statusCode, error: null, durationMs };
    const delay = backoffDelay(target.consecutiveFailures + 1, this.backoffBaseMs, this.backoffMaxMs);
    return {
      ...base,
      at,
      ok: false,
      statusCode,
      error,
      durationMs,
      nextAttemptAt: new Date(at.getTime() + delay),
    };
  }
}

/** The start of an answer's body, for `last_error`; the rest is not read. */
async function snippet(response: Response, limit = 200): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (total < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  const text = Buffer.concat(chunks).toString('utf8', 0, Math.min(total, limit));
  return text.replace(/\s+/g, ' ').trim();
}

/** An error's message with its cause (fetch says "fetch failed" and puts ECONNREFUSED in the cause). */
function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return `${error.message} (${code ?? cause.message})`;
  }
  return error.message;
}
