/**
 * The rows: every client × every way of answering (uncached, reqcache hit/miss/304, the peer, the floor).
 * Each row is one function that sends one request and reads its whole body the way users do.
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setupCache } from '@reqcache/axios';
import type { CacheOptions } from '@reqcache/core';
import { withCache } from '@reqcache/fetch';
import { gotCache } from '@reqcache/got';
import axios, { AxiosHeaders, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { setupCache as setupAxiosCacheInterceptor } from 'axios-cache-interceptor';
import got, { type Got } from 'got';
import makeFetchHappen from 'make-fetch-happen';
import { Agent, cacheStores, interceptors, fetch as undiciFetch } from 'undici';
import { type Origin, type PayloadName, payloadPath } from './origin.js';

/** The three clients. */
export type ClientName = 'fetch' | 'got' | 'axios';
/** What a row measures. */
export type RowKind = 'uncached' | 'hit' | 'miss' | 'revalidate' | 'peer' | 'floor';
/** A reqcache store. */
export type StoreName = 'memory' | 'sqlite' | 'redis';

/** One benchmark row. */
export interface Row {
  client: ClientName;
  /** The row's label, e.g. `reqcache hit (memory)`. */
  label: string;
  kind: RowKind;
  payload: PayloadName;
  store?: StoreName;
  /** Sends one request and reads the whole body. */
  run(): Promise<void>;
  /** Untimed work after each batch (miss rows empty their store). */
  afterBatch?(): Promise<void>;
  close(): Promise<void>;
}

/** Options shared by the row builders. */
export interface RowContext {
  origin: Origin;
  /** Distinct URLs a hit row cycles through (warmed before timing). */
  warmUrls: number;
  /** A fresh name for everything this run creates (Redis namespace, temp files). */
  runId: string;
  /** Which stores to include for hit rows. */
  stores: readonly StoreName[];
}

/** Cache options reqcache rows use: RFC 9111 headers honoured, so `max-age` and `no-cache` mean what they say. */
/** A row's cache: on a store of its own (`role` keeps a miss row, which empties its store, apart from the hit row). */
function reqcacheOptions(
  store: StoreName,
  ctx: RowContext,
  client: ClientName,
  payload: PayloadName,
  role: 'hit' | 'miss' = 'hit',
) {
  const options: CacheOptions = { backend: store, cacheControl: true };
  const name = role === 'hit' ? `${client}-${payload}` : `${client}-${payload}-${role}`;
  if (store === 'sqlite') options.cacheName = join(tempDir(ctx), `${name}.sqlite`);
  if (store === 'redis') options.cacheName = `reqcache-bench-${ctx.runId}-${name}`;
  return options;
}

let sharedTemp: string | undefined;
/** The run's temp directory (SQLite files, make-fetch-happen's cache). */
export function tempDir(ctx: RowContext): string {
  sharedTemp ??= mkdtempSync(join(tmpdir(), `reqcache-bench-${ctx.runId}-`));
  return sharedTemp;
}

/** Removes the run's temp directory. */
export function removeTempDir(): void {
  if (sharedTemp !== undefined) rmSync(sharedTemp, { recursive: true, force: true });
  sharedTemp = undefined;
}

/** A request to one URL of a row, body read the way users read it. */
type Send = (url: string) => Promise<unknown>;

/** URL generators: hit rows cycle over warmed URLs, miss and uncached rows never repeat one. */
class Urls {
  #next = 0;
  constructor(
    readonly base: string,
    readonly cycle: number | undefined,
  ) {}
  next(): string {
    const n = this.#next++;
    return `${this.base}/${this.cycle === undefined ? `u${n}` : n % this.cycle}`;
  }
  all(): string[] {
    const out: string[] = [];
    for (let i = 0; i < (this.cycle ?? 0); i++) out.push(`${this.base}/${i}`);
    return out;
  }
}

let uniqueBase = 0;

function row(
  client: ClientName,
  label: string,
  kind: RowKind,
  payload: PayloadName,
  urls: Urls,
  send: Send,
  close: () => Promise<void>,
  extra: { store?: StoreName; afterBatch?: () => Promise<void>; warm?: boolean } = {},
): Row & { warm(): Promise<void> } {
  const out: Row & { warm(): Promise<void> } = {
    client,
    label,
    kind,
    payload,
    run: () => send(urls.next()) as Promise<never>,
    close,
    warm: async () => {
      for (const url of urls.all()) await send(url);
    },
  };
  if (extra.store !== undefined) out.store = extra.store;
  if (extra.afterBatch !== undefined) out.afterBatch = extra.afterBatch;
  return out;
}

