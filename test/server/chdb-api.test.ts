import { beforeAll, describe, expect, it } from 'vitest';
import { openChdbEngine } from '../../src/engines/chdb/connection.js';
import { verifySignature } from '../../src/live/webhooks/sign.js';
import { memoryEngine, NOW } from '../helpers.js';
import {
  ALIASED,
  aliasMessages,
  legacyMessages,
  type Message,
  shopMessages,
  USERS,
  userId,
  VISITOR,
} from './chdb-api-data.js';
import { LATE_BUYER, runScenario, type ScenarioResult, SECRET } from './chdb-api-scenario.js';
import type { Reply } from './harness.js';

/**
 * The HTTP API end to end on ClickHouse (chDB in this process): a live server on loopback is fed a small shop
 * through `/v1/batch` and asked everything the dashboard and the CLI ask. Answers are checked against values
 * computed here from the messages sent, and, where a value is a model's or an analysis's arithmetic, against the
 * same requests to a DuckDB server fed the same messages (chDB first, closed, then DuckDB).
 */

let chdb: ScenarioResult;
let duck: ScenarioResult;

beforeAll(async () => {
  const engine = await openChdbEngine();
  try {
    chdb = await runScenario(engine);
  } finally {
    await engine.close();
  }
  const memory = await memoryEngine();
  try {
    duck = await runScenario(memory);
  } finally {
    await memory.close();
  }
}, 150_000);

/** The reply of one step on chDB, which must have the given status. */
function reply(step: string, status = 200): Reply {
  const got = chdb.replies.get(step);
  expect(got, `step ${step} ran`).toBeDefined();
  expect({ step, status: got?.status, body: got?.status === status ? null : got?.body }).toEqual({
    step,
    status,
    body: null,
  });
  return got as Reply;
}
const body = <T>(step: string, status = 200): T => reply(step, status).body as T;

/** Every time in the data and on the servers' pinned clock is before this; later ones are the machine's clock. */
const PINNED_UNTIL = NOW.getTime() + 2 * 86_400_000;

/**
 * An answer with what legitimately differs between two runs masked: generated ids, wall-clock times (the segment
 * store and the ingest log stamp the real clock, not the server's pinned one), durations, the receiver's port.
 * Floats are compared to 12 significant digits: sums may be added in another order.
 */
function normalise(value: unknown, key = ''): unknown {
  if (['durationMs', 'timings', 'url'].includes(key)) return '<varies>';
  if (Array.isArray(value)) return value.map((item) => normalise(item));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v, k)]));
  }
  if (typeof value === 'number' && !Number.isInteger(value)) return Number(value.toPrecision(12));
  if (typeof value === 'string') {
    const ids = value.replace(/\b(seg|run|wh)_[0-9a-z]+/g, '$1_<id>');
    return /^\d{4}-\d\d-\d\dT/.test(ids) && Date.parse(ids) > PINNED_UNTIL ? '<clock>' : ids;
  }
  return value;
}

/** The same step answered alike by chDB and DuckDB. */
function sameAsDuckDb(step: string): void {
  const theirs = duck.replies.get(step);
  expect(theirs?.status, `DuckDB's status for ${step}`).toBe(chdb.replies.get(step)?.status);
  expect(normalise(chdb.replies.get(step)?.body), step).toEqual(normalise(theirs?.body));
}

// What the messages say, computed without any engine.
const shop = shopMessages();
const sent = [...legacyMessages(), ...shop];
const events = sent.filter((m) => m.type === 'track' || m.type === 'page');
const nameOf = (m: Message) => (m.type === 'page' ? 'Page Viewed' : String(m.event));
const owner = (m: Message): string => {
  const id = String(m.userId ?? '');
  const legacy = /^legacy-(\d+)$/.exec(id);
  if (legacy) return userId(100 + Number(legacy[1]));
  return id || String(m.anonymousId).replace(/^anon-/, '');
};
const orders = events.filter((m) => nameOf(m) === 'Order Completed');
const revenueOf = (m: Message) => Number((m.properties as { revenue: number }).revenue);
const spend = new Map<string, number>();
for (const order of orders) spend.set(owner(order), (spend.get(owner(order)) ?? 0) + revenueOf(order));
const sorted = (ids: Iterable<string>) => [...new Set(ids)].sort();
const buyers = sorted(orders.map(owner));
const ALL_USERS = Array.from({ length: USERS }, (_, i) => userId(i));
const pro = ALL_USERS.filter((_, i) => i % 3 === 1);
const bigSpenders = sorted([...spend].filter(([, total]) => total >= 100).map(([id]) => id));
const weekAgo = NOW.getTime() - 7 * 86_400_000;
const activeLastWeek = sorted(
  events.filter((m) => nameOf(m) === 'Page Viewed' && Date.parse(String(m.timestamp)) > weekAgo).map((m) => owner(m)),
);
const retail = ALL_USERS.filter((_, i) => i % 20 === 0 || i % 20 === 5);
const ordersOf = (id: string) => orders.filter((m) => owner(m) === id).length;
const times = events.map((m) => Date.parse(String(m.timestamp)));

