import { UserError } from '../../errors.js';
import type { ImportKind } from './types.js';

/** A column of the file as the engine describes it. */
export interface SourceColumn {
  readonly name: string;
  readonly type: string;
}

export type Field = 'userId' | 'anonymousId' | 'event' | 'timestamp' | 'messageId' | 'accountId';

/** Which column feeds which field, and which columns become properties (events) or traits (profiles, accounts). */
export interface ColumnPlan {
  readonly fields: Readonly<Partial<Record<Field, SourceColumn>>>;
  /** In file order; `key` is the property or trait name, the column name unless mapped. */
  readonly extra: readonly { readonly column: SourceColumn; readonly key: string }[];
}

/** Column names recognised without a map, compared case-insensitively, best first. */
const defaultNames: Readonly<Record<Field, readonly string[]>> = {
  userId: ['userId', 'user_id', 'customer_id', 'customerId'],
  anonymousId: ['anonymousId', 'anonymous_id'],
  event: ['event', 'event_name', 'name'],
  timestamp: ['timestamp', 'ts', 'time', 'date', 'event_time'],
  messageId: ['messageId', 'message_id'],
  accountId: ['groupId', 'group_id', 'account_id', 'accountId'],
};

const kinds: Readonly<Record<ImportKind, { fields: readonly Field[]; prefix: string }>> = {
  events: { fields: ['userId', 'anonymousId', 'event', 'timestamp', 'messageId'], prefix: 'properties' },
  profiles: { fields: ['userId', 'timestamp'], prefix: 'traits' },
  accounts: { fields: ['accountId', 'timestamp'], prefix: 'traits' },
};

type Target = { field: Field } | { key: string } | { ignore: true };

function parseTarget(kind: ImportKind, column: string, target: string): Target {
  const { fields, prefix } = kinds[kind];
  if (target === 'ignore') return { ignore: true };
  if (target.startsWith(`${prefix}.`) && target.length > prefix.length + 1)
    return { key: target.slice(prefix.length + 1) };
  const field = (target === 'groupId' ? 'accountId' : target) as Field;
  if (fields.includes(field)) return { field };
  const choices = [...fields, `${prefix}.<name>`, 'ignore'].join(', ');
  throw new UserError(
    'invalid_target',
    `cannot map column "${column}" to "${target}" when importing ${kind}; use one of ${choices}`,
    `map.${column}`,
  );
}

function findColumn(columns: readonly SourceColumn[], name: string): SourceColumn {
  const exact = columns.find((c) => c.name === name);
  if (exact) return exact;
  const folded = columns.filter((c) => c.name.toLowerCase() === name.toLowerCase());
  if (folded.length === 1 && folded[0]) return folded[0];
  throw new UserError(
    'unknown_column',
    `the file has no column "${name}"; its columns are ${columns.map((c) => JSON.stringify(c.name)).join(', ')}`,
    `map.${name}`,
  );
}

/**
 * Decides what each column means: the map first, then well-known names (case-insensitive), and every other column
 * becomes a property or trait under its own name, verbatim.
 */
export function planColumns(
  kind: ImportKind,
  columns: readonly SourceColumn[],
  map: Readonly<Record<string, string>> = {},
): ColumnPlan {
  const fields: Partial<Record<Field, SourceColumn>> = {};
  const mappedKeys = new Map<SourceColumn, string>();
  const handled = new Set<SourceColumn>();
  for (const [name, target] of Object.entries(map)) {
    const column = findColumn(columns, name);
    const parsed = parseTarget(kind, name, target);
    handled.add(column);
    if ('field' in parsed) {
      if (fields[parsed.field]) {
        throw new UserError('duplicate_target', `two columns are mapped to ${parsed.field}`, `map.${name}`);
      }
      fields[parsed.field] = column;
    } else if ('key' in parsed) mappedKeys.set(column, parsed.key);
  }
  for (const field of kinds[kind].fields) {
    if (fields[field]) continue;
    for (const candidate of defaultNames[field]) {
      const column = columns.find((c) => !handled.has(c) && c.name.toLowerCase() === candidate.toLowerCase());
      if (column) {
        fields[field] = column;
        handled.add(column);
        break;
      }
    }
  }
  const extra: { column: SourceColumn; key: string }[] = [];
  const keys = new Set<string>();
  for (const column of columns) {
    const key = mappedKeys.get(column) ?? (handled.has(column) ? undefined : column.name);
    if (key === undefined) continue;
    if (keys.has(key)) {
      throw new UserError('duplicate_target', `two columns would both become "${key}"`, `map.${column.name}`);
    }
    keys.add(key);
    extra.push({ column, key });
  }
  requireFields(kind, fields);
  return { fields, extra };
}

function requireFields(kind: ImportKind, fields: Partial<Record<Field, SourceColumn>>): void {
  const missing = (what: string, field: Field) =>
    new UserError(
      'missing_column',
      `no column holds the ${what}: name one ${defaultNames[field].join('/')} or map one with --map <column>=${field}`,
      'map',
    );
  if (kind === 'events') {
    if (!fields.userId && !fields.anonymousId) throw missing('user id', 'userId');
    if (!fields.event) throw missing('event name', 'event');
    if (!fields.timestamp) throw missing('event time', 'timestamp');
  } else if (kind === 'profiles' && !fields.userId) throw missing('user id', 'userId');
  else if (kind === 'accounts' && !fields.accountId) throw missing('account id', 'accountId');
}
