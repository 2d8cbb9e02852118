import type { Keyv } from 'keyv';
import { CachedResponse, type InvalidCachedResponse } from './cached-response.js';
import { type CacheEntry, isEntryExpired } from './entry.js';
import { ReqcacheError } from './errors.js';
import { type ExpireAfter, parseExpireAfter, resolveExpiresAt } from './expire-after.js';
import type { KeyRequest } from './key.js';
import { type Serializer, SerializerPipeline } from './serializer.js';
import {
  STORE_RETRY_INITIAL_MS,
  STORE_RETRY_MAX_MS,
  StoreHealth,
  type StoreRecovery,
  type StoreTicket,
} from './store-health.js';

export type { StoreRecovery, StoreTicket };
export { STORE_RETRY_INITIAL_MS, STORE_RETRY_MAX_MS, StoreHealth };

/** What `#get` returns for a value Keyv itself could not parse (already reported). */
const CORRUPT: unique symbol = Symbol('corrupt entry');

/** Alias values (redirect hops → the key of the final response) live beside responses, marked by this prefix. */
const ALIAS_PREFIX = '@reqcache/alias:';

/** What the storage layer needs from its owner. @internal */
export interface HttpCacheInit {
  keyv: Keyv;
  serializer: Serializer;
  clock: () => number;
  /** The key of a request under the current settings. */
  createKey: (request: KeyRequest) => string;
  /** Reports a store or decode failure (never thrown to the HTTP caller). */
  report: (error: ReqcacheError) => void;
  /** The store TTL (ms) for an entry, or undefined for none. */
  ttlFor: (entry: CacheEntry, nowMs: number) => number | undefined;
  autoclose: () => boolean;
  /** Called when a store that was down answers again (see {@link StoreHealth}). */
  recovered?: (info: StoreRecovery) => void;
}

/** The Map behind a Keyv whose records can be read without it, and the prefix of its keys. */
interface DirectMap {
  map: Map<string, unknown>;
  prefix: string;
  hooks: { _hookHandlers?: Map<unknown, unknown[]> } | undefined;
}

/**
 * The Map behind a Keyv that keeps its records there as they are (the memory backend: a plain Map, no
 * serialization, compression or statistics), else undefined.
 */
function directMap(keyv: Keyv): DirectMap | undefined {
  const store = keyv.opts.store as unknown;
  if (
    !(store instanceof Map) ||
    keyv.serialize !== undefined ||
    keyv.deserialize !== undefined ||
    keyv.opts.compression !== undefined ||
    keyv.stats.enabled
  ) {
    return undefined;
  }
  const namespace = keyv.namespace;
  const hooks = (keyv as { hooks?: DirectMap['hooks'] }).hooks;
  return { map: store, prefix: keyv.useKeyPrefix && namespace ? `${namespace}:` : '', hooks };
}

/** {@link HttpCache}'s direct Map read could not answer: ask Keyv. */
const NOT_DIRECT = Symbol('not direct');

/** Selects stored responses for `filter()` and `delete()`. */
export interface FilterOptions {
  /** Include responses that are not expired. @default true */
  valid?: boolean;
  /** Include expired responses. @default true */
  expired?: boolean;
  /** Include entries that cannot be decoded. @default false */
  invalid?: boolean;
  /** Only responses created longer ago than this (seconds, duration string, `{days: 7}`, …). */
  olderThan?: ExpireAfter;
}

/** Selects what `delete()` removes; the union of every criterion given. */
export interface DeleteOptions {
  keys?: readonly string[];
  urls?: readonly string[];
  requests?: readonly KeyRequest[];
  /** Delete expired responses. */
  expired?: boolean;
  /** Delete entries that cannot be decoded. */
  invalid?: boolean;
  /** Delete responses created longer ago than this. */
  olderThan?: ExpireAfter;
}

/** A stored response or alias read with its resolved key. @internal */
export interface StoredEntry {
  key: string;
  entry: CacheEntry;
}