describe('ingestion over HTTP on chDB', () => {
  it('keeps the good records of a batch and reports each bad one with its path', () => {
    expect(body('batch.mixed')).toMatchObject({
      success: false,
      received: 15,
      accepted: 12,
      stored: ALIASED,
      duplicates: 0,
      rejected: [
        { index: 1, issues: [{ code: 'missing_field', path: 'batch[1].event' }] },
        { index: 5, issues: [{ path: 'batch[5].type' }] },
        { index: 14, issues: [{ code: 'missing_identity', path: 'batch[14].userId' }] },
      ],
    });
    const shopReplies = [...chdb.replies.keys()].filter((step) => step.startsWith('batch.shop.'));
    const stored = shopReplies.reduce((n, step) => n + (body<{ stored: number }>(step).stored ?? 0), 0);
    expect(stored).toBe(events.length - ALIASED);
    expect(body('batch.alias')).toMatchObject({ success: true, received: ALIASED, accepted: ALIASED, rejected: [] });
    const replayed = shop.slice(0, 50).filter((m) => m.type === 'track' || m.type === 'page').length;
    expect(body('batch.replay')).toMatchObject({ stored: 0, duplicates: replayed });
  });

  it('reports the stored data in /api/stats and /api/stats/activity', () => {
    const counts = new Map<string, number>();
    for (const m of events) counts.set(nameOf(m), (counts.get(nameOf(m)) ?? 0) + 1);
    const refunds = events.filter((m) => nameOf(m) === 'Order Refunded').reduce((s, m) => s + revenueOf(m), 0);
    expect(body('stats')).toEqual({
      workspace: 'default',
      profiles: USERS,
      accounts: 4,
      anonymousVisitors: 0,
      events: events.length,
      eventsByName: [...counts]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([name, count]) => ({ name, count })),
      firstEvent: new Date(Math.min(...times)).toISOString(),
      lastEvent: new Date(Math.max(...times)).toISOString(),
      revenue: orders.reduce((s, m) => s + revenueOf(m), 0) - refunds,
    });
    const days = ['2024-05-26', '2024-05-27', '2024-05-28', '2024-05-29', '2024-05-30', '2024-05-31', '2024-06-01'];
    expect(body<{ days: unknown[] }>('activity').days).toEqual(
      days.map((day) => ({
        day,
        events: events.filter((m) => String(m.timestamp).startsWith(day)).length,
        received: day === '2024-06-01' ? events.length : 0,
      })),
    );
    sameAsDuckDb('activity');
  });

  it('samples the catalog', () => {
    const catalog = body<{ events: { name: string; count: number }[] }>('catalog');
    expect(catalog.events.map((e) => e.name).sort()).toEqual(
      ['Newsletter Opened', 'Order Completed', 'Order Refunded', 'Page Viewed', 'Product Viewed'].sort(),
    );
    sameAsDuckDb('catalog');
  });

  it('moves a visitor’s anonymous pages to them on identify, and merges an aliased id', () => {
    const visitor = body<{ profile: { firstSeen: string }; events: { messageId: string; userId: string }[] }>(
      'profile.visitor',
    );
    const own = events.filter((m) => owner(m) === VISITOR);
    expect(visitor.events.map((e) => e.messageId).sort()).toEqual(own.map((m) => String(m.messageId)).sort());
    expect(visitor.events.every((e) => e.userId === VISITOR)).toBe(true);
    expect(visitor.events.filter((e) => e.messageId.includes('-pre-'))).toHaveLength(3);
    expect(visitor.profile.firstSeen).toBe(
      new Date(Math.min(...own.map((m) => Date.parse(String(m.timestamp))))).toISOString(),
    );
    const aliased = body<{ profile: { traits: Record<string, unknown> }; events: { messageId: string }[] }>(
      'profile.aliased',
    );
    expect(aliased.profile.traits).toMatchObject({ source: 'import', email: `${userId(100)}@example.com` });
    expect(aliased.events.map((e) => e.messageId)).toContain('m-legacy-0-nl');
    expect(body<{ error: { code: string } }>('profile.legacy', 404).error.code).toBe('not_found');
    expect(aliasMessages()).toHaveLength(ALIASED);
  });
});

