import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Engine } from '../../engines/engine.js';
import { UserError } from '../../errors.js';
import { ingestMessages } from '../pipeline.js';
import { describeSkip, SkipTally } from './skips.js';
import type { ImportContext, ImportResult } from './types.js';

/** Lines per call of the ingestion pipeline: big enough to amortise a transaction, small enough for memory. */
export const BATCH_LINES = 5_000;

/** The file's lines, decompressed when it ends in `.gz`, with CRLF handled and a byte-order mark dropped. */
export async function* readTextLines(file: string): AsyncGenerator<string> {
  const stream = createReadStream(file);
  const input = file.toLowerCase().endsWith('.gz') ? stream.pipe(createGunzip()) : stream;
  stream.on('error', (error) => input.destroy(error));
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let first = true;
  try {
    for await (const line of lines) {
      yield first ? line.replace(/^\uFEFF/, '') : line;
      first = false;
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UserError('unreadable_file', `cannot read ${file}: ${message}`, 'file');
  }
}

/**
 * Imports Segment messages (`identify`, `track`, …), one JSON object per line, through the same pipeline as the
 * HTTP API, in batches. A line that is not JSON or not a valid message is skipped and named by its line number.
 */
export async function importJsonLines(engine: Engine, context: ImportContext): Promise<ImportResult> {
  const skips = new SkipTally();
  let rowsRead = 0;
  let accepted = 0;
  let stored = 0;
  let duplicates = 0;
  let batch: unknown[] = [];
  let batchLines: number[] = [];

  const flush = async () => {
    if (batch.length === 0) return;
    const lines = batchLines;
    const result = await ingestMessages(engine, batch, {
      workspace: context.workspace,
      now: context.now,
      source: 'import',
      pathOf: (i) => `line ${lines[i]}`,
    });
    accepted += result.accepted;
    stored += result.stored;
    duplicates += result.duplicates;
    for (const rejection of result.rejected) {
      const issue = rejection.issues[0];
      const code = issue?.code ?? 'invalid_message';
      skips.add(code, lines[rejection.index] ?? 0, describeSkip(code, issue?.message));
    }
    batch = [];
    batchLines = [];
    context.progress('storing events', rowsRead);
  };

  let lineNo = 0;
  for await (const text of readTextLines(context.file)) {
    lineNo++;
    const trimmed = text.trim();
    if (trimmed === '') continue;
    if (rowsRead === 0 && trimmed.startsWith('[')) {
      throw new UserError(
        'json_array',
        `${context.file} holds a JSON array; write one message per line (JSON Lines) instead`,
        'file',
      );
    }
    rowsRead++;
    try {
      batch.push(JSON.parse(trimmed));
      batchLines.push(lineNo);
    } catch {
      skips.add('invalid_json', lineNo);
    }
    if (batch.length >= BATCH_LINES) await flush();
  }
  await flush();

  const skipped = skips.total;
  const otherMessages = accepted - stored - duplicates;
  return {
    rowsRead,
    stored,
    duplicates,
    skipped: skips.list(),
    reconciled: accepted + skipped === rowsRead && otherMessages >= 0,
    accounting: { stored, duplicates, other_messages: otherMessages, skipped },
  };
}
