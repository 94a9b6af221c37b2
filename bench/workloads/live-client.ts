import { createHmac, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * The load side of the live benchmark, in its own thread so it does not share the server's event loop: sends
 * `/v1/batch` requests of 100–500 events and receives the webhooks. Some events are a user's first `Signal`, which
 * makes exactly one `segment.entered` for the "Signalled" segment; the time from the acceptance of the request that
 * carried it to the arrival of that webhook is the latency measured.
 */

export interface ClientConfig {
  readonly url: string;
  readonly writeKey: string;
  readonly users: number;
  /** Signal events go to users from this offset on, one each, so every one is a first signal. */
  readonly signalFrom: number;
  readonly seconds: number;
  /** Events per second to offer; 0 sends as fast as the server answers. */
  readonly rate: number;
  readonly concurrency: number;
  readonly secret: string;
  /** How long to wait for the last webhooks after sending stops. */
  readonly drainSeconds: number;
}

export interface ClientReport {
  readonly sent: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly failedRequests: number;
  readonly seconds: number;
  readonly signals: number;
  readonly delivered: number;
  readonly badSignatures: number;
  /** Milliseconds from acceptance to delivery, one per delivered signal. */
  readonly latencies: number[];
}

const NAMES = ['Page Viewed', 'Page Viewed', 'Product Viewed', 'Product Added', 'Order Completed', 'Login'];
const now = () => Number(process.hrtime.bigint()) / 1e6;

async function main(config: ClientConfig): Promise<ClientReport> {
  const accepted = new Map<string, number>();
  const deliveredAt = new Map<string, number>();
  let badSignatures = 0;
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const at = now();
      const raw = Buffer.concat(chunks);
      const expected = `sha256=${createHmac('sha256', config.secret).update(raw).digest('hex')}`;
      if (req.headers['x-strata-signature'] !== expected) badSignatures++;
      const body = JSON.parse(raw.toString('utf8')) as { events?: unknown[] };
      for (const event of (body.events ?? [body]) as { type: string; user_id: string; segment: { name: string } }[]) {
        if (event.type === 'segment.entered' && event.segment.name === 'Signalled' && !deliveredAt.has(event.user_id)) {
          deliveredAt.set(event.user_id, at);
        }
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const address = receiver.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  parentPort?.postMessage({ receiver: `http://127.0.0.1:${port}/hook` });
  await new Promise<void>((resolve) => parentPort?.once('message', () => resolve()));

  let n = 0;
  let signal = 0;
  let sent = 0;
  let acceptedEvents = 0;
  let rejected = 0;
  let failedRequests = 0;
  const auth = `Basic ${Buffer.from(`${config.writeKey}:`).toString('base64')}`;
  const started = now();
  const deadline = started + config.seconds * 1000;

  const makeBatch = (): { body: string; signals: string[]; size: number } => {
    const size = 100 + Math.floor(Math.random() * 401);
    const time = new Date().toISOString();
    const batch: unknown[] = [];
    const signals: string[] = [];
    for (let i = 0; i < size; i++) {
      n++;
      // Random like the ids analytics libraries send: no prefix the store's min/max indexes could skip on.
      const messageId = randomUUID();
      if (i === 0 && config.signalFrom + signal < config.users) {
        const userId = `u${config.signalFrom + signal++}`;
        signals.push(userId);
        batch.push({ type: 'track', userId, event: 'Signal', messageId, timestamp: time });
        continue;
      }
      const userId = `u${Math.floor(Math.random() * config.users)}`;
      if (n % 20 === 0) {
        const plan = ['free', 'pro', 'team'][n % 3];
        batch.push({ type: 'identify', userId, messageId, traits: { plan }, timestamp: time });
        continue;
      }
      const event = NAMES[n % NAMES.length] as string;
      const properties =
        event === 'Order Completed'
          ? { revenue: 5 + (n % 300), category: ['books', 'music', 'games'][n % 3] }
          : event === 'Product Viewed'
            ? { category: ['books', 'music', 'games', 'home'][n % 4], price: n % 200 }
            : { path: `/p/${n % 100}` };
      batch.push({ type: 'track', userId, event, messageId, properties, timestamp: time });
    }
    return { body: JSON.stringify({ batch }), signals, size };
  };

  const worker = async (lane: number): Promise<void> => {
    let next = started;
    while (now() < deadline) {
      const { body, signals, size } = makeBatch();
      if (config.rate > 0) {
        // Paced: each lane offers rate/concurrency events per second.
        next += (size / config.rate) * config.concurrency * 1000;
        const wait = next - now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      sent += size;
      try {
        const response = await fetch(`${config.url}/v1/batch`, {
          method: 'POST',
          headers: { Authorization: auth, 'Content-Type': 'application/json' },
          body,
        });
        const reply = (await response.json()) as { stored: number; duplicates: number; rejected: unknown[] };
        if (response.status !== 200) failedRequests++;
        const at = now();
        acceptedEvents += reply.stored + reply.duplicates;
        rejected += reply.rejected.length;
        for (const userId of signals) accepted.set(userId, at);
      } catch {
        failedRequests++;
      }
    }
    void lane;
  };
  await Promise.all(Array.from({ length: config.concurrency }, (_, lane) => worker(lane)));
  const seconds = (now() - started) / 1000;

  const drainUntil = now() + config.drainSeconds * 1000;
  while (now() < drainUntil && [...accepted.keys()].some((user) => !deliveredAt.has(user))) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  receiver.close();
  receiver.closeAllConnections();
  const latencies: number[] = [];
  for (const [user, at] of accepted) {
    const delivered = deliveredAt.get(user);
    if (delivered !== undefined) latencies.push(Math.max(0, delivered - at));
  }
  return {
    sent,
    accepted: acceptedEvents,
    rejected,
    failedRequests,
    seconds,
    signals: accepted.size,
    delivered: latencies.length,
    badSignatures,
    latencies,
  };
}

const report = await main(workerData as ClientConfig);
parentPort?.postMessage({ report });
