import { existsSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { UserError } from '../../errors.js';
import { type ImportKind, type ImportSummary, importFile, presets } from '../../ingest/import/index.js';
import { ExitCode } from '../exit-codes.js';
import { table } from '../output.js';
import { action, jsonOption } from '../program.js';
import { ProgressBar } from '../progress.js';
import { withStore } from '../store-access.js';

interface ImportFlags {
  kind: ImportKind;
  map?: string[];
  preset?: (typeof presets)[number]['name'];
  format?: 'csv' | 'jsonl' | 'parquet';
}

/** `--map a=b c=d` as an object, with a clear error for a malformed pair. */
export function parseMap(pairs: readonly string[] = []): Record<string, string> {
  const map: Record<string, string> = {};
  pairs.forEach((pair, i) => {
    const at = pair.indexOf('=');
    if (at <= 0) {
      throw new UserError('invalid_option', `--map takes source=target pairs, got "${pair}"`, `map[${i}]`);
    }
    map[pair.slice(0, at)] = pair.slice(at + 1);
  });
  return map;
}

function printSummary(summary: ImportSummary, print: (text?: string) => void): void {
  print(`${summary.file} (${summary.format}, ${summary.kind}${summary.preset ? `, preset ${summary.preset}` : ''})`);
  print(`  rows read   ${summary.rowsRead.toLocaleString('en-US')}`);
  print(`  stored      ${summary.stored.toLocaleString('en-US')}`);
  print(`  duplicates  ${summary.duplicates.toLocaleString('en-US')}`);
  if (summary.orders !== undefined) print(`  orders      ${summary.orders.toLocaleString('en-US')}`);
  if (summary.refunds !== undefined) print(`  refunds     ${summary.refunds.toLocaleString('en-US')}`);
  if (summary.customers !== undefined) print(`  customers   ${summary.customers.toLocaleString('en-US')}`);
  const seconds = summary.durationMs / 1000;
  print(
    `  time        ${seconds.toFixed(1)} s (${Math.round(summary.rowsRead / Math.max(seconds, 0.001)).toLocaleString('en-US')} rows/s)`,
  );
  print(
    `  accounted   ${Object.entries(summary.accounting)
      .map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`)
      .join(', ')}${summary.reconciled ? ' — every row reconciled' : ' — ROWS UNACCOUNTED FOR'}`,
  );
  if (summary.skipped.length > 0) {
    print();
    print('skipped rows:');
    print(
      table(
        summary.skipped.map((s) => ({
          reason: s.code,
          rows: s.count,
          'first lines': s.lines.slice(0, 8).join(', ') + (s.count > 8 ? ', …' : ''),
          why: s.message,
        })),
        ['reason', 'rows', 'first lines', 'why'],
      ),
    );
  }
}

export function registerImport(program: Command): void {
  program
    .command('import <file>')
    .description('bulk import CSV, JSON Lines (Segment messages) or Parquet, optionally gzipped')
    .addOption(
      new Option('--kind <kind>', 'what the rows are').choices(['events', 'profiles', 'accounts']).default('events'),
    )
    .addOption(
      new Option('--format <format>', 'override the format guessed from the extension').choices([
        'csv',
        'jsonl',
        'parquet',
      ]),
    )
    .option(
      '--map <source=target...>',
      'map a source column to a field: userId, anonymousId, event, timestamp, messageId, properties.<key>, ignore',
    )
    .addOption(new Option('--preset <name>', 'a known data set layout').choices(presets.map((p) => p.name)))
    .addOption(jsonOption())
    .addHelpText('after', `\nPresets:\n${presets.map((p) => `  ${p.name.padEnd(14)} ${p.description}`).join('\n')}`)
    .action(
      action(async ({ options, out }, file: string, flags: ImportFlags) => {
        if (!existsSync(file)) throw new UserError('file_not_found', `no such file: ${file}`, 'file', 404);
        const bar = new ProgressBar('importing', out.isTTY && !options.json);
        const summary = await withStore(options, 'import', {
          local: (engine) =>
            importFile(engine, {
              workspace: options.workspace,
              file,
              kind: flags.kind,
              map: parseMap(flags.map),
              ...(flags.preset ? { preset: flags.preset } : {}),
              ...(flags.format ? { format: flags.format } : {}),
              onProgress: (p) => bar.update(p.rowsRead, p.total, p.phase),
            }),
        });
        bar.done();
        if (options.json) out.json(summary);
        else printSummary(summary, (text) => out.line(text));
        return summary.reconciled ? ExitCode.ok : ExitCode.internal;
      }),
    );
}
