import type { Engine } from '../../src/engines/engine.js';
import { createApiKey } from '../../src/keys/api-keys.js';
import { LiveService } from '../../src/live/service.js';
import { createApp } from '../../src/server/app.js';
import { listen } from '../../src/server/serve.js';
import { NOW, WS } from '../helpers.js';
import { startReceiver } from '../live/webhooks-harness.js';
import {
  aliasMessages,
  BAD_RECORDS,
  legacyMessages,
  type Message,
  shopMessages,
  userId,
  VISITOR,
} from './chdb-api-data.js';
import { basic, bearer, call, type Reply } from './harness.js';

/**
 * The end-to-end scenario of `chdb-api.test.ts`: one server (real-time segments, sweeps and webhook delivery on, as
 * `startServer` wires them) on loopback over the given engine, fed and queried only through HTTP. Every answer is
 * recorded by step name, so the test can check each against fixed values and against the same step on another
 * engine, and one failing endpoint does not hide the others.
 */

export const SECRET = 'chdb-api-secret-0123456789';
/** The user who buys for the first time while the server is live. */
export const LATE_BUYER = 'u015';
/** Segments created through the API, by name: the rule as JSON or in the text form. */
export const SEGMENTS = [
  { name: 'Buyers', rule: { type: 'event', event: 'Order Completed' } },
  { name: 'Pro', text: 'plan = "pro"' },
  { name: 'Retail accounts', text: 'account.industry = "Retail"' },
  { name: 'Big spenders', text: 'sum of revenue in "Order Completed" >= 100' },
  { name: 'Active last week', text: 'did "Page Viewed" in last 7d' },
] as const;

export interface ScenarioResult {
  readonly replies: ReadonlyMap<string, Reply>;
  /** Webhook requests as received: the raw body, its signature header, the parsed events. */
  readonly deliveries: readonly { body: string; signature: string | undefined }[];
  /** What the live service logged (failures of evaluation, sweeps, delivery). */
  readonly liveLog: readonly string[];
  /** The waits that timed out. */
  readonly timedOut: readonly string[];
}

