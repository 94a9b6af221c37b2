import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Workload, writeResults } from './harness.js';
import { analyticsWorkload } from './workloads/analytics.js';
import { enginesWorkload } from './workloads/engines.js';
import { importWorkload } from './workloads/import.js';
import { liveWorkload } from './workloads/live.js';
import { modelsWorkload } from './workloads/models.js';
import { overviewWorkload } from './workloads/overview.js';
import { segmentsWorkload } from './workloads/segments.js';

const workloads: readonly Workload[] = [
  importWorkload,
  segmentsWorkload,
  liveWorkload,
  analyticsWorkload,
  modelsWorkload,
  enginesWorkload,
  overviewWorkload,
];

function usage(): string {
  return [
    'usage: npm run bench [-- <workload>...] [--size N]',
    '',
    ...workloads.map((w) => `  ${w.name.padEnd(10)} ${w.description}`),
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const names: string[] = [];
  let size: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--size') size = Number(argv[++i]);
    else if (arg === '--help' || arg === '-h') {
      console.log(usage());
      return 0;
    } else names.push(arg);
  }
  const chosen = names.length === 0 ? workloads : workloads.filter((w) => names.includes(w.name));
  if (chosen.length !== Math.max(names.length, chosen.length) || (names.length > 0 && chosen.length !== names.length)) {
    console.error(usage());
    return 2;
  }
  const results = new URL('./results/', import.meta.url).pathname.replace('/dist/bench/', '/bench/');
  for (const workload of chosen) {
    const workdir = mkdtempSync(join(tmpdir(), `strata-bench-${workload.name}-`));
    try {
      console.error(`running ${workload.name}…`);
      const measurements = await workload.run({ workdir, ...(size ? { size } : {}) });
      console.log(writeResults(results, workload.name, measurements));
    } finally {
      rmSync(workdir, { recursive: true, force: true });
    }
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
