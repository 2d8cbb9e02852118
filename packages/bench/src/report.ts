/**
 * The report: the results table, the scale table and the targets, as markdown and JSON.
 * @module
 */
import { type ClientName, type RowKind, type StoreName, UNDICI_SQLITE_LABEL } from './clients.js';
import type { PayloadName } from './origin.js';
import { formatCount, formatUs, markdownTable, type RowStats } from './stats.js';

/** One measured row as reported. */
export interface RowResult extends RowStats {
  client: ClientName;
  label: string;
  kind: RowKind;
  payload: PayloadName;
  store?: StoreName;
  /** Requests that reached the origin per timed request (0 for a real cache hit). */
  originPerRequest: number;
}

/** One concurrency row: `inFlight` hits started at once, awaited together, round after round. */
export interface ConcurrencyResult {
  client: ClientName;
  label: string;
  payload: PayloadName;
  store?: StoreName;
  inFlight: number;
  hitsPerSecond: number;
  /** Median time (ms) for one round of `inFlight` requests to all complete. */
  medianRoundMs: number;
  originPerRequest: number;
}

/** One scale row as reported. */
export interface ScaleResult extends RowStats {
  store: 'memory' | 'sqlite';
  entries: number;
  populateMs: number;
  /** How the store was filled. */
  populateMethod: string;
  rssDeltaBytes: number;
  originPerRequest: number;
}

/** A target of the issue and whether this run meets it. */
export interface TargetResult {
  name: string;
  /** The measured ratio. */
  ratio: number;
  /** `>=` or `<=` the bound. */
  op: '>=' | '<=';
  bound: number;
  met: boolean;
}

/** What the run was. */
export interface RunMeta {
  node: string;
  cpu: string;
  cores: number;
  platform: string;
  date: string;
  quick: boolean;
  rounds: number;
  /** Untimed rounds run first (JIT warm-up). */
  warmRounds: number;
  /** Untimed time (ms) each row ran alone before the rounds. */
  warmMs?: number;
  batch: number;
  warmUrls: number;
  durationS?: number;
  notes: string[];
}

/** The cross-process coalescing row: what reached the origin per 1 000 client requests, per `coalesce` mode. */
export interface CoalesceRowResult {
  mode: 'process' | 'store';
  processes: number;
  inFlight: number;
  clientRequests: number;
  errors: number;
  originRequests: number;
  originPer1000: number;
}

/** The whole result. */
export interface BenchResult {
  meta: RunMeta;
  rows: RowResult[];
  /** Absent in results written before the concurrency rows existed. */
  concurrency?: ConcurrencyResult[];
  /** Absent in results written before the coalescing rows existed (or without Redis). */
  coalesce?: CoalesceRowResult[];
  scale: ScaleResult[];
  targets: TargetResult[];
}

function median(rows: readonly RowResult[], pred: (row: RowResult) => boolean): number | undefined {
  return rows.find(pred)?.medianUs;
}

/** Evaluates the targets on medians measured in this run, per payload. */
export function evaluateTargets(rows: readonly RowResult[], scale: readonly ScaleResult[]): TargetResult[] {
  const out: TargetResult[] = [];
  const add = (name: string, ratio: number | undefined, op: '>=' | '<=', bound: number) => {
    if (ratio === undefined || !Number.isFinite(ratio)) return;
    out.push({ name, ratio, op, bound, met: op === '>=' ? ratio >= bound : ratio <= bound });
  };
  const payloads = [...new Set(rows.map((row) => row.payload))];
  const peers: Array<[ClientName, string, number]> = [
    ['fetch', 'undici fetch + interceptors.cache()', 5],
    ['got', 'got + cache: Map', 5],
    ['axios', 'axios-cache-interceptor', 1.2],
  ];
  for (const payload of payloads) {
    const of = (client: ClientName, pred: (row: RowResult) => boolean) =>
      median(rows, (row) => row.payload === payload && row.client === client && pred(row));
    for (const [client, peer, bound] of peers) {
      const hit = of(client, (row) => row.kind === 'hit' && row.store === 'memory');
      const theirs = of(client, (row) => row.label === peer);
      if (hit !== undefined && theirs !== undefined)
        add(`${payload}: ${client} hit ≥ ${bound}× ${peer}`, theirs / hit, '>=', bound);
    }
    for (const client of ['fetch', 'got', 'axios'] as const) {
      const hit = of(client, (row) => row.kind === 'hit' && row.store === 'memory');
      const floor = of(client, (row) => row.kind === 'floor');
      if (hit !== undefined && floor !== undefined)
        add(`${payload}: ${client} hit (memory) ≤ 1.15× floor`, hit / floor, '<=', 1.15);
    }
    for (const client of ['fetch', 'got', 'axios'] as const) {
      const memory = of(client, (row) => row.kind === 'hit' && row.store === 'memory');
      const sqlite = of(client, (row) => row.kind === 'hit' && row.store === 'sqlite');
      if (memory !== undefined && sqlite !== undefined)
        add(`${payload}: ${client} hit (sqlite) ≤ 1.5× hit (memory)`, sqlite / memory, '<=', 1.5);
    }
    {
      const sqlite = of('fetch', (row) => row.kind === 'hit' && row.store === 'sqlite');
      const undici = of('fetch', (row) => row.label === UNDICI_SQLITE_LABEL);
      if (sqlite !== undefined && undici !== undefined)
        add(`${payload}: fetch hit (sqlite) ≥ 2× ${UNDICI_SQLITE_LABEL}`, undici / sqlite, '>=', 2);
    }
    for (const client of ['fetch', 'got', 'axios'] as const) {
      const plain = of(client, (row) => row.kind === 'uncached');
      for (const [store, bound] of [
        ['memory', 1.1],
        ['sqlite', 1.25],
      ] as const) {
        const miss = of(client, (row) => row.kind === 'miss' && row.store === store);
        if (miss !== undefined && plain !== undefined)
          add(`${payload}: ${client} miss (${store}) ≤ ${bound}× uncached`, miss / plain, '<=', bound);
      }
    }
  }
  for (const store of ['memory', 'sqlite'] as const) {
    const rowsOf = scale.filter((row) => row.store === store).sort((a, b) => a.entries - b.entries);
    const smallest = rowsOf[0];
    const largest = rowsOf.at(-1);
    if (smallest !== undefined && largest !== undefined && largest !== smallest) {
      add(
        `${store}: hit at ${formatCount(largest.entries)} entries ≤ 1.2× hit at ${formatCount(smallest.entries)}`,
        largest.medianUs / smallest.medianUs,
        '<=',
        1.2,
      );
    }
  }
  return out;
}

