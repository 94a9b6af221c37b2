import { stat } from 'node:fs/promises';
import { UserError } from '../../errors.js';
import type { ImportFormat } from './types.js';

const extensions: Readonly<Record<string, ImportFormat>> = {
  csv: 'csv',
  tsv: 'csv',
  txt: 'csv',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  json: 'jsonl',
  parquet: 'parquet',
};

/** The format named by a file's extension (a trailing `.gz` is looked through), or undefined. */
export function formatFromExtension(file: string): ImportFormat | undefined {
  const name = file.toLowerCase().replace(/\.gz$/, '');
  const dot = name.lastIndexOf('.');
  return dot < 0 ? undefined : extensions[name.slice(dot + 1)];
}

/** The format to read `file` as: the one asked for, else the extension's. */
export function resolveFormat(file: string, format: ImportFormat | undefined): ImportFormat {
  if (format) return format;
  const detected = formatFromExtension(file);
  if (detected) return detected;
  throw new UserError(
    'unknown_format',
    `cannot tell the format of ${file} from its extension; name it .csv, .jsonl or .parquet (optionally .gz), or give the format`,
    'format',
  );
}

/**
 * Fails with a user error when the file is missing or not a regular file, before any engine reads it; returns its
 * size (an empty file has nothing to import, and no columns to detect).
 */
export async function fileSize(file: string): Promise<number> {
  const info = await stat(file).catch(() => undefined);
  if (!info) throw new UserError('file_not_found', `${file} does not exist`, 'file', 404);
  if (!info.isFile()) throw new UserError('not_a_file', `${file} is not a file`, 'file');
  return info.size;
}