/** A map-like, asynchronous view of one part of the cache. */
export interface StoreView<V> {
  get(key: string): Promise<V | undefined>;
  has(key: string): Promise<boolean>;
  delete(key: string): Promise<boolean>;
  keys(): AsyncIterable<string>;
  entries(): AsyncIterable<[string, V]>;
  count(): Promise<number>;
}

/**
 * The storage layer over any Keyv instance, with requests-cache's inspection and maintenance API.
 * Responses and redirect aliases share one keyspace (an alias is a small marker value pointing at the
 * final response's key), so a lookup costs one store read and any Keyv store works unchanged.
 */
export class HttpCache {
  readonly #init: HttpCacheInit;
  readonly keyv: Keyv;
  /** Store health: after a failure the engine skips the store for a while (see {@link StoreHealth}). */
  readonly health = new StoreHealth();

  /** Set when reads can go straight to the Map behind the Keyv (see {@link HttpCache.#directRead}). */
  readonly #direct: DirectMap | undefined;

  constructor(init: HttpCacheInit) {
    this.#init = init;
    this.keyv = init.keyv;
    this.#direct = directMap(init.keyv);
  }

  /** True while the store is considered down (failed, and not yet answering a probe). */
  get storeDown(): boolean {
    return this.health.down;
  }

  /**
   * Reports a store failure once per outage: the first failure takes the store down and is reported;
   * failures while it is down are not. @internal
   */
  storeFailed(error: ReqcacheError): void {
    if (this.health.failed()) this.#init.report(error);
  }

  // ---- used by the engine -------------------------------------------------------------------------

  /**
   * Reads a response (following a redirect alias); a store or decode failure is reported and is a miss.
   * The entry may be shared with other reads (frozen, body bytes included by contract): read it, never
   * change it. The maintenance views (`responses`, `filter`, …) hand out copies. @internal
   */
  async read(key: string): Promise<StoredEntry | undefined> {
    const ticket = this.health.begin();
    if (ticket === undefined) return undefined;
    let raw = await this.#get(key, ticket);
    let resolvedKey = key;
    if (typeof raw === 'string' && raw.startsWith(ALIAS_PREFIX)) {
      resolvedKey = raw.slice(ALIAS_PREFIX.length);
      raw = await this.#get(resolvedKey, ticket);
      if (typeof raw === 'string' && raw.startsWith(ALIAS_PREFIX)) return undefined;
    }
    if (raw === undefined || raw === null) return undefined;
    const entry = this.#decode(resolvedKey, raw, true);
    return entry === undefined ? undefined : { key: resolvedKey, entry };
  }