describe('segments over HTTP on chDB', () => {
  it('creates segments from JSON and text, refreshed at once by the live server', () => {
    for (const name of ['Buyers', 'Pro', 'Retail accounts', 'Big spenders', 'Active last week']) {
      expect(body<{ name: string }>(`create.${name}`, 201).name).toBe(name);
    }
    expect(body('refresh.Buyers')).toMatchObject({ name: 'Buyers', size: buyers.length, entered: 0, exited: 0 });
    const sizes = Object.fromEntries(body<{ name: string; size: number }[]>('list').map((s) => [s.name, s.size]));
    expect(sizes).toEqual({
      Buyers: buyers.length,
      Pro: pro.length,
      'Retail accounts': retail.length,
      'Big spenders': bigSpenders.length,
      'Active last week': activeLastWeek.length,
    });
    sameAsDuckDb('list');
  });

  it('previews a rule', () => {
    expect(body<{ count: number }>('preview').count).toBe(pro.filter((id) => ordersOf(id) >= 2).length);
  });

  it('pages and searches members', () => {
    expect(body('members.page1')).toEqual({ total: buyers.length, userIds: buyers.slice(0, 10) });
    expect(body('members.page2')).toEqual({ total: buyers.length, userIds: buyers.slice(10, 20) });
    const found = buyers.filter((id) => id.includes('u01'));
    expect(body('members.search')).toEqual({ total: found.length, userIds: found });
  });

  it('explains a membership', () => {
    const total = spend.get('u001') ?? 0;
    expect(body('explain')).toMatchObject({
      segment: 'Big spenders',
      userId: 'u001',
      member: total >= 100,
      explanation: { node: 'aggregate', result: total >= 100, actual: total },
    });
  });

  it('exports members as CSV and JSON Lines', () => {
    const csv = reply('export.csv');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.body).toBe(`user_id\n${pro.map((id) => `${id}\n`).join('')}`);
    const jsonl = reply('export.jsonl');
    expect(jsonl.headers.get('content-type')).toContain('application/x-ndjson');
    expect(jsonl.body).toBe(pro.map((id) => `${JSON.stringify({ user_id: id })}\n`).join(''));
  });

  it('answers daily sizes and the change log', () => {
    expect(body('sizes')).toMatchObject({
      from: '2024-05-30T00:00:00.000Z',
      days: [
        { day: '2024-05-30', size: 0, entered: 0, exited: 0 },
        { day: '2024-05-31', size: 0, entered: 0, exited: 0 },
        { day: '2024-06-01', size: buyers.length, entered: buyers.length, exited: 0 },
      ],
      refreshes: [{ at: NOW.toISOString(), size: buyers.length, entered: buyers.length, exited: 0 }],
    });
    sameAsDuckDb('sizes');
    expect(body<{ changes: unknown[] }>('changes.before').changes).toEqual(
      buyers.slice(0, 5).map((id, i) => ({ seq: i + 1, user_id: id, change: 'entered', at: NOW.toISOString() })),
    );
  });

  it('translates between the text form and JSON, and warns about segments', () => {
    expect(body('translate.text')).toEqual({
      valid: true,
      rule: {
        type: 'and',
        rules: [
          { type: 'trait', trait: 'plan', op: '=', value: 'pro' },
          {
            type: 'event',
            event: 'Order Completed',
            count: { op: '>=', value: 2 },
            window: { last: '30d' },
          },
        ],
      },
      text: 'plan = "pro" and did "Order Completed" >= 2 times in last 30d',
    });
    expect(body('translate.rule')).toEqual({
      valid: true,
      rule: { type: 'trait', trait: 'country', op: 'in', value: ['US', 'DE'] },
      text: 'country in ("US", "DE")',
    });
    const warnings = body<{ segments: number; warnings: { code: string; message: string }[] }>('warnings');
    expect(warnings.segments).toBe(5);
    expect(warnings.warnings).toContainEqual(
      expect.objectContaining({
        code: 'too_small_to_act',
        message: expect.stringContaining(`"Pro" has ${pro.length}`),
      }),
    );
    sameAsDuckDb('warnings');
  });
});