/** Every row for one client and payload, warmed (hit, peer and floor rows have every URL cached). */
export async function buildRows(client: ClientName, payload: PayloadName, ctx: RowContext): Promise<Row[]> {
  const path = payloadPath(payload);
  const hitUrls = () => new Urls(`${ctx.origin.url}${path}`, ctx.warmUrls);
  const uniqueUrls = () => new Urls(`${ctx.origin.url}${path}/r${uniqueBase++}`, undefined);
  const revalidateUrls = () => new Urls(`${ctx.origin.url}/rev${path}`, ctx.warmUrls);
  const factory = FACTORIES[client];
  const rows: Array<Row & { warm(): Promise<void> }> = [];

  const plain = factory.uncached(payload);
  rows.push(row(client, 'uncached', 'uncached', payload, uniqueUrls(), plain.send, plain.close));
  for (const store of ctx.stores) {
    const cached = factory.reqcache(payload, reqcacheOptions(store, ctx, client, payload));
    rows.push(
      row(client, `reqcache hit (${store})`, 'hit', payload, hitUrls(), cached.send, cached.close, { store }),
    );
  }
  // Misses on memory and on the default store (SQLite), when the run has it: the store write is part of a miss.
  for (const store of ['memory', 'sqlite'] as const) {
    if (store !== 'memory' && !ctx.stores.includes(store)) continue;
    const miss = factory.reqcache(payload, reqcacheOptions(store, ctx, client, payload, 'miss'));
    rows.push(
      row(client, `reqcache miss (${store})`, 'miss', payload, uniqueUrls(), miss.send, miss.close, {
        store,
        afterBatch: miss.clear,
      }),
    );
  }
  const revalidate = factory.reqcache(payload, reqcacheOptions('memory', ctx, client, payload));
  rows.push(
    row(
      client,
      'reqcache 304 (memory)',
      'revalidate',
      payload,
      revalidateUrls(),
      revalidate.send,
      revalidate.close,
      {
        store: 'memory',
      },
    ),
  );
  for (const peer of factory.peers(payload, ctx)) {
    rows.push(row(client, peer.label, 'peer', payload, hitUrls(), peer.send, peer.close));
  }
  const floor = factory.floor(payload);
  rows.push(row(client, 'floor', 'floor', payload, hitUrls(), floor.send, floor.close));
  for (const r of rows) await r.warm();
  return rows;
}

interface Built {
  send: Send;
  close: () => Promise<void>;
}

/** A client for the concurrency rows: warmed hit URLs, sent many at a time. */
export interface ConcurrentClient {
  client: ClientName;
  label: string;
  store?: StoreName;
  urls: string[];
  send: Send;
  close(): Promise<void>;
}

/**
 * The clients of the concurrency rows for one client and payload: reqcache hits on each store and, for
 * fetch on a Node with `node:sqlite`, undici's cache on its SQLite store; every URL warmed.
 */
export async function buildConcurrentClients(
  client: ClientName,
  payload: PayloadName,
  ctx: RowContext,
): Promise<ConcurrentClient[]> {
  const urls = new Urls(`${ctx.origin.url}${payloadPath(payload)}`, ctx.warmUrls).all();
  const out: ConcurrentClient[] = [];
  for (const store of ctx.stores) {
    const options = reqcacheOptions(store, ctx, client, payload);
    if (store === 'sqlite') options.cacheName = join(tempDir(ctx), `concurrent-${client}-${payload}.sqlite`);
    if (store === 'redis') options.cacheName = `${options.cacheName}-concurrent`;
    const cached = FACTORIES[client].reqcache(payload, options);
    out.push({
      client,
      label: `reqcache hit (${store})`,
      store,
      urls,
      send: cached.send,
      close: cached.close,
    });
  }
  if (client === 'fetch') {
    const peer = undiciSqlitePeer(payload, ctx);
    if (peer !== undefined) out.push({ client, label: peer.label, urls, send: peer.send, close: peer.close });
  }
  for (const entry of out) for (const url of urls) await entry.send(url);
  return out;
}
interface Cached extends Built {
  clear: () => Promise<void>;
}
interface Factory {
  uncached(payload: PayloadName): Built;
  reqcache(payload: PayloadName, options: CacheOptions): Cached;
  peers(payload: PayloadName, ctx: RowContext): Array<Built & { label: string }>;
  floor(payload: PayloadName): Built;
}

