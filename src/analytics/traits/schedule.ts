import type { Engine } from '../../engines/engine.js';
import { sql } from '../../engines/sql.js';
import { listRuns } from '../runs.js';
import { refreshComputedTraits, type TraitRunResult } from './refresh.js';

export interface TraitScheduleOptions {
  /** How often computed traits are recomputed in each workspace. */
  readonly intervalMs: number;
  readonly now?: () => Date;
  readonly log?: (message: string) => void;
  /** Called after a run that moved segment members, so webhook delivery starts at once. */
  readonly onMembershipChange?: (workspace: string) => void;
}

/**
 * Recomputes computed traits on a schedule, one workspace after another (each run takes the writer for its write).
 * At start, a workspace whose last successful run is older than the interval (or that has none) is run at once, so
 * a restart does not postpone a run by a whole interval.
 */
export class TraitSchedule {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly now: () => Date;

  constructor(
    private readonly engine: Engine,
    private readonly options: TraitScheduleOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  start(): void {
    this.stopped = false;
    this.tick({ onlyDue: true });
    this.timer = setInterval(() => this.tick({ onlyDue: false }), this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Resolves when the run in progress (if any) has finished. */
  async idle(): Promise<void> {
    await this.running;
  }

  private tick(o: { onlyDue: boolean }): void {
    if (this.running) return;
    const run = this.runAll(o.onlyDue).catch((error) =>
      this.options.log?.(`computed traits failed: ${error instanceof Error ? error.message : String(error)}`),
    );
    this.running = run;
    void run.finally(() => {
      if (this.running === run) this.running = null;
    });
  }

  private async runAll(onlyDue: boolean): Promise<void> {
    const rows = await this.engine.query(sql`SELECT DISTINCT workspace FROM profiles ORDER BY workspace`);
    for (const row of rows) {
      if (this.stopped) return;
      const workspace = String(row['workspace']);
      if (onlyDue && !(await this.due(workspace))) continue;
      const result: TraitRunResult = await refreshComputedTraits(this.engine, workspace, {
        trigger: 'schedule',
        now: this.now,
      });
      if (result.segments.some((s) => s.entered + s.exited > 0)) this.options.onMembershipChange?.(workspace);
    }
  }

  private async due(workspace: string): Promise<boolean> {
    const runs = await listRuns(this.engine, workspace, { kind: 'traits', limit: 20 });
    const last = runs.find((run) => run.status === 'succeeded');
    return !last || this.now().getTime() - last.startedAt.getTime() >= this.options.intervalMs;
  }
}
