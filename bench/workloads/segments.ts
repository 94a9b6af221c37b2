import { join } from 'node:path';
import { openEngine } from '../../src/engines/open.js';
import { type Sql, sql, trusted } from '../../src/engines/sql.js';
import type { Rule } from '../../src/segments/definition.js';
import { lower } from '../../src/segments/ir/lower.js';
import { previewCount } from '../../src/segments/query.js';
import { compileMembers } from '../../src/segments/sql/compile.js';
import { type Measurement, time, type Workload } from '../harness.js';
import { BENCH_AS_OF, generateSegmentData } from './segment-data.js';

const T = `TIMESTAMP '2026-01-01 00:00:00'`;
const ago = (days: number) => `${T} - INTERVAL ${days} DAY`;
const num = (path: string, column = 'properties') => `CAST(json_extract(${column}, '$.${path}') AS DOUBLE)`;
const text = (path: string, column = 'traits') => `json_extract_string(${column}, '$.${path}')`;
const ev = (where: string) =>
  `SELECT DISTINCT user_id FROM events WHERE workspace = 'default' AND ts <= ${T} AND ${where}`;

export interface Case {
  readonly name: string;
  readonly rule: Rule;
  /** A hand-written DuckDB query giving the same members. */
  readonly baseline: string;
}

const proBuyers: Rule = {
  type: 'and',
  rules: [
    { type: 'trait', trait: 'plan', op: '=', value: 'pro' },
    { type: 'event', event: 'Order Completed', count: { op: '>=', value: 2 }, window: { last: '90d' } },
  ],
};
const proBuyersSql = `SELECT p.user_id FROM profiles p JOIN (SELECT user_id FROM events WHERE name = 'Order Completed' AND ts > ${ago(90)} AND ts <= ${T} GROUP BY user_id HAVING count(*) >= 2) o USING (user_id) WHERE ${text('plan', 'p.traits')} = 'pro'`;

export const cases: readonly Case[] = [
  {
    name: 'trait =',
    rule: { type: 'trait', trait: 'plan', op: '=', value: 'pro' },
    baseline: `SELECT user_id FROM profiles WHERE ${text('plan')} = 'pro'`,
  },
  {
    name: 'trait in',
    rule: { type: 'trait', trait: 'country', op: 'in', value: ['US', 'CA', 'GB'] },
    baseline: `SELECT user_id FROM profiles WHERE ${text('country')} IN ('US','CA','GB')`,
  },
  {
    name: 'trait between',
    rule: { type: 'trait', trait: 'age', op: 'between', value: [25, 34] },
    baseline: `SELECT user_id FROM profiles WHERE ${num('age', 'traits')} BETWEEN 25 AND 34`,
  },
  {
    name: 'trait ends_with',
    rule: { type: 'trait', trait: 'email', op: 'ends_with', value: '@gmail.com' },
    baseline: `SELECT user_id FROM profiles WHERE suffix(lower(${text('email')}), '@gmail.com')`,
  },
  {
    name: 'account trait',
    rule: { type: 'trait', trait: 'account.industry', op: '=', value: 'Retail' },
    baseline: `SELECT p.user_id FROM profiles p JOIN accounts a ON a.account_id = p.account_id WHERE ${text('industry', 'a.traits')} = 'Retail'`,
  },
  {
    name: 'did in last 30d',
    rule: { type: 'event', event: 'Order Completed', window: { last: '30d' } },
    baseline: ev(`name = 'Order Completed' AND ts > ${ago(30)}`),
  },
  {
    name: 'did >= 3 times in 90d',
    rule: { type: 'event', event: 'Order Completed', count: { op: '>=', value: 3 }, window: { last: '90d' } },
    baseline: `SELECT user_id FROM events WHERE name = 'Order Completed' AND ts > ${ago(90)} AND ts <= ${T} GROUP BY user_id HAVING count(*) >= 3`,
  },
  {
    name: 'has not done in 30d',
    rule: { type: 'event', event: 'Login', count: { op: '=', value: 0 }, window: { last: '30d' } },
    baseline: `SELECT user_id FROM profiles WHERE user_id NOT IN (${ev(`name = 'Login' AND ts > ${ago(30)}`)})`,
  },
  {
    name: 'did with filter',
    rule: { type: 'event', event: 'Order Completed', where: [{ property: 'revenue', op: '>', value: 100 }] },
    baseline: ev(`name = 'Order Completed' AND ${num('revenue')} > 100`),
  },
  {
    name: 'sum > 500',
    rule: { type: 'aggregate', fn: 'sum', event: 'Order Completed', property: 'revenue', op: '>', value: 500 },
    baseline: `SELECT user_id FROM events WHERE name = 'Order Completed' AND ts <= ${T} GROUP BY user_id HAVING sum(${num('revenue')}) > 500`,
  },
  {
    name: 'avg in 365d',
    rule: {
      type: 'aggregate',
      fn: 'avg',
      event: 'Order Completed',
      property: 'revenue',
      op: '>=',
      value: 150,
      window: { last: '365d' },
    },
    baseline: `SELECT user_id FROM events WHERE name = 'Order Completed' AND ts > ${ago(365)} AND ts <= ${T} GROUP BY user_id HAVING avg(${num('revenue')}) >= 150`,
  },
  {
    name: 'count_distinct',
    rule: {
      type: 'aggregate',
      fn: 'count_distinct',
      event: 'Product Viewed',
      property: 'category',
      op: '>=',
      value: 5,
    },
    baseline: `SELECT user_id FROM events WHERE name = 'Product Viewed' AND ts <= ${T} GROUP BY user_id HAVING count(DISTINCT ${text('category', 'properties')}) >= 5`,
  },
  {
    name: 'first_seen within 30d',
    rule: { type: 'trait', trait: 'first_seen', op: 'within_last', value: '30d' },
    baseline: `SELECT user_id FROM events WHERE ts <= ${T} GROUP BY user_id HAVING min(ts) > ${ago(30)}`,
  },
  {
    name: 'last_seen not within 21d',
    rule: { type: 'trait', trait: 'last_seen', op: 'not_within_last', value: '21d' },
    baseline: `SELECT user_id FROM profiles WHERE user_id NOT IN (${ev(`ts > ${ago(21)}`)})`,
  },
  {
    name: 'sequence within 1d',
    rule: {
      type: 'sequence',
      steps: [{ event: 'Product Viewed' }, { event: 'Order Completed' }],
      within: '1d',
      window: { last: '30d' },
    },
    baseline: `SELECT DISTINCT a.user_id FROM events a JOIN events b ON a.user_id = b.user_id AND b.ts >= a.ts AND b.ts <= a.ts + INTERVAL 1 DAY WHERE a.name = 'Product Viewed' AND b.name = 'Order Completed' AND a.ts > ${ago(30)} AND b.ts <= ${T}`,
  },
  { name: 'trait and count', rule: proBuyers, baseline: proBuyersSql },
  {
    name: 'or of events',
    rule: {
      type: 'or',
      rules: [
        { type: 'event', event: 'Feature Used', window: { last: '7d' } },
        { type: 'event', event: 'Order Completed', window: { last: '7d' } },
      ],
    },
    baseline: ev(`name IN ('Feature Used', 'Order Completed') AND ts > ${ago(7)}`),
  },
  {
    name: 'not did in 7d',
    rule: { type: 'not', rule: { type: 'event', event: 'Page Viewed', window: { last: '7d' } } },
    baseline: `SELECT user_id FROM profiles WHERE user_id NOT IN (${ev(`name = 'Page Viewed' AND ts > ${ago(7)}`)})`,
  },
  {
    name: 'RFM-like',
    rule: {
      type: 'and',
      rules: [
        { type: 'aggregate', fn: 'sum', event: 'Order Completed', property: 'revenue', op: '>', value: 300 },
        { type: 'event', event: 'Order Completed', count: { op: '>=', value: 2 } },
        { type: 'event', event: 'Order Completed', window: { last: '90d' } },
      ],
    },
    baseline: `SELECT user_id FROM events WHERE name = 'Order Completed' AND ts <= ${T} GROUP BY user_id HAVING sum(${num('revenue')}) > 300 AND count(*) >= 2 AND max(ts) > ${ago(90)}`,
  },
  {
    name: 'segment reference',
    rule: {
      type: 'and',
      rules: [
        { type: 'segment', segment: 'pro buyers' },
        { type: 'trait', trait: 'country', op: '=', value: 'US' },
      ],
    },
    baseline: `SELECT user_id FROM (${proBuyersSql}) s JOIN profiles p USING (user_id) WHERE ${text('country', 'p.traits')} = 'US'`,
  },
];