const noop = async (): Promise<void> => {};

// ---- fetch ----------------------------------------------------------------------------------------

type FetchFn = (url: string, init?: RequestInit) => Promise<Response>;

function readFetch(payload: PayloadName, fetchFn: FetchFn, init?: RequestInit): Send {
  return payload === 'json-1k'
    ? async (url) => (await fetchFn(url, init)).json()
    : async (url) => (await fetchFn(url, init)).arrayBuffer();
}

const fetchFactory: Factory = {
  uncached: (payload) => ({ send: readFetch(payload, globalThis.fetch), close: noop }),
  reqcache: (payload, options) => {
    const cached = withCache(globalThis.fetch, options);
    return {
      send: readFetch(payload, cached as FetchFn),
      close: () => closeEngine(cached.engine, options),
      clear: () => cached.cache.clear(),
    };
  },
  peers: (payload, ctx) => {
    const agent = new Agent().compose(interceptors.cache());
    const viaUndici: FetchFn = (url) =>
      undiciFetch(url, { dispatcher: agent }) as unknown as Promise<Response>;
    const mfh = makeFetchHappen.defaults({
      cachePath: join(tempDir(ctx), `make-fetch-happen-${payload}`),
      retry: false,
    });
    const peers = [
      {
        label: 'undici fetch + interceptors.cache()',
        send: readFetch(payload, viaUndici),
        close: () => agent.close(),
      },
      { label: 'make-fetch-happen', send: readFetch(payload, mfh as unknown as FetchFn), close: noop },
    ];
    const sqlite = undiciSqlitePeer(payload, ctx);
    if (sqlite !== undefined) peers.splice(1, 0, sqlite);
    return peers;
  },
  floor: (payload) => {
    // The cheapest hit fetch allows: a Map lookup and a `Response` built from the stored bytes (headers as
    // a record, which fetch takes in faster than pairs).
    const stored = new Map<string, { status: number; headers: Record<string, string>; body: Uint8Array }>();
    const floorFetch: FetchFn = async (url) => {
      const hit = stored.get(url);
      if (hit !== undefined) {
        return new Response(hit.body as Uint8Array<ArrayBuffer>, {
          status: hit.status,
          headers: hit.headers,
        });
      }
      const response = await fetch(url);
      const body = new Uint8Array(await response.arrayBuffer());
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name] = value;
      });
      stored.set(url, { status: response.status, headers, body });
      return new Response(body, { status: response.status, headers });
    };
    return { send: readFetch(payload, floorFetch), close: noop };
  },
};

/** The label of undici's cache interceptor on its SQLite store (a row only where Node has `node:sqlite`). */
export const UNDICI_SQLITE_LABEL = 'undici fetch + interceptors.cache() on SqliteCacheStore';

/** True when the running Node has `node:sqlite` (undici's SqliteCacheStore needs it). */
export function hasNodeSqlite(): boolean {
  try {
    createRequire(import.meta.url)('node:sqlite');
    return true;
  } catch {
    return false;
  }
}

/** undici's cache interceptor on its own SQLite store (a file in the run's temp directory), beside reqcache on SQLite. */
function undiciSqlitePeer(payload: PayloadName, ctx: RowContext): (Built & { label: string }) | undefined {
  if (!hasNodeSqlite()) return undefined;
  const store = new cacheStores.SqliteCacheStore({
    location: join(tempDir(ctx), `undici-${payload}.sqlite`),
  });
  const agent = new Agent().compose(interceptors.cache({ store }));
  const viaUndici: FetchFn = (url) => undiciFetch(url, { dispatcher: agent }) as unknown as Promise<Response>;
  return {
    label: UNDICI_SQLITE_LABEL,
    send: readFetch(payload, viaUndici),
    close: async () => {
      await agent.close();
      store.close();
    },
  };
}

// ---- got ------------------------------------------------------------------------------------------

function readGot(payload: PayloadName, client: Got): Send {
  return payload === 'json-1k'
    ? async (url) => (await client(url, { responseType: 'json' })).body
    : async (url) => (await client(url, { responseType: 'buffer' })).body;
}

