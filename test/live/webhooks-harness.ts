import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { Engine } from '../../src/engines/engine.js';
import { ingestMessages } from '../../src/ingest/pipeline.js';
import { ChangeFeed } from '../../src/live/feed.js';
import { type DispatcherOptions, WebhookDispatcher } from '../../src/live/webhooks/dispatcher.js';
import { definitionFromInput } from '../../src/segments/input.js';
import { refreshSegment } from '../../src/segments/refresh.js';
import { createSegment, type SavedSegment } from '../../src/segments/store.js';

/** One request as the receiver saw it: the raw body bytes as text, the headers, and what it answered. */
export interface Received {
  readonly body: string;
  readonly headers: IncomingHttpHeaders;
  readonly path: string;
  /** The status answered, or 'hang' for a request left without an answer. */
  readonly answer: number | 'hang';
}

/** What the receiver answers request number `n` (0-based): a status, or 'hang' to never answer. */
export type Behaviour = (n: number) => number | 'hang';

export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  behaviour: Behaviour;
  /** The parsed bodies of the requests answered with a 2xx. */
  delivered(): unknown[];
  close(): Promise<void>;
}

/** A real HTTP receiver on a random loopback port that records every request. */
export async function startReceiver(behaviour: Behaviour = () => 200): Promise<Receiver> {
  const received: Received[] = [];
  const hanging: ServerResponse[] = [];
  const receiver: Receiver = {
    url: '',
    received,
    behaviour,
    delivered: () =>
      received.filter((r) => typeof r.answer === 'number' && r.answer < 300).map((r) => JSON.parse(r.body)),
    close: async () => {},
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answer = receiver.behaviour(received.length);
      received.push({
        body: Buffer.concat(chunks).toString('utf8'),
        headers: req.headers,
        path: req.url ?? '',
        answer,
      });
      if (answer === 'hang') hanging.push(res);
      else res.writeHead(answer, { 'content-type': 'text/plain' }).end(answer < 300 ? 'ok' : 'receiver says no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hook`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}

/** A dispatcher with test-sized timings. */
export function dispatcher(engine: Engine, feed: ChangeFeed, options: Partial<DispatcherOptions> = {}) {
  const d = new WebhookDispatcher({
    engine,
    feed,
    version: '1.2.3',
    timeoutMs: 2000,
    backoffBaseMs: 5,
    backoffMaxMs: 20,
    pollMs: 50,
    log: () => {},
    ...options,
  });
  d.start();
  return d;
}

export const T = (day: number) => new Date(Date.UTC(2024, 5, day));

/** Sets users' plans, as identify calls at the given time. */
export async function setPlans(engine: Engine, workspace: string, plans: Record<string, string>, at: Date) {
  await ingestMessages(
    engine,
    Object.entries(plans).map(([userId, plan]) => ({
      type: 'identify',
      userId,
      traits: { plan },
      timestamp: at.toISOString(),
    })),
    { workspace, now: at, source: 'test' },
  );
}

/** A segment of the users on plan "pro". */
export function proSegment(engine: Engine, workspace: string, name = 'Pro'): Promise<SavedSegment> {
  return createSegment(engine, workspace, definitionFromInput({ name, text: 'plan = "pro"' }));
}

/** Sets plans, refreshes the segment as of that time and signals the feed, as the live service does. */
export async function change(
  engine: Engine,
  feed: ChangeFeed,
  workspace: string,
  segment: string,
  plans: Record<string, string>,
  at: Date,
) {
  await setPlans(engine, workspace, plans, at);
  const result = await refreshSegment(engine, workspace, segment, { asOf: at });
  feed.publish(workspace);
  return result;
}

/** Waits until `check` holds, polling; fails after a generous limit rather than asserting a duration. */
export async function waitFor(check: () => boolean | Promise<boolean>, what = 'condition'): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export { ChangeFeed };
