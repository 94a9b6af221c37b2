/**
 * A progress bar on stderr when it is a terminal; silent otherwise, so logs and pipes stay clean.
 * Redraws at most ten times a second.
 */
export class ProgressBar {
  private last = 0;
  private drawn = false;

  constructor(
    private readonly label: string,
    private readonly enabled = Boolean(process.stderr.isTTY),
  ) {}

  update(done: number, total?: number, detail = ''): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 100 && (total === undefined || done < total)) return;
    this.last = now;
    const width = 30;
    let bar: string;
    if (total && total > 0) {
      const share = Math.min(1, done / total);
      const filled = Math.round(share * width);
      bar = `[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}%`;
    } else bar = `[${'.'.repeat((Math.floor(now / 200) % width) + 1).padEnd(width)}]`;
    process.stderr.write(`\r${this.label} ${bar} ${done.toLocaleString('en-US')}${detail ? ` ${detail}` : ''}\x1b[K`);
    this.drawn = true;
  }

  done(): void {
    if (this.enabled && this.drawn) process.stderr.write('\r\x1b[K');
    this.drawn = false;
  }
}