describe('live segments and webhooks on chDB', () => {
  const syncUntil = () => body<{ status: { sync_until: number } }>('webhook.create', 201).status.sync_until;

  it('makes a first order a membership without a refresh', () => {
    expect(buyers).not.toContain(LATE_BUYER);
    expect(body('live.before')).toEqual({ total: 0, userIds: [] });
    expect(body('batch.live')).toMatchObject({ success: true, stored: 1 });
    expect(body('live.after')).toEqual({ total: 1, userIds: [LATE_BUYER] });
    // One evaluation changes Buyers and Big spenders; which of the two is logged first is not fixed.
    const entered = ['changes.live', 'changes.live.big'].map((step) => {
      const changes = body<{ changes: { seq: number; user_id: string; change: string; at: string }[] }>(step).changes;
      expect(changes).toEqual([
        expect.objectContaining({ user_id: LATE_BUYER, change: 'entered', at: NOW.toISOString() }),
      ]);
      return changes[0]?.seq;
    });
    expect(entered.map(Number).sort((a, b) => a - b)).toEqual([syncUntil() + 1, syncUntil() + 2]);
  });

  it('delivers the initial sync and the live change, signed', () => {
    const total = buyers.length + pro.length + retail.length + bigSpenders.length + activeLastWeek.length;
    expect(body('webhook.create', 201)).toMatchObject({
      batch_size: 100,
      state: 'active',
      status: { cursor_seq: 0, sync_until: total, syncing: true, pending: buyers.length },
    });
    expect(chdb.timedOut).toEqual([]);
    for (const delivery of chdb.deliveries)
      expect(verifySignature(SECRET, delivery.body, delivery.signature)).toBe(true);
    const delivered = chdb.deliveries.flatMap(
      (d) => (JSON.parse(d.body) as { events: { user_id: string; type: string; initial?: boolean }[] }).events,
    );
    expect(delivered.map((e) => [e.user_id, e.type, e.initial ?? false])).toEqual([
      ...buyers.map((id) => [id, 'segment.entered', true]),
      [LATE_BUYER, 'segment.entered', false],
    ]);
    expect(body('webhook.show')).toMatchObject({
      status: { pending: 0, delivered_total: buyers.length + 1, failed_attempts_total: 0, syncing: false },
    });
  });

  it('ran every evaluation, sweep and delivery without an error', () => {
    expect(chdb.liveLog).toEqual([]);
    expect(body('live.status')).toMatchObject({ enabled: true, lastError: null });
  });
});

describe('analytics and models over HTTP on chDB', () => {
  const customers = buyers.length + 1;

  it('answers RFM and lifecycle as DuckDB does', () => {
    expect(body<{ customers: number }>('rfm.summary').customers).toBe(customers);
    sameAsDuckDb('rfm.summary');
    expect(body<{ users: number }>('lifecycle').users).toBe(USERS);
    sameAsDuckDb('lifecycle');
  });

  it('answers insight, overlap, compare and quality as DuckDB does', () => {
    expect(body('insight')).toMatchObject({ headline: { size: customers, users: USERS, buyers: customers } });
    sameAsDuckDb('insight');
    const bigNow = bigSpenders.length + (bigSpenders.includes(LATE_BUYER) ? 0 : 1);
    const overlap = body<{ segments: { name: string; size: number }[]; pairs: { both: number }[] }>('overlap');
    expect(overlap.segments.map((s) => [s.name, s.size])).toEqual([
      ['Buyers', customers],
      ['Pro', pro.length],
      ['Big spenders', bigNow],
    ]);
    expect(overlap.pairs.map((p) => p.both)).toEqual([
      pro.filter((id) => buyers.includes(id)).length,
      bigNow,
      pro.filter((id) => bigSpenders.includes(id)).length,
    ]);
    sameAsDuckDb('overlap');
    sameAsDuckDb('compare');
    expect(body('quality')).toMatchObject({
      totals: { events: events.length + 1, profiles: USERS, rejected: 3, orders: orders.length + 1 },
    });
    sameAsDuckDb('quality');
  });

  it('runs the computed traits', () => {
    expect(body('traits.refresh')).toMatchObject({ run: { kind: 'traits', status: 'succeeded' } });
    sameAsDuckDb('traits.refresh');
    const traits = body<{ traits: { trait: string; total: number }[] }>('traits').traits;
    expect(traits.find((t) => t.trait === 'rfm_segment')?.total).toBe(customers);
    sameAsDuckDb('traits');
  });

  it('fits the three models and draws their distributions as DuckDB does', () => {
    for (const kind of ['clv', 'churn', 'cluster']) {
      expect(body(`model.${kind}`)).toMatchObject({ run: { kind, status: 'succeeded' } });
      sameAsDuckDb(`model.${kind}`);
    }
    expect(body('model.churn')).toMatchObject({
      run: { stats: { data: { trainingCutoff: '2024-04-20T12:00:00.000Z' } } },
    });
    expect(body('distribution.clv')).toMatchObject({ kind: 'clv', output: 'clv', users: customers });
    sameAsDuckDb('distribution.clv');
    expect(body('distribution.churn')).toMatchObject({ kind: 'churn', output: 'churn_risk' });
    sameAsDuckDb('distribution.churn');
    // Clusters are names: there is nothing numeric to draw, on either engine.
    expect(body('distribution.cluster', 400)).toMatchObject({ error: { path: 'output' } });
    sameAsDuckDb('distribution.cluster');
  });
});
