import { describe, expect, it } from 'vitest';
import { clickhouseDialect } from '../../src/engines/clickhouse/dialect.js';
import { duckdbDialect } from '../../src/engines/duckdb/dialect.js';
import { duckdbSegmentDialect } from '../../src/engines/duckdb/segment-dialect.js';
import { render } from '../../src/engines/sql.js';
import { formatKeyPath, parseKeyPath } from '../../src/segments/key-path.js';
import { type CompileDialect, compileMembers } from '../../src/segments/sql/compile.js';
import { differential, lowerCheck } from './harness/differential.js';
import { loadOnce } from './harness/fixtures.js';
import { HOSTILE } from './harness/hostile.js';
import { ingestSeed, insertSeed, readUsers, type Seed } from './harness/seed.js';
import { type EngineSuite, forEachEngine } from './harness/suite.js';
import { DAY, HOUR, T, t } from './harness/time.js';

/** Hostile strings in every place a user string can go: they work, and they never change the SQL text. */

const WS = "ws'; --";
const key = (...keys: string[]) => formatKeyPath(keys);
const uid = (s: string) => `u:${s}`;

/** Rules built around one string, each with the users it must select among the hostile seed's. */
const templates: readonly { name: string; rule: (s: string) => unknown; expect: (s: string) => string[] }[] = [
  {
    name: 'trait key and value',
    rule: (s) => ({ type: 'trait', trait: key(s), op: '=', value: s }),
    expect: (s) => [uid(s)],
  },
  {
    name: 'contains itself',
    rule: (s) => ({ type: 'trait', trait: key(s), op: 'contains', value: s }),
    expect: (s) => [uid(s)],
  },
  { name: 'in', rule: (s) => ({ type: 'trait', trait: key(s), op: 'in', value: [s, 'x'] }), expect: (s) => [uid(s)] },
  {
    name: 'nested path with an index',
    rule: (s) => ({ type: 'trait', trait: key('nest', s, '0'), op: '=', value: s }),
    expect: (s) => [uid(s)],
  },
  {
    name: 'account trait',
    rule: (s) => ({ type: 'trait', trait: `account.${key(s)}`, op: 'starts_with', value: s }),
    expect: (s) => [uid(s)],
  },
  {
    name: 'event name and property filter',
    rule: (s) => ({
      type: 'event',
      event: s,
      where: [{ property: key(s), op: '=', value: s }],
      window: { last: '7d' },
    }),
    expect: (s) => [uid(s)],
  },
  {
    name: 'has not done',
    rule: (s) => ({ type: 'event', event: s, count: { op: '=', value: 0 } }),
    expect: (s) => HOSTILE.filter((x) => x !== s).map(uid),
  },
  {
    name: 'aggregate property',
    rule: (s) => ({ type: 'aggregate', fn: 'count_distinct', event: s, property: key(s), op: '=', value: 1 }),
    expect: (s) => [uid(s)],
  },
  {
    name: 'sequence steps',
    rule: (s) => ({
      type: 'sequence',
      steps: [{ event: s, where: [{ property: key(s), op: 'exists' }] }, { event: 'After' }],
    }),
    expect: (s) => [uid(s)],
  },
];

const seed: Seed = {
  profiles: HOSTILE.map((s) => ({ id: uid(s), traits: { [s]: s, nest: { [s]: [s] } }, account: `acct:${s}` })),
  accounts: HOSTILE.map((s) => ({ id: `acct:${s}`, traits: { [s]: s } })),
  events: HOSTILE.flatMap((s, i) => [
    { id: `m:${s}`, user: uid(s), name: s, at: t - DAY, properties: { [s]: s } },
    { id: `after${i}`, user: uid(s), name: 'After', at: t - HOUR },
  ]),
};

/**
 * Gaps of the ingestion path, declared as data and printed: the strings it cannot store yet are left out of the
 * ingested run (the direct run still covers them), and the run checks the gap is still there, so fixing it shows.
 */
const INGEST_GAPS = [
  {
    reason:
      'ingestion drops a trait or property key named "__proto__": Zod record parsing leaves it out of the ' +
      'parsed message (so no prototype is ever polluted)',
    strings: ['__proto__'],
  },
] as const;

