import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckdbDialect } from '../../src/engines/duckdb/dialect.js';
import type { Engine } from '../../src/engines/engine.js';
import { render } from '../../src/engines/sql.js';
import type { UserData } from '../../src/segments/evaluate.js';
import { formatKeyPath } from '../../src/segments/key-path.js';
import { compileMembers } from '../../src/segments/sql/compile.js';
import { memoryEngine } from '../helpers.js';
import { dialect, differential, lowerCheck } from './harness/differential.js';
import { HOSTILE } from './harness/hostile.js';
import { ingestSeed, insertSeed, readUsers, type Seed } from './harness/seed.js';
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
      'ingestion drops a top-level trait key named "constructor" or "__proto__" (the per-key merge reads ' +
      'trait times through Object.prototype) and a property key "__proto__" (record parsing assigns it)',
    strings: ['constructor', '__proto__'],
  },
] as const;

function hostileRun(load: 'ingest' | 'insert') {
  const gaps: readonly string[] = load === 'ingest' ? INGEST_GAPS.flatMap((gap) => gap.strings) : [];
  const strings = HOSTILE.filter((s) => !gaps.includes(s));
  describe(`hostile strings run on DuckDB and agree with the oracle (${load})`, () => {
    let engine: Engine;
    let users: UserData[];
    beforeAll(async () => {
      if (load === 'ingest') {
        for (const gap of INGEST_GAPS)
          console.warn(`known gap, skipped: ${JSON.stringify(gap.strings)}: ${gap.reason}`);
      }
      engine = await memoryEngine();
      await (load === 'ingest' ? ingestSeed : insertSeed)(engine, seed, WS);
      users = await readUsers(engine, WS);
    });
    afterAll(async () => {
      await engine.close();
    });

    it('the store holds every hostile key and value as sent (but for declared gaps)', () => {
      const lost = HOSTILE.filter((s) => {
        const user = users.find((u) => u.userId === uid(s));
        return !user || !Object.hasOwn(user.traits, s) || user.traits[s] !== s;
      });
      expect(lost).toEqual(gaps);
    });

    for (const template of templates) {
      it(template.name, async () => {
        const failures: string[] = [];
        for (const s of strings) {
          try {
            const outcome = await differential(engine, users, { rule: template.rule(s), asOf: T }, WS);
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

    it('hostile user ids in the real-time user list', async () => {
      const rule = { type: 'event', event: 'After' };
      const ids = [...HOSTILE.map(uid), "x' OR 1=1 --"];
      const outcome = await differential(engine, users, { rule, asOf: T, users: ids }, WS);
      expect(outcome.members).toEqual(HOSTILE.map(uid).sort());
    });
  });
}

hostileRun('insert');
hostileRun('ingest');

describe('hostile strings never change the SQL text', () => {
  const text = (rule: unknown, users?: readonly string[]) => {
    const lowered = lowerCheck({ rule, asOf: T });
    if (!lowered.ok) throw new Error(JSON.stringify(lowered.issues));
    return render(compileMembers(lowered.ir, dialect, { workspace: WS, ...(users ? { users } : {}) }), duckdbDialect);
  };
  const plain = 'plain';

  for (const template of templates) {
    it(template.name, () => {
      const expected = text(template.rule(plain)).text;
      for (const s of HOSTILE) {
        const hostile = text(template.rule(s));
        expect(hostile.text, JSON.stringify(s)).toBe(expected);
        expect(hostile.params.some((p) => typeof p.value === 'string' && p.value.includes(s))).toBe(true);
      }
    });
  }

  it('raw dotted paths and escapes', () => {
    for (const path of ['a.b.c', 'a\\.b', '\\\\', '..', 'x.0.y']) {
      const rule = { type: 'trait', trait: path, op: 'exists' };
      expect(text(rule).text, path).toBe(text({ ...rule, trait: plain }).text);
    }
  });

  it('user ids', () => {
    const rule = { type: 'event', event: 'After' };
    const expected = text(rule, [plain, plain]).text;
    for (const s of HOSTILE) expect(text(rule, [s, uid(s)]).text, JSON.stringify(s)).toBe(expected);
  });
});