  /** Writes a response and its aliases; failures are reported, never thrown. Returns true when written. @internal */
  async write(key: string, entry: CacheEntry, aliases: readonly string[] = []): Promise<boolean> {
    let value: string | Uint8Array;
    try {
      value = this.#init.serializer.dumps(entry);
      // Keyv keeps Buffers intact but turns a plain Uint8Array into {"0": …}: hand it a Buffer view.
      if (value instanceof Uint8Array && !Buffer.isBuffer(value))
        value = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    } catch (error) {
      this.#init.report(
        asReqcacheError(error, 'ERR_CACHE_SERIALIZE', `Could not serialize the response for ${key}`, key),
      );
      return false;
    }
    const ttl = this.#init.ttlFor(entry, this.#init.clock());
    if (ttl !== undefined && ttl <= 0) return false;
    const ticket = this.health.begin();
    if (ticket === undefined) return false;
    try {
      // A store may refuse a value (a size bound): then nothing is stored and the aliases are not written.
      if (!(await this.keyv.set(key, value, ttl))) {
        this.#succeeded(ticket);
        return false;
      }
      for (const alias of aliases) {
        if (alias !== key) await this.keyv.set(alias, ALIAS_PREFIX + key, ttl);
      }
      this.#succeeded(ticket);
      return true;
    } catch (error) {
      this.storeFailed(storeError(error, `Could not write ${key} to the store`, key));
      return false;
    }
  }

  /** Deletes one key; failures are reported (once per outage). @internal */
  async remove(key: string): Promise<void> {
    const ticket = this.health.begin();
    if (ticket === undefined) return;
    try {
      await this.keyv.delete(key);
      this.#succeeded(ticket);
    } catch (error) {
      this.storeFailed(storeError(error, `Could not delete ${key} from the store`, key));
    }
  }

  // ---- inspection and maintenance (SPEC §4) -------------------------------------------------------

  /** True when a response (or a redirect alias) is stored for the key, request or URL (as a GET). */
  async contains(target: { key?: string; url?: string; request?: KeyRequest }): Promise<boolean> {
    const key = this.#targetKey(target);
    if (key === undefined) return false;
    return (await this.#get(key)) !== undefined;
  }

  /**
   * Deletes what matches any of the criteria, then the redirect aliases left pointing at nothing.
   * Returns how many responses were deleted.
   */
  async delete(options: DeleteOptions = {}): Promise<number> {
    const keys = new Set<string>(options.keys ?? []);
    for (const url of options.urls ?? []) keys.add(this.#init.createKey(getRequest(url)));
    for (const request of options.requests ?? []) keys.add(this.#init.createKey(request));
    // Explicit keys may be aliases: delete their targets too, as requests-cache does for redirects.
    for (const key of [...keys]) {
      const raw = await this.#get(key);
      if (typeof raw === 'string' && raw.startsWith(ALIAS_PREFIX)) keys.add(raw.slice(ALIAS_PREFIX.length));
    }
    if (options.expired || options.invalid || options.olderThan !== undefined) {
      const filter: FilterOptions = {
        valid: false,
        expired: options.expired ?? false,
        invalid: options.invalid ?? false,
      };
      if (options.olderThan !== undefined) {
        filter.olderThan = options.olderThan;
        if (!options.expired) {
          filter.valid = true;
          filter.expired = true;
        }
      }
      for await (const item of this.filter(filter)) keys.add(item.cacheKey);
    }
    let deleted = 0;
    let aliases = 0;
    const batch: string[] = [];
    for (const key of keys) {
      const raw = await this.#get(key);
      if (raw === undefined) continue;
      // Aliases go too, but only responses count.
      if (typeof raw === 'string' && raw.startsWith(ALIAS_PREFIX)) aliases++;
      batch.push(key);
      if (batch.length >= 500) deleted += await this.#deleteBatch(batch.splice(0));
    }
    deleted += await this.#deleteBatch(batch);
    await this.#pruneAliases();
    return Math.max(0, deleted - aliases);
  }

  /**
   * Iterates stored responses: valid (not expired) ones, expired ones, undecodable ones, and only those
   * older than `olderThan` when given. Reads one entry at a time.
   */
  async *filter(options: FilterOptions = {}): AsyncGenerator<CachedResponse | InvalidCachedResponse> {
    const { valid = true, expired = true, invalid = false } = options;
    if (!valid && !expired && !invalid) return;
    const nowMs = this.#init.clock();
    let createdBeforeMs: number | undefined;
    if (options.olderThan !== undefined) {
      const parsed = parseExpireAfter(options.olderThan, 'olderThan');
      if (parsed.kind !== 'relative')
        throw new ReqcacheError('ERR_INVALID_OPTION', 'olderThan must be a duration', {
          option: 'olderThan',
        });
      createdBeforeMs = nowMs - parsed.ms;
    }
    for await (const [key, raw] of this.#iterate()) {
      if (typeof raw === 'string' && raw.startsWith(ALIAS_PREFIX)) continue;
      let entry: CacheEntry;
      try {
        entry = this.#init.serializer.loads(raw as string | Uint8Array);
      } catch (error) {
        if (invalid)
          yield {
            cacheKey: key,
            invalid: true,
            error: asReqcacheError(error, 'ERR_CACHE_DESERIALIZE', `Could not decode ${key}`, key),
          };
        continue;
      }
      if (createdBeforeMs !== undefined && entry.createdAt >= createdBeforeMs) continue;
      const isExpired = isEntryExpired(entry, nowMs);
      if ((isExpired && expired) || (!isExpired && valid)) yield new CachedResponse(key, entry, nowMs);
    }
  }

  /** The URLs of stored responses, sorted and unique (undecodable entries are skipped, not deleted). */
  async urls(options: FilterOptions = {}): Promise<string[]> {
    const urls = new Set<string>();
    for await (const item of this.filter({ ...options, invalid: false })) {
      if (!item.invalid) urls.add(item.url);
    }
    return [...urls].sort();
  }

  /** The keys of stored responses (not redirect aliases). */
  async *keys(): AsyncGenerator<string> {
    for await (const [key, raw] of this.#iterate()) {
      if (!(typeof raw === 'string' && raw.startsWith(ALIAS_PREFIX))) yield key;
    }
  }

  /** The stored responses; with `checkExpiry`, only those not expired. */
  async *values(options: { checkExpiry?: boolean } = {}): AsyncGenerator<CachedResponse> {
    for await (const item of this.filter({ valid: true, expired: !options.checkExpiry })) {
      if (!item.invalid) yield item;
    }
  }

  /**
   * How many responses are stored; with `checkExpiry`, only those not expired. Like `urls()`, `values()`
   * and `filter()`, it counts the responses that can be read: an undecodable entry is left out (count
   * those with `filter({ valid: false, expired: false, invalid: true })`; `responses.count()` and
   * `keys()` include them).
   */
  async responseCount(options: { checkExpiry?: boolean } = {}): Promise<number> {
    let count = 0;
    for await (const _ of this.values({ checkExpiry: options.checkExpiry ?? false })) count++;
    return count;
  }

  /** Deletes expired and undecodable responses, after resetting expiration when `expireAfter` is given. */
  async removeExpiredResponses(expireAfter?: ExpireAfter): Promise<number> {
    if (expireAfter !== undefined) await this.resetExpiration(expireAfter);
    return this.delete({ expired: true, invalid: true });
  }

  /** Sets a new expiration on every stored response, relative to now. Returns how many were rewritten. */
  async resetExpiration(expireAfter: ExpireAfter): Promise<number> {
    const parsed = parseExpireAfter(expireAfter, 'expireAfter');
    const nowMs = this.#init.clock();
    const expiresAt = resolveExpiresAt(parsed, nowMs);
    if (expiresAt === undefined) return this.delete({ expired: true, invalid: false, olderThan: 0 });
    let count = 0;
    for await (const [key, entry] of this.#collect()) {
      if (await this.write(key, { ...entry, expiresAt })) count++;
    }
    return count;
  }

  /** Recomputes every stored response's key under the current settings (after changing `keyFn` or matching options). */
  async recreateKeys(): Promise<number> {
    let moved = 0;
    for await (const [key, entry] of this.#collect()) {
      const newKey = this.#init.createKey({
        method: entry.request.method,
        url: entry.request.url,
        headers: entry.request.headers,
        body: entry.request.body,
      });
      if (newKey === key) continue;
      if (await this.write(newKey, entry)) {
        await this.remove(key);
        moved++;
      }
    }
    await this.#pruneAliases();
    return moved;
  }

  /** The stored responses, as a map-like view. */
  get responses(): StoreView<CachedResponse> {
    return {
      get: async (key) => {
        const raw = await this.#get(key);
        if (raw === undefined || (typeof raw === 'string' && raw.startsWith(ALIAS_PREFIX))) return undefined;
        const entry = this.#decode(key, raw);
        return entry === undefined ? undefined : new CachedResponse(key, entry, this.#init.clock());
      },
      has: async (key) => {
        const raw = await this.#get(key);
        return raw !== undefined && !(typeof raw === 'string' && raw.startsWith(ALIAS_PREFIX));
      },
      delete: async (key) => (await this.#deleteBatch([key])) > 0,
      keys: () => this.keys(),
      entries: () => this.#entries(false) as AsyncIterable<[string, CachedResponse]>,
      // Every stored response key, undecodable entries included (as `keys()`; `responseCount()` skips them).
      count: async () => {
        let count = 0;
        for await (const _ of this.keys()) count++;
        return count;
      },
    };
  }

  /** The redirect aliases (key of a request that was redirected → key of the final response), as a map-like view. */
  get redirects(): StoreView<string> {
    return {
      get: async (key) => {
        const raw = await this.#get(key);
        return typeof raw === 'string' && raw.startsWith(ALIAS_PREFIX)
          ? raw.slice(ALIAS_PREFIX.length)
          : undefined;
      },
      has: async (key) => {
        const raw = await this.#get(key);
        return typeof raw === 'string' && raw.startsWith(ALIAS_PREFIX);
      },
      delete: async (key) => {
        const raw = await this.#get(key);
        if (!(typeof raw === 'string' && raw.startsWith(ALIAS_PREFIX))) return false;
        await this.remove(key);
        return true;
      },
      keys: async function* (this: HttpCache) {
        for await (const [key] of this.#entries(true)) yield key;
      }.bind(this),
      entries: () => this.#entries(true) as AsyncIterable<[string, string]>,
      count: async () => {
        let count = 0;
        for await (const _ of this.#entries(true)) count++;
        return count;
      },
    };
  }

  /** Removes every response and alias. */
  async clear(): Promise<void> {
    try {
      await this.keyv.clear();
    } catch (error) {
      throw storeError(error, 'Could not clear the store');
    }
  }

  /** Closes the store's connections (when `autoclose` is on). */
  async close(): Promise<void> {
    if (!this.#init.autoclose()) return;
    try {
      await this.keyv.disconnect();
    } catch (error) {
      this.#init.report(storeError(error, 'Could not close the store'));
    }
  }

  // ---- internals ----------------------------------------------------------------------------------

  /** Reads a raw value; a store failure is reported (once per outage) and reads as undefined. */
  async #get(key: string, ticket?: StoreTicket): Promise<unknown> {
    const direct = this.#directRead(key);
    if (direct !== NOT_DIRECT) {
      this.#succeeded(ticket);
      return direct;
    }
    let raw: unknown;
    try {
      raw = await this.keyv.get(key);
    } catch (error) {
      if (error instanceof SyntaxError) {
        // Keyv could not parse its own envelope: a corrupt entry, not a store failure.
        this.#init.report(
          new ReqcacheError(
            'ERR_CACHE_DESERIALIZE',
            `Could not decode the stored response ${key}: ${error.message}`,
            {
              cause: error,
              key,
            },
          ),
        );
        this.#succeeded(ticket);
        return CORRUPT;
      }
      this.storeFailed(storeError(error, `Could not read ${key} from the store`, key));
      return undefined;
    }
    this.#succeeded(ticket);
    return raw;
  }

  /**
   * A Keyv over a plain Map without its own serialization (the memory backend) is read straight from the
   * Map: the record Keyv keeps there (`{value, expires}` under the namespaced key) is all a read needs, and
   * Keyv's own `get` costs more than the rest of a cache hit's store read. An expired record, a Keyv with
   * hooks or statistics, and every other store go through Keyv.
   */
  #directRead(key: string): unknown {
    const direct = this.#direct;
    // Hooks can be added at any time: with any, Keyv reads (so they run).
    if (direct === undefined || direct.hooks?._hookHandlers?.size !== 0) return NOT_DIRECT;
    const record = direct.map.get(direct.prefix + key) as { value?: unknown; expires?: unknown } | undefined;
    if (record === undefined || record === null) return undefined;
    if (typeof record !== 'object' || (typeof record.expires === 'number' && Date.now() > record.expires))
      return NOT_DIRECT;
    return record.value;
  }

  #succeeded(ticket: StoreTicket | undefined): void {
    const recovery = this.health.succeeded(ticket);
    if (recovery !== undefined) this.#init.recovered?.(recovery);
  }

  /** Decodes a stored value; `shared` (the engine's reads) may return a frozen entry shared with other reads. */
  #decode(key: string, raw: unknown, shared = false): CacheEntry | undefined {
    if (raw === CORRUPT) return undefined;
    try {
      if (typeof raw !== 'string' && !(raw instanceof Uint8Array)) {
        throw new ReqcacheError(
          'ERR_CACHE_DESERIALIZE',
          `Stored value for ${key} is a ${typeof raw}, not a string or bytes`,
          { key },
        );
      }
      const serializer = this.#init.serializer;
      return shared && serializer instanceof SerializerPipeline
        ? serializer.loadsShared(raw)
        : serializer.loads(raw);
    } catch (error) {
      this.#init.report(
        asReqcacheError(error, 'ERR_CACHE_DESERIALIZE', `Could not decode the stored response ${key}`, key),
      );
      return undefined;
    }
  }

  #targetKey(target: { key?: string; url?: string; request?: KeyRequest }): string | undefined {
    if (target.key !== undefined) return target.key;
    if (target.request !== undefined) return this.#init.createKey(target.request);
    if (target.url !== undefined) return this.#init.createKey(getRequest(target.url));
    return undefined;
  }

  async *#iterate(): AsyncGenerator<[string, unknown]> {
    const iterator = this.keyv.iterator;
    if (typeof iterator !== 'function') {
      throw new ReqcacheError(
        'ERR_CACHE_STORE',
        'This store cannot list its keys, so the cache cannot be inspected',
      );
    }
    try {
      for await (const pair of iterator.call(this.keyv, undefined) as AsyncIterable<[string, unknown]>) {
        yield pair;
      }
    } catch (error) {
      throw storeError(error, 'Could not list the store');
    }
  }

  async *#entries(aliases: boolean): AsyncGenerator<[string, CachedResponse | string]> {
    const nowMs = this.#init.clock();
    for await (const [key, raw] of this.#iterate()) {
      const isAlias = typeof raw === 'string' && raw.startsWith(ALIAS_PREFIX);
      if (isAlias !== aliases) continue;
      if (isAlias) {
        yield [key, (raw as string).slice(ALIAS_PREFIX.length)];
        continue;
      }
      const entry = this.#decode(key, raw);
      if (entry !== undefined) yield [key, new CachedResponse(key, entry, nowMs)];
    }
  }

  /**
   * Every decodable response, for rewriting: the keys are gathered first (so rewriting does not disturb
   * the store's iteration), then each entry is read and decoded one at a time, never all bodies at once.
   */
  async *#collect(): AsyncGenerator<[string, CacheEntry]> {
    const keys: string[] = [];
    for await (const key of this.keys()) keys.push(key);
    for (const key of keys) {
      const raw = await this.#get(key);
      if (raw === undefined || raw === null || raw === CORRUPT) continue;
      if (typeof raw === 'string' && raw.startsWith(ALIAS_PREFIX)) continue;
      let entry: CacheEntry;
      try {
        entry = this.#init.serializer.loads(raw as string | Uint8Array);
      } catch {
        continue; // undecodable: skipped here, as filter() skips it
      }
      yield [key, entry];
    }
  }

  async #deleteBatch(keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    try {
      if (keys.length === 1) return (await this.keyv.delete(keys[0]!)) ? 1 : 0;
      await this.keyv.deleteMany(keys);
      return keys.length;
    } catch (error) {
      throw storeError(error, `Could not delete ${keys.length} entries from the store`);
    }
  }

  async #pruneAliases(): Promise<void> {
    const dangling: string[] = [];
    for await (const [key, target] of this.#entries(true)) {
      if ((await this.#get(target as string)) === undefined) dangling.push(key);
    }
    await this.#deleteBatch(dangling);
  }
}

function getRequest(url: string): KeyRequest {
  return { method: 'GET', url, headers: {} };
}

function storeError(error: unknown, message: string, key?: string): ReqcacheError {
  if (error instanceof ReqcacheError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new ReqcacheError(
    'ERR_CACHE_STORE',
    `${message}: ${detail}`,
    key === undefined ? { cause: error } : { cause: error, key },
  );
}

function asReqcacheError(
  error: unknown,
  code: 'ERR_CACHE_SERIALIZE' | 'ERR_CACHE_DESERIALIZE',
  message: string,
  key: string,
): ReqcacheError {
  if (error instanceof ReqcacheError) {
    if (error.key !== undefined) return error;
    // A serializer does not know the key: name it, so the bad entry can be found and deleted.
    return new ReqcacheError(error.code, `${message}: ${error.message}`, { cause: error, key });
  }
  return new ReqcacheError(code, message, { cause: error, key });
}
