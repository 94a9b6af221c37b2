import { Worker } from 'node:worker_threads';

/**
 * Kills this process with SIGKILL if it is still running after `ms`, from a thread of its own. A stop can hang in a
 * synchronous native call (closing the store while a query of the live services still runs was seen to block the
 * main thread on a lock), and then no timer or signal handler of the main thread runs any more: the thread's own
 * event loop is the only clock left. Returns the function that calls the watchdog off.
 */
export function startStopWatchdog(ms: number, message: string): () => Promise<void> {
  const source = `
    const { workerData } = require('node:worker_threads');
    const { writeSync } = require('node:fs');
    setTimeout(() => {
      writeSync(2, workerData.message + '\\n');
      process.kill(workerData.pid, 'SIGKILL');
    }, workerData.ms);`;
  const worker = new Worker(source, { eval: true, workerData: { pid: process.pid, ms, message } });
  worker.unref();
  return async () => {
    await worker.terminate();
  };
}
