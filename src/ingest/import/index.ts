import type { Engine } from '../../engines/engine.js';
import { UserError } from '../../errors.js';
import { logIngest } from '../pipeline.js';
import { importEvents } from './events.js';
import { fileSize, resolveFormat } from './format.js';
import { importJsonLines } from './jsonl.js';
import { findPreset, presets } from './presets/index.js';
import { importTraits } from './traits.js';
import type { ImportContext, ImportOptions, ImportResult, ImportSummary } from './types.js';

export type {
  ImportFormat,
  ImportKind,
  ImportOptions,
  ImportProgress,
  ImportSummary,
  PresetName,
  SkipReason,
} from './types.js';
export { presets };

/**
 * Imports a file into a workspace: events (CSV and Parquet set-based in the engine, JSON lines as Segment
 * messages), profile or account traits, or a data set through a preset. Re-importing the same file stores nothing
 * new. Problems the user can fix (a missing file, an unknown column in `map`) throw a `UserError`; bad rows are
 * skipped and counted in the summary.
 *
 * @example
 * const summary = await importFile(engine, { workspace: 'default', file: 'events.csv', map: { Who: 'userId' } });
 */
export async function importFile(engine: Engine, options: ImportOptions): Promise<ImportSummary> {
  const started = performance.now();
  const kind = options.kind ?? 'events';
  const preset = options.preset === undefined ? undefined : findPreset(options.preset);
  if (options.workspace === '') throw new UserError('missing_workspace', 'a workspace is required', 'workspace');
  if (preset && options.map && Object.keys(options.map).length > 0) {
    throw new UserError(
      'map_with_preset',
      `a preset (${preset.name}) decides the columns itself; leave out map`,
      'map',
    );
  }
  if (preset && kind !== 'events') {
    throw new UserError('preset_kind', `the ${preset.name} preset imports events, not ${kind}`, 'kind');
  }
  const size = await fileSize(options.file);
  const format = preset ? preset.format : resolveFormat(options.file, options.format);
  if (!preset && kind === 'events' && format === 'jsonl' && options.map && Object.keys(options.map).length > 0) {
    throw new UserError(
      'map_with_messages',
      'JSON Lines events are Segment messages with fixed fields; leave out map',
      'map',
    );
  }
  const context: ImportContext = {
    workspace: options.workspace,
    file: options.file,
    format,
    now: options.now ?? new Date(),
    progress: (phase, rowsRead, total) =>
      options.onProgress?.(total === undefined ? { phase, rowsRead } : { phase, rowsRead, total }),
  };

  let result: ImportResult;
  // An empty file (a daily export with no data) is a successful import of nothing, not an error.
  if (size === 0) result = nothing;
  else if (preset) result = await engine.transaction((tx) => logged(tx, context, preset.run(tx, context)));
  else if (kind !== 'events') result = await importTraits(engine, kind, context, options.map);
  else if (format === 'jsonl') result = await importJsonLines(engine, context);
  else result = await engine.transaction((tx) => logged(tx, context, importEvents(tx, context, options.map)));

  context.progress('done', result.rowsRead, result.rowsRead);
  return {
    file: options.file,
    format,
    kind,
    ...(preset ? { preset: preset.name } : {}),
    ...result,
    durationMs: Math.round(performance.now() - started),
  };
}

const nothing: ImportResult = { rowsRead: 0, stored: 0, duplicates: 0, skipped: [], reconciled: true, accounting: {} };

/** Records a set-based import in the ingest log, as one batch, in the same transaction. */
async function logged(tx: Engine, context: ImportContext, work: Promise<ImportResult>): Promise<ImportResult> {
  const result = await work;
  const rejected = result.skipped.reduce((n, r) => n + r.count, 0);
  await logIngest(tx, context.workspace, 'import', {
    received: result.rowsRead,
    stored: result.stored,
    duplicates: result.duplicates,
    rejected,
  });
  return result;
}