const PAYLOAD_TITLE: Record<PayloadName, string> = {
  'json-1k': '1 kB JSON (read with `.json()` / `responseType: json`)',
  'bin-100k': '100 kB binary (read as bytes)',
};

/** The markdown report. */
export function toMarkdown(result: BenchResult): string {
  const { meta } = result;
  const out: string[] = [];
  out.push(
    `Node ${meta.node} · ${meta.cpu} (${meta.cores} cores) · ${meta.platform} · ${meta.date}` +
      `${meta.quick ? ' · **--quick**' : ''}`,
    '',
    `Sequential requests on one loopback origin (127.0.0.1, keep-alive). Rows measured in alternation: ` +
      `${meta.rounds} rounds × ${meta.batch} requests per row, after ${meta.warmMs ?? 0} ms of untimed requests per row alone and ${meta.warmRounds} untimed rounds; ` +
      `hit rows cycle over ${meta.warmUrls} warmed URLs. ` +
      `Every request reads the whole body. Median and p99 are per request (µs); ` +
      `req/s is sequential throughput (1 / mean); "× floor" is median ÷ the client's floor median; ` +
      `"origin" is how many requests reached the origin per request (0 = answered from the cache).`,
    '',
  );
  const payloads = [...new Set(result.rows.map((row) => row.payload))];
  for (const payload of payloads) {
    out.push(`#### ${PAYLOAD_TITLE[payload]}`, '');
    const rows = result.rows.filter((row) => row.payload === payload);
    const table = rows.map((row) => {
      const floor = median(rows, (other) => other.client === row.client && other.kind === 'floor');
      return [
        row.client,
        row.label,
        formatUs(row.medianUs),
        formatUs(row.p99Us),
        formatCount(row.perSecond),
        floor === undefined ? '–' : `${(row.medianUs / floor).toFixed(2)}×`,
        row.originPerRequest.toFixed(2),
      ];
    });
    out.push(
      markdownTable(['client', 'row', 'median µs', 'p99 µs', 'req/s', '× floor', 'origin'], table),
      '',
    );
  }
  const concurrency = result.concurrency ?? [];
  if (concurrency.length > 0) {
    const first = concurrency[0]!;
    out.push(
      `#### Concurrency: ${first.inFlight} requests in flight (hits on warmed URLs, ${PAYLOAD_TITLE[first.payload]})`,
      '',
    );
    out.push(
      markdownTable(
        ['client', 'row', 'hits/s', `median ms per ${first.inFlight}`, 'origin'],
        concurrency.map((row) => [
          row.client,
          row.label,
          formatCount(row.hitsPerSecond),
          row.medianRoundMs.toFixed(2),
          row.originPerRequest.toFixed(2),
        ]),
      ),
      '',
    );
  }
  const coalesce = result.coalesce ?? [];
  if (coalesce.length > 0) {
    const first = coalesce[0]!;
    out.push(
      `#### Many processes, one cache: ${first.processes} processes × ${first.inFlight} in flight on one Redis (entries expiring every second)`,
      '',
    );
    out.push(
      markdownTable(
        ['coalesce', 'client requests', 'origin requests', 'origin per 1 000', 'errors'],
        coalesce.map((row) => [
          `'${row.mode}'`,
          formatCount(row.clientRequests),
          formatCount(row.originRequests),
          row.originPer1000.toFixed(1),
          String(row.errors),
        ]),
      ),
      '',
    );
  }
  if (result.scale.length > 0) {
    out.push('#### Scale: fetch adapter hit on a random stored URL (small entries)', '');
    out.push(
      markdownTable(
        ['store', 'entries', 'median µs', 'p99 µs', 'req/s', 'RSS Δ', 'fill time', 'filled with', 'origin'],
        result.scale.map((row) => [
          row.store,
          formatCount(row.entries),
          formatUs(row.medianUs),
          formatUs(row.p99Us),
          formatCount(row.perSecond),
          `${(row.rssDeltaBytes / 1048576).toFixed(1)} MiB`,
          `${(row.populateMs / 1000).toFixed(1)} s`,
          row.populateMethod,
          row.originPerRequest.toFixed(2),
        ]),
      ),
      '',
    );
  }
  if (result.targets.length > 0) {
    out.push('#### Targets (ratios of medians in this run)', '');
    out.push(
      markdownTable(
        ['target', 'measured', 'met'],
        result.targets.map((target) => [
          target.name,
          `${target.ratio.toFixed(2)}× (${target.op} ${target.bound})`,
          target.met ? 'yes' : '**no**',
        ]),
      ),
      '',
    );
  }
  for (const note of meta.notes) out.push(`- ${note}`);
  return `${out.join('\n').trimEnd()}\n`;
}
