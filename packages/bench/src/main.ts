/**
 * `pnpm bench`: reqcache against every peer and against the floor, side by side, in one process.
 *
 * Flags: `--quick` (a fast run), `--only=fetch,got,axios`, `--payload=json-1k,bin-100k`,
 * `--kinds=uncached,hit,miss,revalidate,peer,floor`, `--stores=memory,sqlite,redis`,
 * `--no-scale`, `--no-rows`, `--no-redis`, `--rounds=N`, `--batch=N`, `--scale=1000,100000`,
 * `--warm-ms=N` (untimed time each row runs alone first), `--warm=N` (untimed alternation rounds),
 * `--no-concurrency`, `--in-flight=N` (requests in flight in the concurrency rows, default 64),
 * `--no-coalesce` (skips the cross-process row: 4 processes × 64 in flight on Redis, per `coalesce` mode).
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  buildConcurrentClients,
  buildRows,
  type ClientName,
  type ConcurrentClient,
  type Row,
  type RowContext,
  type RowKind,
  removeTempDir,
  type StoreName,
  tempDir,
} from './clients.js';
import { measureCoalescing } from './coalesce.js';
import { type PayloadName, startOrigin } from './origin.js';
import {
  type BenchResult,
  type CoalesceRowResult,
  type ConcurrencyResult,
  evaluateTargets,
  type RowResult,
  type ScaleResult,
  toMarkdown,
} from './report.js';
import { buildScaleRow, gc, type ScaleRow } from './scale.js';
import { summarize } from './stats.js';

/** Parsed command line. */
export interface BenchArgs {
  quick: boolean;
  clients: ClientName[];
  payloads: PayloadName[];
  /** Which kinds of rows to measure. */
  kinds: RowKind[];
  rows: boolean;
  scale: number[];
  redis: boolean;
  /** Which stores hit rows use. */
  stores: StoreName[];
  rounds: number;
  /** Untimed rounds before the timed ones (JIT warm-up). */
  warmRounds: number;
  /** Untimed time (ms) each row runs alone first, so every code path reaches its optimized steady state. */
  warmMs: number;
  batch: number;
  warmUrls: number;
  scaleRounds: number;
  /** Requests in flight in the concurrency rows (0: none). */
  inFlight: number;
  concurrencyRounds: number;
  /** Run time (ms) of each cross-process coalescing row (0: skipped). */
  coalesceMs: number;
}

/** Parses the flags (unknown flags throw). */
export function parseArgs(argv: readonly string[]): BenchArgs {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    if (arg === '--') continue;
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (match === null) throw new Error(`Unknown argument ${arg}`);
    flags.set(match[1]!, match[2] ?? 'true');
  }
  const known = [
    'quick',
    'only',
    'payload',
    'kinds',
    'stores',
    'no-scale',
    'no-rows',
    'no-redis',
    'rounds',
    'batch',
    'scale',
    'warm',
    'warm-ms',
    'no-concurrency',
    'in-flight',
    'no-coalesce',
  ];
  for (const name of flags.keys()) if (!known.includes(name)) throw new Error(`Unknown flag --${name}`);
  const quick = flags.has('quick');
  const list = (name: string, fallback: string[]) => flags.get(name)?.split(',').filter(Boolean) ?? fallback;
  return {
    quick,
    clients: list('only', ['fetch', 'got', 'axios']) as ClientName[],
    payloads: list('payload', ['json-1k', 'bin-100k']) as PayloadName[],
    kinds: list('kinds', ['uncached', 'hit', 'miss', 'revalidate', 'peer', 'floor']) as RowKind[],
    rows: !flags.has('no-rows'),
    scale: flags.has('no-scale')
      ? []
      : list('scale', quick ? ['1000', '100000'] : ['1000', '100000', '1000000']).map(Number),
    redis: !flags.has('no-redis'),
    stores: list('stores', ['memory', 'sqlite', 'redis']) as StoreName[],
    rounds: Number(flags.get('rounds') ?? (quick ? 8 : 30)),
    warmRounds: Number(flags.get('warm') ?? (quick ? 4 : 10)),
    warmMs: Number(flags.get('warm-ms') ?? (quick ? 300 : 1500)),
    batch: Number(flags.get('batch') ?? (quick ? 20 : 40)),
    warmUrls: 100,
    scaleRounds: quick ? 10 : 40,
    inFlight: flags.has('no-concurrency') ? 0 : Number(flags.get('in-flight') ?? 64),
    concurrencyRounds: quick ? 30 : 100,
    coalesceMs: flags.has('no-coalesce') ? 0 : quick ? 3000 : 10_000,
  };
}

