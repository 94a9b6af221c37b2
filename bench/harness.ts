import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

/** One measured thing beside its baseline, measured in the same run on the same engine. */
export interface Measurement {
  readonly name: string;
  readonly rows: number;
  readonly seconds: number;
  readonly baseline: { readonly name: string; readonly seconds: number };
  /** Anything else worth reporting (rows/s, targets). */
  readonly notes?: string;
}

export interface Workload {
  readonly name: string;
  readonly description: string;
  run(options: BenchOptions): Promise<Measurement[]>;
}

export interface BenchOptions {
  /** Size knob, e.g. rows or users; each workload documents its default. */
  readonly size?: number;
  readonly workdir: string;
}

/** Times an async function once, in seconds. */
export async function time<T>(work: () => Promise<T>): Promise<{ seconds: number; result: T }> {
  const start = process.hrtime.bigint();
  const result = await work();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, result };
}

const machine = () => ({
  cores: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
});

/** Writes `<name>.json` and `<name>.md` to bench/results/. */
export function writeResults(dir: string, workload: string, measurements: readonly Measurement[]): string {
  mkdirSync(dir, { recursive: true });
  const at = new Date().toISOString();
  const info = machine();
  writeFileSync(
    join(dir, `${workload}.json`),
    `${JSON.stringify({ workload, at, machine: info, measurements }, null, 2)}\n`,
  );
  const lines = [
    `# Benchmark: ${workload}`,
    '',
    `Run ${at} on ${info.cores} cores (${info.cpu}), ${info.memoryGiB} GiB memory, Node ${info.node}.`,
    '',
    '| measurement | rows | seconds | rows/s | baseline | baseline s | ratio (÷ baseline) | notes |',
    '|---|---:|---:|---:|---|---:|---:|---|',
    ...measurements
      .map((m) =>
        [
          m.name,
          m.rows.toLocaleString('en-US'),
          m.seconds.toFixed(3),
          Math.round(m.rows / m.seconds).toLocaleString('en-US'),
          m.baseline.name,
          m.baseline.seconds.toFixed(3),
          (m.seconds / m.baseline.seconds).toFixed(2),
          m.notes ?? '',
        ].join(' | '),
      )
      .map((row) => `| ${row} |`),
    '',
  ];
  const markdown = lines.join('\n');
  writeFileSync(join(dir, `${workload}.md`), markdown);
  return markdown;
}