/** Polls `check`; false when it still fails after `ms` (the test then names what never happened). */
async function until(check: () => Promise<boolean> | boolean, ms = 15_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function runScenario(engine: Engine): Promise<ScenarioResult> {
  const replies = new Map<string, Reply>();
  const liveLog: string[] = [];
  const timedOut: string[] = [];
  const wait = async (what: string, check: () => Promise<boolean> | boolean) => {
    if (!(await until(check))) timedOut.push(what);
  };
  const now = () => NOW;
  const live = new LiveService(engine, {
    now,
    sweepIntervalMs: 0,
    log: (message) => liveLog.push(message),
    webhooks: { pollMs: 10, backoffBaseMs: 5, backoffMaxMs: 20 },
  });
  const server = await listen(createApp({ engine, live, now, version: 'test', webDir: null }), { port: 0 });
  live.start();
  const receiver = await startReceiver();
  try {
    await live.ready;
    const write = (await createApiKey(engine, { workspace: WS, scope: 'write', name: 'site' })).key;
    const admin = (await createApiKey(engine, { workspace: WS, scope: 'admin', name: 'ops' })).key;
    const api = async (step: string, method: string, path: string, body?: unknown): Promise<Reply> => {
      const reply = await call(server.url, method, path, {
        auth: bearer(admin),
        ...(body === undefined ? {} : { body }),
      });
      replies.set(step, reply);
      return reply;
    };
    const send = async (step: string, batch: readonly Message[]) => {
      replies.set(step, await call(server.url, 'POST', '/v1/batch', { auth: basic(write), body: { batch } }));
      await live.idle();
    };

    // Ingestion: the bad records sit among good ones; the good ones are stored, the bad ones reported by index.
    const legacy = legacyMessages();
    await send('batch.mixed', [
      ...legacy.slice(0, 1),
      ...BAD_RECORDS.slice(0, 1),
      ...legacy.slice(1, 4),
      ...BAD_RECORDS.slice(1, 2),
      ...legacy.slice(4),
      ...BAD_RECORDS.slice(2),
    ]);
    const shop = shopMessages();
    let part = 0;
    for (const batch of chunks(shop, 1500)) await send(`batch.shop.${part++}`, batch);
    await send('batch.alias', aliasMessages());
    await send('batch.replay', shop.slice(0, 50));

    await api('stats', 'GET', '/api/stats');
    await api('activity', 'GET', '/api/stats/activity?days=7');
    await api('catalog', 'GET', '/api/catalog');
    await api('profile.visitor', 'GET', `/api/profiles/${VISITOR}`);
    await api('profile.aliased', 'GET', `/api/profiles/${userId(100)}`);
    await api('profile.legacy', 'GET', '/api/profiles/legacy-0');

    // The live server refreshes a new segment in the background; waiting for each keeps the change log's order fixed.
    for (const segment of SEGMENTS) {
      await api(`create.${segment.name}`, 'POST', '/api/segments', segment);
      await live.idle();
    }
    await api('refresh.Buyers', 'POST', '/api/segments/Buyers/refresh', {});
    await api('list', 'GET', '/api/segments');
    await api('preview', 'POST', '/api/segments/preview', {
      text: 'plan = "pro" and did "Order Completed" >= 2 times',
    });
    await api('members.page1', 'GET', '/api/segments/Buyers/members?limit=10');
    await api('members.page2', 'GET', '/api/segments/Buyers/members?limit=10&offset=10');
    await api('members.search', 'GET', '/api/segments/Buyers/members?search=u01');
    await api('explain', 'GET', '/api/segments/Big%20spenders/explain?user=u001');
    await api('export.csv', 'GET', '/api/segments/Pro/members?format=csv');
    await api('export.jsonl', 'GET', '/api/segments/Pro/members?format=jsonl');
    await api('sizes', 'GET', '/api/segments/Buyers/sizes?from=2024-05-30T00:00:00Z&to=2024-06-01T12:00:00Z');
    await api('changes.before', 'GET', '/api/segments/Buyers/changes?limit=5');

    // A webhook on Buyers: the initial sync sends every member's entry, signed.
    const created = await api('webhook.create', 'POST', '/api/webhooks', {
      url: receiver.url,
      segments: ['Buyers'],
      secret: SECRET,
      batch_size: 100,
    });
    const buyers = ((replies.get('refresh.Buyers')?.body ?? {}) as { size?: number }).size ?? 0;
    const deliveredEvents = () =>
      receiver.delivered().reduce<number>((n, body) => n + ((body as { events?: unknown[] }).events?.length ?? 1), 0);
    if (created.status === 201) await wait('the initial sync', () => deliveredEvents() >= buyers);

    // Live membership: a first order makes a user a buyer without any refresh, and the webhook hears of it.
    await api('live.before', 'GET', `/api/segments/Buyers/members?search=${LATE_BUYER}`);
    await send('batch.live', [
      {
        type: 'track',
        userId: LATE_BUYER,
        event: 'Order Completed',
        properties: { revenue: 120 },
        messageId: 'm-live-order',
        timestamp: '2024-06-01T11:00:00Z',
      },
    ]);
    await api('live.after', 'GET', `/api/segments/Buyers/members?search=${LATE_BUYER}`);
    await api('changes.live', 'GET', `/api/segments/Buyers/changes?user=${LATE_BUYER}`);
    await api('changes.live.big', 'GET', `/api/segments/Big%20spenders/changes?user=${LATE_BUYER}`);
    if (created.status === 201) await wait('the live change to be delivered', () => deliveredEvents() >= buyers + 1);
    const id = (created.body as { id?: string } | null)?.id ?? 'none';
    await wait('the webhook cursor', async () => {
      const shown = await call(server.url, 'GET', `/api/webhooks/${id}`, { auth: bearer(admin) });
      return shown.status !== 200 || (shown.body as { status: { pending: number } }).status.pending === 0;
    });
    await api('webhook.show', 'GET', `/api/webhooks/${id}`);

    // Analytics.
    await api('rfm.summary', 'GET', '/api/analytics/rfm/summary');
    await api('lifecycle', 'GET', '/api/analytics/lifecycle');
    await api('insight', 'GET', '/api/segments/Buyers/insight?from=Product%20Viewed&to=Order%20Completed');
    await api('overlap', 'GET', '/api/segments/overlap?segments=Buyers,Pro,Big%20spenders');
    await api('compare', 'GET', '/api/segments/compare?segments=Pro,Big%20spenders');
    await api('quality', 'GET', '/api/quality');

    // Computed traits, then the models.
    await api('traits.refresh', 'POST', '/api/analytics/traits/refresh', {});
    await api('traits', 'GET', '/api/analytics/traits');
    await api('model.clv', 'POST', '/api/models/clv', { unit: 'week' });
    await api('model.churn', 'POST', '/api/models/churn', { windowDays: 21 });
    await api('model.cluster', 'POST', '/api/models/cluster', { k: 3 });
    await api('distribution.clv', 'GET', '/api/models/clv/distribution?output=clv&bins=5');
    await api('distribution.churn', 'GET', '/api/models/churn/distribution?bins=5');
    await api('distribution.cluster', 'GET', '/api/models/cluster/distribution');

    await api('warnings', 'GET', '/api/segments/warnings');
    await api('translate.text', 'POST', '/api/segments/translate', {
      text: 'plan = "pro" and did "Order Completed" >= 2 times in last 30d',
    });
    await api('translate.rule', 'POST', '/api/segments/translate', {
      rule: { type: 'trait', trait: 'country', op: 'in', value: ['US', 'DE'] },
    });
    await live.idle();
    await api('live.status', 'GET', '/api/live');
    return {
      replies,
      deliveries: receiver.received.map((r) => ({
        body: r.body,
        signature: typeof r.headers['x-strata-signature'] === 'string' ? r.headers['x-strata-signature'] : undefined,
      })),
      liveLog,
      timedOut,
    };
  } finally {
    await server.close();
    await live.stop();
    await receiver.close();
  }
}