/** The minimal response-like stream got accepts from a `beforeRequest` hook. */
class FloorResponse extends Readable {
  statusCode: number;
  statusMessage = 'OK';
  headers: Record<string, string>;
  url: string;
  httpVersion = '1.1';
  complete = true;
  socket = null;
  constructor(status: number, headers: Record<string, string>, body: Buffer, url: string) {
    super();
    this.statusCode = status;
    this.headers = headers;
    this.url = url;
    this.push(body);
    this.push(null);
  }
  override _read(): void {}
}

const gotBase = got.extend({ retry: { limit: 0 } });

const gotFactory: Factory = {
  uncached: (payload) => ({ send: readGot(payload, gotBase), close: noop }),
  reqcache: (payload, options) => {
    const plugin = gotCache(options);
    return {
      send: readGot(payload, gotBase.extend(plugin)),
      close: () => closeEngine(plugin.engine, options),
      clear: async () => {
        await plugin.cache.clear();
      },
    };
  },
  peers: (payload) => [
    { label: 'got + cache: Map', send: readGot(payload, gotBase.extend({ cache: new Map() })), close: noop },
  ],
  floor: (payload) => {
    const stored = new Map<string, { status: number; headers: Record<string, string>; body: Buffer }>();
    const client = gotBase.extend({
      hooks: {
        beforeRequest: [
          (options) => {
            const url = options.url?.toString() ?? '';
            const hit = stored.get(url);
            if (hit === undefined) return undefined;
            return new FloorResponse(hit.status, hit.headers, hit.body, url) as never;
          },
        ],
        afterResponse: [
          (response) => {
            if (!stored.has(response.url)) {
              stored.set(response.url, {
                status: response.statusCode,
                headers: { ...(response.headers as Record<string, string>) },
                body: response.rawBody ?? Buffer.alloc(0),
              });
            }
            return response;
          },
        ],
      },
    });
    return { send: readGot(payload, client), close: noop };
  },
};

// ---- axios ----------------------------------------------------------------------------------------

function readAxios(
  payload: PayloadName,
  client: { get(url: string, config?: object): Promise<AxiosResponse> },
): Send {
  return payload === 'json-1k'
    ? async (url) => (await client.get(url)).data
    : async (url) => (await client.get(url, { responseType: 'arraybuffer' })).data;
}

const axiosFactory: Factory = {
  uncached: (payload) => ({ send: readAxios(payload, axios.create()), close: noop }),
  reqcache: (payload, options) => {
    const client = setupCache(axios.create(), options);
    return {
      send: readAxios(payload, client),
      close: () => closeEngine(client.engine, options),
      clear: () => client.cache.clear(),
    };
  },
  peers: (payload) => [
    {
      label: 'axios-cache-interceptor',
      send: readAxios(payload, setupAxiosCacheInterceptor(axios.create())),
      close: noop,
    },
  ],
  floor: (payload) => {
    // A custom adapter answering from a Map: the text for JSON (axios parses it), a copy of the bytes otherwise.
    const stored = new Map<
      string,
      { status: number; headers: Record<string, string>; body: Buffer; text: string }
    >();
    const network = axios.getAdapter(axios.defaults.adapter);
    const client = axios.create({
      adapter: async (config: InternalAxiosRequestConfig): Promise<AxiosResponse> => {
        const url = config.url ?? '';
        let hit = stored.get(url);
        if (hit === undefined) {
          const response = await network({ ...config, responseType: 'arraybuffer', transformResponse: [] });
          const body = Buffer.from(response.data as ArrayBuffer);
          hit = {
            status: response.status,
            headers: (response.headers as AxiosHeaders).toJSON(true) as Record<string, string>,
            body,
            text: body.toString('utf8'),
          };
          stored.set(url, hit);
        }
        return {
          data: config.responseType === 'arraybuffer' ? Buffer.from(hit.body) : hit.text,
          status: hit.status,
          statusText: 'OK',
          headers: new AxiosHeaders(hit.headers),
          config,
          request: {},
        };
      },
    });
    return { send: readAxios(payload, client), close: noop };
  },
};

const FACTORIES: Record<ClientName, Factory> = { fetch: fetchFactory, got: gotFactory, axios: axiosFactory };

/** Empties a reqcache store this run created (a Redis namespace), then closes it. */
async function closeEngine(
  engine: { cache: { clear(): Promise<void> }; keyv: { disconnect(): Promise<void> } },
  options: CacheOptions,
): Promise<void> {
  if (options.backend === 'redis') await engine.cache.clear();
  await engine.keyv.disconnect();
}
