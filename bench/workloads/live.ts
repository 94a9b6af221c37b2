import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Engine } from '../../src/engines/engine.js';
import { openEngine } from '../../src/engines/open.js';
import { sql } from '../../src/engines/sql.js';
import { createApiKey } from '../../src/keys/api-keys.js';
import { createWebhook, deleteWebhook, listWebhooks } from '../../src/live/webhooks/store.js';
import { refreshAll } from '../../src/segments/refresh.js';
import { createSegment } from '../../src/segments/store.js';
import { startServer } from '../../src/server/serve.js';
import type { Measurement, Workload } from '../harness.js';
import type { ClientConfig, ClientReport } from './live-client.js';
import { generateSegmentData } from './segment-data.js';
import { cases } from './segments.js';

const USERS = 100_000;
const HISTORY_EVENTS = 2_000_000;
const SECRET = 'bench-secret-0123456789';
const PHASE_SECONDS = 20;

const quantile = (sorted: readonly number[], q: number) =>
  sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);

async function runClient(config: ClientConfig, onReceiver: (url: string) => Promise<void>): Promise<ClientReport> {
  const worker = new Worker(new URL('./live-client.js', import.meta.url), { workerData: config });
  return new Promise<ClientReport>((resolve, reject) => {
    worker.on('message', (message: { receiver?: string; report?: ClientReport }) => {
      if (message.receiver) void onReceiver(message.receiver).then(() => worker.postMessage('go'), reject);
      if (message.report) resolve(message.report);
    });
    worker.on('error', reject);
  });
}

interface Phase {
  readonly name: string;
  readonly live: boolean;
  readonly rate: number;
}

/**
 * Sustained ingestion through `/v1/batch` against a server on loopback: 100k users with two million events of
 * history, 20 segments (19 from the segment benchmark plus "Signalled", whose entries are timed), real-time
 * evaluation and webhook delivery on. The baseline is the same server with real-time evaluation off.
 */
export const liveWorkload: Workload = {
  name: 'live',
  description: 'ingestion through /v1/batch with real-time segments and webhooks (100k users, 20 segments)',
  async run({ workdir, size }) {
    const users = size ?? USERS;
    const db = join(workdir, 'live.duckdb');
    const engine = await openEngine({ db });
    await generateSegmentData(engine, users, (HISTORY_EVENTS * users) / USERS);
    for (const c of cases.slice(0, 19)) await createSegment(engine, 'default', { name: c.name, rule: c.rule });
    await createSegment(engine, 'default', { name: 'Signalled', rule: { type: 'event', event: 'Signal' } });
    await refreshAll(engine, 'default');
    const historyEvents = await countEvents(engine);
    const writeKey = (await createApiKey(engine, { workspace: 'default', scope: 'write', name: 'bench' })).key;

    const phases: Phase[] = [
      { name: 'baseline: real-time off, as fast as answered', live: false, rate: 0 },
      { name: 'real-time on, as fast as answered', live: true, rate: 0 },
      { name: 'real-time on, offered 20,000 events/s', live: true, rate: 20_000 },
      { name: 'real-time on, offered 5,000 events/s', live: true, rate: 5_000 },
    ];
    const reports: { phase: Phase; report: ClientReport }[] = [];
    let signalFrom = 0;
    for (const phase of phases) {
      const server = await startServer({
        engine,
        port: 0,
        live: phase.live ? { sweepIntervalMs: 60_000, webhooks: { pollMs: 1000 } } : false,
      });
      // Measure the steady state: a starting server first refreshes every segment (its catch-up sweep).
      await server.live?.ready;
      const report = await runClient(
        {
          url: server.url,
          writeKey,
          users,
          signalFrom,
          seconds: PHASE_SECONDS,
          rate: phase.rate,
          concurrency: 16,
          secret: SECRET,
          drainSeconds: phase.live ? 30 : 0,
        },
        async (receiver) => {
          if (!phase.live) return;
          for (const hook of await listWebhooks(engine, 'default')) await deleteWebhook(engine, 'default', hook.id);
          await createWebhook(engine, 'default', {
            url: receiver,
            segments: ['Signalled'],
            secret: SECRET,
            batchSize: 200,
          });
        },
      );
      await server.close();
      signalFrom += report.signals;
      reports.push({ phase, report });
      console.error(
        `  ${phase.name}: ${Math.round(report.accepted / report.seconds)} events/s, signals ${report.delivered}/${report.signals}`,
      );
    }
    const stored = (await countEvents(engine)) - historyEvents;
    await engine.close();

    const [baseline] = reports;
    if (!baseline) return [];
    const baselineRate = baseline.report.accepted / baseline.report.seconds;
    const accepted = reports.reduce((n, r) => n + r.report.accepted, 0);
    return reports.slice(1).map(({ phase, report }): Measurement => {
      const sorted = [...report.latencies].sort((a, b) => a - b);
      const rate = report.accepted / report.seconds;
      return {
        name: phase.name,
        rows: report.accepted,
        seconds: report.seconds,
        baseline: { name: baseline.phase.name, seconds: report.accepted / baselineRate },
        notes: [
          `${Math.round(rate).toLocaleString('en-US')} events/s accepted (target ≥ 20,000; real-time off: ${Math.round(baselineRate).toLocaleString('en-US')})`,
          `acceptance → webhook p50 ${quantile(sorted, 0.5).toFixed(0)} ms, p99 ${quantile(sorted, 0.99).toFixed(0)} ms, max ${(sorted.at(-1) ?? Number.NaN).toFixed(0)} ms (target p99 < 1000)`,
          `signals delivered ${report.delivered}/${report.signals}, bad signatures ${report.badSignatures}`,
          `requests failed ${report.failedRequests}, events rejected ${report.rejected}`,
          `all phases: ${accepted.toLocaleString('en-US')} events accepted, ${stored.toLocaleString('en-US')} stored (lost ${accepted - stored})`,
        ].join('; '),
      };
    });
  },
};

async function countEvents(engine: Engine): Promise<number> {
  const [row] = await engine.query(sql`SELECT count(*) AS n FROM events`);
  return Number(row?.['n'] ?? 0);
}
