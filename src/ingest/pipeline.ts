import type { Engine } from '../engines/engine.js';
import { int, sql, str, ts } from '../engines/sql.js';
import { fromZod, type Issue } from '../errors.js';
import { message } from './messages.js';
import { type Change, type IngestContext, normalize } from './normalize.js';
import { applyChanges } from './writer.js';

/** One message that was not taken, with every reason. */
export interface Rejection {
  readonly index: number;
  readonly messageId?: string;
  readonly issues: readonly Issue[];
}

export interface IngestResult {
  readonly received: number;
  /** Valid messages (events, traits, groups, aliases) applied to the store. */
  readonly accepted: number;
  /** Events newly stored. */
  readonly stored: number;
  /** Events already stored under the same message id, dropped. */
  readonly duplicates: number;
  readonly rejected: readonly Rejection[];
}

export interface IngestOptions extends IngestContext {
  /** Where the messages came from, for the ingest log: `http`, `import`, `demo`. */
  readonly source: string;
  /** How a message's position is named in error paths. Default: `batch[i]`. */
  readonly pathOf?: (index: number) => string;
}

function messageIdOf(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const id = (input as Record<string, unknown>)['messageId'];
  return typeof id === 'string' ? id : undefined;
}

/**
 * Validates, normalises and stores a batch of Segment-spec messages. Bad messages are reported with their index and
 * reasons; the good ones are stored in one transaction. Storing twice is harmless: events are idempotent by
 * message id, and trait merges by message time.
 */
export async function ingestMessages(
  engine: Engine,
  inputs: readonly unknown[],
  options: IngestOptions,
): Promise<IngestResult> {
  const { changes, rejected } = prepareMessages(inputs, options);
  const summary =
    changes.length > 0 ? await applyChanges(engine, options.workspace, changes) : { stored: 0, duplicates: 0 };
  const result: IngestResult = {
    received: inputs.length,
    accepted: inputs.length - rejected.length,
    stored: summary.stored,
    duplicates: summary.duplicates,
    rejected,
  };
  await logIngest(engine, options.workspace, options.source, result);
  return result;
}

/** Validates and normalises messages without touching the store: the changes to apply and what was rejected. */
export function prepareMessages(
  inputs: readonly unknown[],
  options: Omit<IngestOptions, 'source'>,
): { changes: Change[]; rejected: Rejection[] } {
  const pathOf = options.pathOf ?? ((i: number) => `batch[${i}]`);
  const changes: Change[] = [];
  const rejected: Rejection[] = [];
  inputs.forEach((input, index) => {
    const path = pathOf(index);
    const parsed = message.safeParse(input);
    const messageId = messageIdOf(input);
    const idPart = messageId === undefined ? {} : { messageId };
    if (!parsed.success) {
      rejected.push({ index, ...idPart, issues: fromZod(parsed.error, path) });
      return;
    }
    const normalized = normalize(parsed.data, options, path);
    if (normalized.ok) changes.push(...normalized.changes);
    else rejected.push({ index, ...idPart, issues: normalized.issues });
  });
  return { changes, rejected };
}

/** Records what one ingestion did, for the ingestion rate and the data-quality report. */
export async function logIngest(
  engine: Engine,
  workspace: string,
  source: string,
  result: Pick<IngestResult, 'received' | 'stored' | 'duplicates'> & { rejected: number | readonly unknown[] },
): Promise<void> {
  const rejected = typeof result.rejected === 'number' ? result.rejected : result.rejected.length;
  await engine.run(
    sql`INSERT INTO ingest_log VALUES (${str(workspace)}, ${ts(new Date())}, ${str(source)}, ${int(result.received)},
        ${int(result.stored)}, ${int(result.duplicates)}, ${int(rejected)})`,
  );
}
