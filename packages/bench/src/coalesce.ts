/**
 * The cross-process coalescing row: `processes` Node processes on one Redis, each keeping `inFlight`
 * requests going over a few URLs whose entries expire every second, against an origin answering in
 * 30 ms. Counts what reached the origin per 1 000 client requests, with `coalesce: 'process'` (every
 * process refreshes each expired entry) and `'store'` (one process does, through the store's lease).
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { CoalesceWorkerJob } from './coalesce-worker.js';
import type { CoalesceRowResult } from './report.js';

const WORKER = fileURLToPath(new URL('./coalesce-worker.ts', import.meta.url));
/** Distinct URLs the workers share: each expires, and is refetched, once per second. */
const URLS = 8;
const ORIGIN_DELAY_MS = 30;

/** Measures one row per mode, one mode after the other on a fresh cache. */
export async function measureCoalescing(options: {
  processes: number;
  inFlight: number;
  durationMs: number;
  runId: string;
  log: (line: string) => void;
}): Promise<CoalesceRowResult[]> {
  let hits = 0;
  const origin = createServer((_req, res) => {
    hits++;
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ at: Date.now() }));
    }, ORIGIN_DELAY_MS);
  });
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  const address = origin.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const out: CoalesceRowResult[] = [];
  try {
    for (const mode of ['process', 'store'] as const) {
      options.log(
        `measuring coalesce: '${mode}', ${options.processes} processes × ${options.inFlight} in flight …`,
      );
      const urls = Array.from(
        { length: URLS },
        (_, i) => `http://127.0.0.1:${port}/coalesce/${mode}/${options.runId}/${i}`,
      );
      const job: CoalesceWorkerJob = {
        urls,
        mode,
        cacheName: `bench-coalesce-${options.runId}-${mode}`,
        inFlight: options.inFlight,
        durationMs: options.durationMs,
        paceMs: 200,
        expireAfter: 1,
      };
      const before = hits;
      const results = await runWorkers(options.processes, job);
      const requests = results.reduce((sum, result) => sum + result.requests, 0);
      const errors = results.reduce((sum, result) => sum + result.errors, 0);
      const originRequests = hits - before;
      out.push({
        mode,
        processes: options.processes,
        inFlight: options.inFlight,
        clientRequests: requests,
        errors,
        originRequests,
        originPer1000: requests === 0 ? 0 : (originRequests * 1000) / requests,
      });
    }
  } finally {
    origin.closeAllConnections();
    await new Promise((resolve) => origin.close(resolve));
  }
  return out;
}

/** Starts the workers, lets them go together once all are connected, and collects their counts. */
async function runWorkers(
  processes: number,
  job: CoalesceWorkerJob,
): Promise<Array<{ requests: number; errors: number }>> {
  const children: ChildProcess[] = [];
  try {
    const started = Array.from({ length: processes }, () => {
      const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(job)], {
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      children.push(child);
      let markReady!: () => void;
      const ready = new Promise<void>((resolve) => {
        markReady = resolve;
      });
      const result = new Promise<{ requests: number; errors: number }>((resolve, reject) => {
        let last: { requests: number; errors: number } | undefined;
        createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
          if (line === 'ready') markReady();
          else if (line.startsWith('{')) last = JSON.parse(line) as { requests: number; errors: number };
        });
        child.on('exit', (code) => {
          markReady();
          if (last === undefined) reject(new Error(`coalesce worker exited (${code}) without a result`));
          else resolve(last);
        });
      });
      return { child, ready, result };
    });
    await Promise.all(started.map((worker) => worker.ready));
    for (const worker of started) worker.child.stdin?.write('go\n');
    return await Promise.all(started.map((worker) => worker.result));
  } finally {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill();
  }
}