function hostileRun(suite: EngineSuite, load: 'ingest' | 'insert') {
  const gaps: readonly string[] = load === 'ingest' ? INGEST_GAPS.flatMap((gap) => gap.strings) : [];
  const strings = HOSTILE.filter((s) => !gaps.includes(s));
  suite.block(load === 'ingest' ? 'ingested' : 'written directly', () => {
    const users = loadOnce(suite, async () => {
      if (load === 'ingest') {
        for (const gap of INGEST_GAPS)
          console.warn(`known gap, skipped: ${JSON.stringify(gap.strings)}: ${gap.reason}`);
      }
      await (load === 'ingest' ? ingestSeed : insertSeed)(suite.engine(), seed, WS);
      return readUsers(suite.engine(), WS);
    });

    suite.test('the store holds every hostile key and value as sent (but for declared gaps)', async () => {
      const stored = await users();
      const lost = HOSTILE.filter((s) => {
        const user = stored.find((u) => u.userId === uid(s));
        return !user || !Object.hasOwn(user.traits, s) || user.traits[s] !== s;
      });
      expect(lost).toEqual(gaps);
    });

    for (const template of templates) {
      suite.test(template.name, async () => {
        const stored = await users();
        const failures: string[] = [];
        for (const s of strings) {
          try {
            const outcome = await differential(suite.engine(), stored, { rule: template.rule(s), asOf: T }, WS);
            const expected = template.expect(s).sort();
            if (JSON.stringify(outcome.members) !== JSON.stringify(expected)) {
              failures.push(
                `${JSON.stringify(s)}: members ${JSON.stringify(outcome.members)}, expected ${JSON.stringify(expected)}`,
              );
            }
          } catch (error) {
            failures.push(`${JSON.stringify(s)}: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
        expect(failures.join('\n\n')).toBe('');
      });
    }

    suite.test('hostile user ids in the real-time user list', async () => {
      const rule = { type: 'event', event: 'After' };
      const ids = [...HOSTILE.map(uid), "x' OR 1=1 --"];
      const outcome = await differential(suite.engine(), await users(), { rule, asOf: T, users: ids }, WS);
      expect(outcome.members).toEqual(HOSTILE.map(uid).sort());
    });
  });
}

forEachEngine('hostile strings', (suite) => {
  hostileRun(suite, 'insert');
  hostileRun(suite, 'ingest');
});

/**
 * A dialect's SQL text may follow the shape of a key path, never its content: DuckDB binds a whole path as one JSON
 * pointer; ClickHouse binds each key on its own and resolves a canonical array index (`0`, `12`) at run time. `twin`
 * gives the plain keys of the same shape, whose SQL text every hostile path must share.
 */
const ARRAY_INDEX = /^(0|[1-9][0-9]*)$/;
const DIALECTS: readonly { dialect: CompileDialect; twin: (keys: readonly string[]) => string[] }[] = [
  { dialect: { ...duckdbDialect, ...duckdbSegmentDialect }, twin: () => ['plain'] },
  { dialect: clickhouseDialect, twin: (keys) => keys.map((k) => (ARRAY_INDEX.test(k) ? '1' : 'plain')) },
];

describe.each(DIALECTS)('hostile strings never change the SQL text ($dialect.name)', ({ dialect, twin }) => {
  const text = (rule: unknown, users?: readonly string[]) => {
    const lowered = lowerCheck({ rule, asOf: T });
    if (!lowered.ok) throw new Error(JSON.stringify(lowered.issues));
    return render(compileMembers(lowered.ir, dialect, { workspace: WS, ...(users ? { users } : {}) }), dialect);
  };
  const plain = 'plain';

  for (const template of templates) {
    it(template.name, () => {
      for (const s of HOSTILE) {
        const [same = plain] = twin([s]);
        const expected = text(template.rule(same)).text;
        const hostile = text(template.rule(s));
        expect(hostile.text, JSON.stringify(s)).toBe(expected);
        expect(hostile.params.some((p) => typeof p.value === 'string' && p.value.includes(s))).toBe(true);
      }
    });
  }

  it('raw dotted paths and escapes', () => {
    for (const path of ['a.b.c', 'a\\.b', '\\\\', '..', 'x.0.y']) {
      const rule = { type: 'trait', trait: path, op: 'exists' };
      expect(text(rule).text, path).toBe(text({ ...rule, trait: formatKeyPath(twin(parseKeyPath(path))) }).text);
    }
  });

  it('user ids', () => {
    const rule = { type: 'event', event: 'After' };
    const expected = text(rule, [plain, plain]).text;
    for (const s of HOSTILE) expect(text(rule, [s, uid(s)]).text, JSON.stringify(s)).toBe(expected);
  });
});
