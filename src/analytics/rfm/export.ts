import type { RfmRow } from './report.js';
import { RFM_COLUMNS } from './scores.js';

/**
 * RFM rows as export lines (CSV and JSON Lines), shared by the HTTP export and the CLI so both write the same bytes.
 * CSV follows RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled.
 */

const csvField = (value: string | number): string => {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

export const RFM_CSV_HEADER = `${RFM_COLUMNS.join(',')}\n`;

export const rfmCsvLine = (row: RfmRow): string => `${RFM_COLUMNS.map((column) => csvField(row[column])).join(',')}\n`;

export const rfmJsonLine = (row: RfmRow): string => `${JSON.stringify(row)}\n`;