async function redisReachable(): Promise<boolean> {
  const { createConnection } = await import('node:net');
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port: 6379 });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * Runs each row alone, untimed, for `warmMs`: V8 optimizes a long code path (a cache's) later than a short
 * one (a floor's), and a few hundred requests would time the cache before its steady state.
 */
async function warmAlone(
  rows: readonly { run(): Promise<void>; afterBatch?(): Promise<void> }[],
  warmMs: number,
  batch: number,
): Promise<void> {
  for (const row of rows) {
    const until = performance.now() + warmMs;
    while (performance.now() < until) {
      for (let n = 0; n < batch; n++) await row.run();
      await row.afterBatch?.();
    }
  }
}

/** Runs `run()` in round-robin batches over every row; returns the samples (ms) and origin requests per row. */
async function alternate<T extends { run(): Promise<void>; afterBatch?(): Promise<void> }>(
  rows: readonly T[],
  warmRounds: number,
  rounds: number,
  batch: number,
  originTotal: () => number,
  progress: (round: number) => void,
): Promise<Map<T, { samples: number[]; origin: number }>> {
  const out = new Map<T, { samples: number[]; origin: number }>();
  for (const row of rows) out.set(row, { samples: [], origin: 0 });
  // Untimed rounds first: every row's code is JIT-compiled before it is timed.
  for (let round = 0; round < warmRounds; round++) {
    for (const row of rows) {
      for (let n = 0; n < batch; n++) await row.run();
      await row.afterBatch?.();
    }
  }
  for (let round = 0; round < rounds; round++) {
    // Rotate the order each round, so no row always runs right after the same neighbour.
    for (let i = 0; i < rows.length; i++) {
      const row = rows[(i + round) % rows.length]!;
      const slot = out.get(row)!;
      const before = originTotal();
      for (let n = 0; n < batch; n++) {
        const started = performance.now();
        await row.run();
        slot.samples.push(performance.now() - started);
      }
      slot.origin += originTotal() - before;
      await row.afterBatch?.();
    }
    progress(round + 1);
  }
  return out;
}

/**
 * The concurrency rows: `inFlight` requests started at once (hits on warmed URLs), awaited together, for
 * `rounds` rounds per client in alternation; hits per second over the timed rounds.
 */
async function measureConcurrency(
  clients: readonly ConcurrentClient[],
  inFlight: number,
  rounds: number,
  originTotal: () => number,
): Promise<Map<ConcurrentClient, { roundsMs: number[]; origin: number }>> {
  const out = new Map<ConcurrentClient, { roundsMs: number[]; origin: number }>();
  let offset = 0;
  const burst = (entry: ConcurrentClient) => {
    const sends: Array<Promise<unknown>> = [];
    for (let n = 0; n < inFlight; n++) sends.push(entry.send(entry.urls[(offset + n) % entry.urls.length]!));
    offset += inFlight;
    return Promise.all(sends);
  };
  for (const entry of clients) {
    out.set(entry, { roundsMs: [], origin: 0 });
    for (let round = 0; round < 5; round++) await burst(entry);
  }
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < clients.length; i++) {
      const entry = clients[(i + round) % clients.length]!;
      const slot = out.get(entry)!;
      const before = originTotal();
      const started = performance.now();
      await burst(entry);
      slot.roundsMs.push(performance.now() - started);
      slot.origin += originTotal() - before;
    }
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const startedAt = performance.now();
  const notes: string[] = [];
  // Keyv (under got's `cache` option) warns on every request once its listeners leak past 100: say it once, in the notes.
  const warn = console.warn;
  console.warn = (...parts: unknown[]) => {
    if (typeof parts[0] === 'string' && parts[0].startsWith('MaxListenersExceededWarning')) return;
    warn(...parts);
  };
  const origin = await startOrigin();
  const runId = `${process.pid}-${Date.now().toString(36)}`;
  const stores: StoreName[] = args.stores.filter((store) => store !== 'redis');
  if (args.stores.includes('redis')) {
    if (args.redis && (await redisReachable())) stores.push('redis');
    else notes.push('Redis rows skipped: nothing listens on 127.0.0.1:6379 (or --no-redis).');
  }
  const ctx: RowContext = { origin, warmUrls: args.warmUrls, runId, stores };
  const rowResults: RowResult[] = [];
  const scaleResults: ScaleResult[] = [];
  const concurrencyResults: ConcurrencyResult[] = [];
  const coalesceResults: CoalesceRowResult[] = [];
  try {
    if (args.rows) {
      const rows: Row[] = [];
      for (const payload of args.payloads) {
        for (const client of args.clients) {
          log(`warming ${client} / ${payload} …`);
          const built = await buildRows(client, payload, ctx);
          for (const row of built) {
            if (args.kinds.includes(row.kind)) rows.push(row);
            else await row.close();
          }
        }
      }
      log(`warming ${rows.length} rows alone, ${args.warmMs} ms each …`);
      await warmAlone(rows, args.warmMs, args.batch);
      log(`measuring ${rows.length} rows: ${args.rounds} rounds × ${args.batch} requests …`);
      gc();
      const measured = await alternate(
        rows,
        args.warmRounds,
        args.rounds,
        args.batch,
        () => origin.hits(''),
        (round) => {
          if (round % 5 === 0 || round === args.rounds) log(`  round ${round}/${args.rounds}`);
        },
      );
      for (const row of rows) {
        const { samples, origin: reached } = measured.get(row)!;
        const result: RowResult = {
          client: row.client,
          label: row.label,
          kind: row.kind,
          payload: row.payload,
          ...summarize(samples),
          originPerRequest: reached / samples.length,
        };
        if (row.store !== undefined) result.store = row.store;
        rowResults.push(result);
      }
      for (const row of rows) await row.close();
      if (args.clients.includes('got') && args.kinds.includes('peer')) {
        notes.push(
          '`got + cache: Map` leaks an `error` listener per request (cacheable-request 13 over Keyv 5, which warns ' +
            'on each one past 100; the bench silences those warnings), see got#1128: its memory grows with the run.',
        );
      }
    }
    if (args.inFlight > 0) {
      const payload = args.payloads.includes('json-1k') ? 'json-1k' : args.payloads[0]!;
      const clients: ConcurrentClient[] = [];
      for (const client of args.clients)
        clients.push(...(await buildConcurrentClients(client, payload, ctx)));
      log(
        `measuring ${clients.length} concurrency rows: ${args.concurrencyRounds} rounds × ${args.inFlight} in flight …`,
      );
      gc();
      const measured = await measureConcurrency(clients, args.inFlight, args.concurrencyRounds, () =>
        origin.hits(''),
      );
      for (const entry of clients) {
        const { roundsMs, origin: reached } = measured.get(entry)!;
        const totalMs = roundsMs.reduce((sum, ms) => sum + ms, 0);
        const sorted = [...roundsMs].sort((a, b) => a - b);
        const result: ConcurrencyResult = {
          client: entry.client,
          label: entry.label,
          payload,
          inFlight: args.inFlight,
          hitsPerSecond: (args.inFlight * roundsMs.length * 1000) / totalMs,
          medianRoundMs: sorted[Math.floor(sorted.length / 2)] ?? 0,
          originPerRequest: reached / (args.inFlight * roundsMs.length),
        };
        if (entry.store !== undefined) result.store = entry.store;
        concurrencyResults.push(result);
      }
      for (const entry of clients) await entry.close();
    }
    if (args.coalesceMs > 0 && stores.includes('redis')) {
      coalesceResults.push(
        ...(await measureCoalescing({ processes: 4, inFlight: 64, durationMs: args.coalesceMs, runId, log })),
      );
    } else if (args.coalesceMs > 0) {
      notes.push('Coalescing rows skipped: they need Redis on 127.0.0.1:6379.');
    }
    if (args.scale.length > 0) {
      const scaleRows: ScaleRow[] = [];
      for (const store of ['memory', 'sqlite'] as const) {
        for (const entries of args.scale) {
          log(`filling ${store} with ${entries.toLocaleString('en-US')} entries …`);
          const row = await buildScaleRow(store, entries, origin, tempDir(ctx), log);
          log(
            `  ${(row.populateMs / 1000).toFixed(1)} s, RSS +${(row.rssDeltaBytes / 1048576).toFixed(1)} MiB`,
          );
          scaleRows.push(row);
        }
      }
      for (const row of scaleRows) for (let i = 0; i < 50; i++) await row.run();
      log(`measuring ${scaleRows.length} scale rows …`);
      const measured = await alternate(
        scaleRows,
        2,
        args.scaleRounds,
        args.batch,
        () => origin.hits(''),
        () => {},
      );
      for (const row of scaleRows) {
        const { samples, origin: reached } = measured.get(row)!;
        scaleResults.push({
          store: row.store,
          entries: row.entries,
          populateMs: row.populateMs,
          populateMethod: row.populateMethod,
          rssDeltaBytes: row.rssDeltaBytes,
          ...summarize(samples),
          originPerRequest: reached / samples.length,
        });
      }
      for (const row of scaleRows) await row.close();
      notes.push(
        'Scale fill: `engine.cache.write()` in batches of 5 000 concurrent writes (SQLite: one transaction per batch); ' +
          'RSS Δ is measured after a forced GC, in fill order (memory 1 000 → 1 000 000, then SQLite), so later rows may reuse freed pages.',
      );
    }
  } finally {
    await origin.close();
    removeTempDir();
  }
  const result: BenchResult = {
    meta: {
      node: process.version,
      cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
      cores: cpus().length,
      platform: `${process.platform} ${process.arch}`,
      date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      quick: args.quick,
      rounds: args.rounds,
      warmRounds: args.warmRounds,
      warmMs: args.warmMs,
      batch: args.batch,
      warmUrls: args.warmUrls,
      durationS: Math.round((performance.now() - startedAt) / 1000),
      notes,
    },
    rows: rowResults,
    concurrency: concurrencyResults,
    coalesce: coalesceResults,
    scale: scaleResults,
    targets: evaluateTargets(rowResults, scaleResults),
  };
  const markdown = toMarkdown(result);
  process.stdout.write(`\n${markdown}`);
  const dir = fileURLToPath(new URL('../../../bench-results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}results.md`, markdown);
  writeFileSync(`${dir}results.json`, `${JSON.stringify(result, null, 2)}\n`);
  log(`\nwritten: bench-results/results.md, bench-results/results.json (${result.meta.durationS} s)`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
