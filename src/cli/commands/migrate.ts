import type { Command } from 'commander';
import type { Engine } from '../../engines/engine.js';
import { describeLocation } from '../../engines/location.js';
import { openStore } from '../../engines/open.js';
import { UserError } from '../../errors.js';
import { copyStore, type TableCopy } from '../../store/migrate/copy.js';
import { type SegmentCheck, verifySegments } from '../../store/migrate/verify.js';
import { ExitCode } from '../exit-codes.js';
import { type Output, table } from '../output.js';
import { action, jsonOption, positiveInt } from '../program.js';
import { resolveStore } from '../store-config.js';
import { assertNotServed } from './serve.js';

interface MigrateFlags {
  to: string;
  toDb?: string;
  toData?: string;
  toUrl?: string;
  toCluster?: string;
  batchRows: number;
  verify: boolean;
}

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('copy the whole store (every workspace) to an empty store on another engine, then check every segment')
    .requiredOption('--to <engine>', 'the target engine: clickhouse, chdb or duckdb')
    .option('--to-url <url>', 'the target ClickHouse server (--to clickhouse)')
    .option('--to-cluster <name>', 'create the target tables replicated and sharded on this cluster (--to clickhouse)')
    .option('--to-data <dir>', 'the target chDB data directory (--to chdb)')
    .option('--to-db <file>', 'the target DuckDB file (--to duckdb)')
    .option('--batch-rows <n>', 'rows per write', positiveInt('batch rows'), 50_000)
    .option('--no-verify', 'skip evaluating every segment on both stores afterwards')
    .addOption(jsonOption())
    .action(
      action(async ({ options, out }, flags: MigrateFlags) => {
        // Only the flags name the target: the STRATA_* variables describe the source.
        const { location: target } = resolveStore(
          {
            engine: flags.to,
            ...(flags.toDb ? { db: flags.toDb } : {}),
            ...(flags.toData ? { data: flags.toData } : {}),
            ...(flags.toUrl ? { clickhouseUrl: flags.toUrl } : {}),
            ...(flags.toCluster ? { cluster: flags.toCluster } : {}),
          },
          {},
          { configFile: false },
        );
        const [from, to] = [describeLocation(options.store), describeLocation(target)];
        if (from === to) throw new UserError('invalid_option', `the source and the target are both ${from}`, 'to');
        await assertNotServed(options.store);
        await assertNotServed(target);
        const started = performance.now();
        const source = await openStore(options.store);
        let destination: Engine | undefined;
        try {
          destination = await openStore(target);
          let last = 0;
          const copies = await copyStore(source, destination, {
            batchRows: flags.batchRows,
            onProgress: (name, rows) => {
              if (options.json || performance.now() - last < 2000) return;
              last = performance.now();
              out.error(`${name}: ${rows.toLocaleString('en-US')} rows`);
            },
          });
          const checks = flags.verify ? await verifySegments(source, destination, new Date()) : [];
          const seconds = (performance.now() - started) / 1000;
          report(out, options.json, { from, to, copies, checks, seconds });
          const differing = checks.filter((check) => check.differing > 0);
          if (differing.length > 0) {
            throw new UserError(
              'segments_differ',
              `${differing.length} of ${checks.length} segments have different members on ${to}: ${differing
                .map((c) => `"${c.name}" (${c.differing})`)
                .join(', ')}`,
              'to',
            );
          }
          return ExitCode.ok;
        } finally {
          await destination?.close();
          await source.close();
        }
      }),
    );
}

function report(
  out: Output,
  json: boolean,
  result: { from: string; to: string; copies: TableCopy[]; checks: SegmentCheck[]; seconds: number },
): void {
  if (json) {
    out.json(result);
    return;
  }
  out.line(`copied ${result.from} → ${result.to} in ${result.seconds.toFixed(1)} s`);
  out.line(
    table(
      result.copies.map((c) => ({ table: c.table, read: c.read, stored: c.stored })),
      ['table', 'read', 'stored'],
    ),
  );
  if (result.checks.length === 0) return;
  const same = result.checks.filter((c) => c.differing === 0).length;
  out.line(`segments with the same members on both: ${same} of ${result.checks.length}`);
}
