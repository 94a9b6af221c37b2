import type { Engine } from '../../../engines/engine.js';
import { UserError } from '../../../errors.js';
import type { ImportContext, ImportFormat, ImportResult, PresetName } from '../types.js';
import { importCdnow } from './cdnow.js';
import { importOnlineRetail } from './online-retail.js';

/** A data set the importer knows: it decides the columns and turns rows into order events itself. */
export interface Preset {
  readonly name: PresetName;
  readonly description: string;
  /** What the summary reports as the file's format. */
  readonly format: ImportFormat;
  run(tx: Engine, context: ImportContext): Promise<ImportResult>;
}

const registry: readonly Preset[] = [
  {
    name: 'online-retail',
    description:
      'UCI Online Retail invoice lines: one Order Completed per invoice, one Order Refunded per cancellation (C…), customer country as a trait',
    format: 'csv',
    run: importOnlineRetail,
  },
  {
    name: 'cdnow',
    description:
      'CDNOW purchases (CDNOW_master.txt, CDNOW_sample.txt or cdnowElog.csv): one Order Completed per row, revenue = dollar value',
    format: 'csv',
    run: importCdnow,
  },
];

/** The presets, for `strata import --help` and the API. */
export const presets: readonly { readonly name: PresetName; readonly description: string }[] = registry.map(
  ({ name, description }) => ({ name, description }),
);

export function findPreset(name: string): Preset {
  const preset = registry.find((p) => p.name === name);
  if (preset) return preset;
  throw new UserError(
    'unknown_preset',
    `there is no preset "${name}"; the presets are ${registry.map((p) => p.name).join(', ')}`,
    'preset',
  );
}
