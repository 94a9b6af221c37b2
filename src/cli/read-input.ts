import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';

/** Reads a JSON file the user named, with errors that say which file and where. */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UserError('file_not_found', `cannot read ${file}`, 'file', 404);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UserError('invalid_json', `${file} is not valid JSON: ${(error as Error).message}`, 'file');
  }
}

/** User ids from a text file: one per line, or the first column of a CSV with a header naming user ids. */
export function readUserIds(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UserError('file_not_found', `cannot read ${file}`, 'file', 404);
  }
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const first = lines[0]?.split(',')[0]?.replace(/"/g, '').toLowerCase();
  const body = first && ['user_id', 'userid', 'id', 'user'].includes(first) ? lines.slice(1) : lines;
  return body.map((line) => (line.split(',')[0] ?? '').replace(/^"|"$/g, ''));
}

/** Parses `--as-of`. */
export function parseAsOf(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new UserError('invalid_option', `--as-of must be an ISO time, got "${value}"`, 'as-of');
  return date;
}
