/** The public shapes of a bulk import: what the caller asks for and the summary it gets back. */

export type ImportKind = 'events' | 'profiles' | 'accounts';
export type ImportFormat = 'csv' | 'jsonl' | 'parquet';
export type PresetName = 'online-retail' | 'cdnow';

/** Reported between phases; the CLI draws its progress bar from it. */
export interface ImportProgress {
  readonly phase: string;
  readonly rowsRead: number;
  readonly total?: number;
}

export interface ImportOptions {
  readonly workspace: string;
  readonly file: string;
  /** Default `events`. */
  readonly kind?: ImportKind;
  /** Default: from the file extension (`.csv`/`.tsv`/`.txt`, `.jsonl`/`.ndjson`/`.json`, `.parquet`, each also `.gz`). */
  readonly format?: ImportFormat;
  /** Source column → target field: `userId`, `event`, `properties.plan`, `traits.plan`, `ignore`, … */
  readonly map?: Readonly<Record<string, string>>;
  readonly preset?: PresetName;
  /** The clock for the future check and the default time of traits. Default: now. */
  readonly now?: Date;
  readonly onProgress?: (progress: ImportProgress) => void;
}

export interface SkipReason {
  readonly code: string;
  readonly message: string;
  readonly count: number;
  /** The first 20 line numbers (rows for Parquet) in the file. */
  readonly lines: readonly number[];
}

export interface ImportSummary {
  readonly file: string;
  readonly format: ImportFormat;
  readonly kind: ImportKind;
  readonly preset?: PresetName;
  /** Data rows in the file (header and blank lines excluded). */
  readonly rowsRead: number;
  /** Events newly stored; for profiles and accounts, the profiles or accounts created. */
  readonly stored: number;
  /** Events already stored (a re-import) or repeated in the file, dropped. */
  readonly duplicates: number;
  readonly skipped: readonly SkipReason[];
  /** Every row read is accounted for: stored, duplicate, grouped into an order, applied or skipped. */
  readonly reconciled: boolean;
  /** How the rows were accounted for; the values add up to `rowsRead` when `reconciled`. */
  readonly accounting: Readonly<Record<string, number>>;
  readonly orders?: number;
  readonly refunds?: number;
  readonly customers?: number;
  readonly durationMs: number;
}

/** What one import strategy returns; `importFile` adds the file, format, kind and duration. */
export type ImportResult = Omit<ImportSummary, 'file' | 'format' | 'kind' | 'preset' | 'durationMs'>;

/** Settings shared by the import strategies once the options are resolved. */
export interface ImportContext {
  readonly workspace: string;
  readonly file: string;
  readonly format: ImportFormat;
  readonly now: Date;
  readonly progress: (phase: string, rowsRead: number, total?: number) => void;
}
