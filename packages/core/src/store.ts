import type { Keyv } from 'keyv';
import { CachedResponse, type InvalidCachedResponse } from './cached-response.js';
import { type CacheEntry, isEntryExpired } from './entry.js';
import { ReqcacheError } from './errors.js';
import { type ExpireAfter, parseExpireAfter, resolveExpiresAt } from './expire-after.js';
import type { KeyRequest } from './key.js';
import type { Serializer } from './serializer.js';

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
}

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

  constructor(init: HttpCacheInit) {
    this.#init = init;
    this.keyv = init.keyv;
  }

  // ---- used by the engine -------------------------------------------------------------------------

  /** Reads a response (following a redirect alias); a store or decode failure is reported and is a miss. @internal */
  async read(key: string): Promise<StoredEntry | undefined> {
    let raw = await this.#get(key);
    let resolvedKey = key;
    if (typeof raw === 'string' && raw.startsWith(ALIAS_PREFIX)) {
      resolvedKey = raw.slice(ALIAS_PREFIX.length);
      raw = await this.#get(resolvedKey);
      if (typeof raw === 'string' && raw.startsWith(ALIAS_PREFIX)) return undefined;
    }
    if (raw === undefined || raw === null) return undefined;
    const entry = this.#decode(resolvedKey, raw);
    return entry === undefined ? undefined : { key: resolvedKey, entry };
  }

  /** Writes a response and its aliases; failures are reported, never thrown. Returns true when written. @internal */
  async write(key: string, entry: CacheEntry, aliases: readonly string[] = []): Promise<boolean> {
    let value: string | Uint8Array;
    try {
      value = this.#init.serializer.dumps(entry);
    } catch (error) {
      this.#init.report(
        asReqcacheError(error, 'ERR_CACHE_SERIALIZE', `Could not serialize the response for ${key}`, key),
      );
      return false;
    }
    const ttl = this.#init.ttlFor(entry, this.#init.clock());
    if (ttl !== undefined && ttl <= 0) return false;
    try {
      await this.keyv.set(key, value, ttl);
      for (const alias of aliases) {
        if (alias !== key) await this.keyv.set(alias, ALIAS_PREFIX + key, ttl);
      }
      return true;
    } catch (error) {
      this.#init.report(storeError(error, `Could not write ${key} to the store`, key));
      return false;
    }
  }

  /** Deletes one key; failures are reported. @internal */
  async remove(key: string): Promise<void> {
    try {
      await this.keyv.delete(key);
    } catch (error) {
      this.#init.report(storeError(error, `Could not delete ${key} from the store`, key));
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

  /** How many responses are stored; with `checkExpiry`, only those not expired. */
  async responseCount(options: { checkExpiry?: boolean } = {}): Promise<number> {
    let count = 0;
    if (options.checkExpiry) {
      for await (const _ of this.values({ checkExpiry: true })) count++;
    } else {
      for await (const _ of this.keys()) count++;
    }
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
    for (const [key, entry] of await this.#collect()) {
      if (await this.write(key, { ...entry, expiresAt })) count++;
    }
    return count;
  }

  /** Recomputes every stored response's key under the current settings (after changing `keyFn` or matching options). */
  async recreateKeys(): Promise<number> {
    let moved = 0;
    for (const [key, entry] of await this.#collect()) {
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
      count: () => this.responseCount(),
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

  async #get(key: string): Promise<unknown> {
    try {
      return await this.keyv.get(key);
    } catch (error) {
      this.#init.report(storeError(error, `Could not read ${key} from the store`, key));
      return undefined;
    }
  }

  #decode(key: string, raw: unknown): CacheEntry | undefined {
    try {
      if (typeof raw !== 'string' && !(raw instanceof Uint8Array)) {
        throw new ReqcacheError(
          'ERR_CACHE_DESERIALIZE',
          `Stored value for ${key} is a ${typeof raw}, not a string or bytes`,
          { key },
        );
      }
      return this.#init.serializer.loads(raw);
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

  /** Decoded entries gathered first, so rewriting them does not disturb the store's iteration. */
  async #collect(): Promise<Array<[string, CacheEntry]>> {
    const out: Array<[string, CacheEntry]> = [];
    for await (const item of this.filter()) {
      if (!item.invalid) out.push([item.cacheKey, item.entry]);
    }
    return out;
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