const fingerprint = (members: Sql) =>
  sql`SELECT count(*) AS n, coalesce(sum(hash(user_id)), 0)::VARCHAR AS h FROM (${members}) AS m`;

export async function median(work: () => Promise<unknown>, runs = 3): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await time(work)).seconds);
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)] as number;
}

/** The segment a case may reference by name. */
export const lookup = (name: string) =>
  name === 'pro buyers' ? { id: 'seg_bench', kind: 'dynamic' as const, rule: proBuyers } : undefined;

export const segmentsWorkload: Workload = {
  name: 'segments',
  description:
    '20 representative segments on 1M users / 20M events (--size users; events = 20 × users) vs hand-written SQL',
  async run({ size = 1_000_000, workdir }) {
    const engine = await openEngine({ db: join(workdir, 'segments.duckdb') });
    const generated = await time(() => generateSegmentData(engine, size, size * 20));
    console.error(
      `generated ${size.toLocaleString('en-US')} users, ${(size * 20).toLocaleString('en-US')} events in ${generated.seconds.toFixed(1)} s`,
    );
    const out: Measurement[] = [];
    for (const c of cases) {
      const lowered = lower(c.rule, { asOf: BENCH_AS_OF, segment: lookup });
      if (!lowered.ok) throw new Error(`${c.name}: ${JSON.stringify(lowered.issues)}`);
      const compiled = compileMembers(lowered.ir, engine.dialect, { workspace: 'default' });
      const [ours] = await engine.query(fingerprint(compiled));
      const [theirs] = await engine.query(fingerprint(trusted(c.baseline)));
      if (ours?.['n'] !== theirs?.['n'] || ours?.['h'] !== theirs?.['h']) {
        throw new Error(
          `${c.name}: compiled ${ours?.['n']} members, hand-written ${theirs?.['n']}: not the same answer`,
        );
      }
      const seconds = await median(() => engine.query(fingerprint(compiled)));
      const baseline = await median(() => engine.query(fingerprint(trusted(c.baseline))));
      out.push({
        name: c.name,
        rows: size * 20,
        seconds,
        baseline: { name: 'hand-written SQL', seconds: baseline },
        notes: `${Number(ours?.['n']).toLocaleString('en-US')} members; ratio ${(seconds / baseline).toFixed(2)} (target ≤ 1.5)`,
      });
    }
    const typical = cases.find((c) => c.name === 'trait and count') as Case;
    const preview = await median(() => previewCount(engine, 'default', typical.rule, { asOf: BENCH_AS_OF }));
    out.push({
      name: 'preview count (trait and count), end to end',
      rows: size * 20,
      seconds: preview,
      baseline: { name: 'target', seconds: 0.5 },
      notes: 'validate + lower + compile + run; target < 0.5 s',
    });
    await engine.close();
    return out;
  },
};
