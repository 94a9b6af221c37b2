import { describe, expect, it } from 'vitest';
import { planColumns, type SourceColumn } from '../../../src/ingest/import/columns.js';
import { formatFromExtension } from '../../../src/ingest/import/format.js';

const columns = (...names: string[]): SourceColumn[] => names.map((name) => ({ name, type: 'VARCHAR' }));
const names = (plan: ReturnType<typeof planColumns>) => ({
  fields: Object.fromEntries(Object.entries(plan.fields).map(([field, c]) => [field, c?.name])),
  extra: plan.extra.map((e) => [e.column.name, e.key]),
});

describe('column planning', () => {
  it('recognises common names case-insensitively, best name first, the rest as properties', () => {
    const plan = planColumns('events', columns('Customer_ID', 'USER_ID', 'Event_Name', 'TS', 'Message_Id', 'plan'));
    expect(names(plan)).toEqual({
      fields: { userId: 'USER_ID', event: 'Event_Name', timestamp: 'TS', messageId: 'Message_Id' },
      extra: [
        ['Customer_ID', 'Customer_ID'],
        ['plan', 'plan'],
      ],
    });
  });

  it('lets the map override detection, rename properties and ignore columns', () => {
    const plan = planColumns('events', columns('user_id', 'who', 'event', 'when', 'Amount', 'junk'), {
      who: 'userId',
      when: 'timestamp',
      amount: 'properties.revenue',
      junk: 'ignore',
    });
    expect(names(plan)).toEqual({
      fields: { userId: 'who', event: 'event', timestamp: 'when' },
      extra: [
        ['user_id', 'user_id'],
        ['Amount', 'revenue'],
      ],
    });
  });

  it('plans profiles and accounts with traits; groupId is the account id', () => {
    expect(names(planColumns('profiles', columns('userId', 'name', 'date')))).toEqual({
      fields: { userId: 'userId', timestamp: 'date' },
      extra: [['name', 'name']],
    });
    expect(
      names(planColumns('accounts', columns('company', 'size'), { company: 'groupId', size: 'traits.seats' })),
    ).toEqual({
      fields: { accountId: 'company' },
      extra: [['size', 'seats']],
    });
  });

  it.each([
    ['events', columns('user_id', 'event'), {}, 'missing_column', 'map'],
    ['events', columns('user_id', 'event', 'ts'), { nope: 'ignore' }, 'unknown_column', 'map.nope'],
    ['events', columns('user_id', 'event', 'ts'), { ts: 'traits.x' }, 'invalid_target', 'map.ts'],
    ['profiles', columns('user_id', 'x'), { x: 'properties.y' }, 'invalid_target', 'map.x'],
    [
      'events',
      columns('user_id', 'event', 'ts', 'a'),
      { a: 'properties.event_x', event: 'properties.event_x' },
      'duplicate_target',
      'map.a',
    ],
  ] as const)('%s %j %j → %s', (kind, cols, map, code, path) => {
    expect(() => planColumns(kind, cols, map)).toThrow(expect.objectContaining({ code, path }));
  });
});

describe('format from extension', () => {
  it.each([
    ['a.csv', 'csv'],
    ['a.TSV.gz', 'csv'],
    ['a.txt', 'csv'],
    ['a.ndjson', 'jsonl'],
    ['a.json.gz', 'jsonl'],
    ['a.parquet', 'parquet'],
    ['a.xlsx', undefined],
    ['noext', undefined],
  ])('%s → %s', (file, format) => {
    expect(formatFromExtension(file)).toBe(format);
  });
});
