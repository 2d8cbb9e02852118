/**
 * {@link HttpCache}: requests-cache's inspection and maintenance API (SPEC §4: filter, delete, urls,
 * responseCount, resetExpiration, recreateKeys, the `responses` and `redirects` views) over the records
 * of `store-records.ts`, which the engine reads and writes through.
 * @module
 */
import { CachedResponse, type InvalidCachedResponse } from './cached-response.js';
import { type CacheEntry, isEntryExpired } from './entry.js';
import { ReqcacheError } from './errors.js';
import { type ExpireAfter, parseExpireAfter, resolveExpiresAt } from './expire-after.js';
import type { KeyRequest } from './key.js';
import {
  STORE_RETRY_INITIAL_MS,
  STORE_RETRY_MAX_MS,
  StoreHealth,
  type StoreRecovery,
  type StoreTicket,
} from './store-health.js';
import {
  aliasTarget,
  asReqcacheError,
  CORRUPT,
  type HttpCacheInit,
  type StoredEntry,
  StoreRecords,
  storeError,
} from './store-records.js';

export type { HttpCacheInit, StoredEntry, StoreRecovery, StoreTicket };
export { STORE_RETRY_INITIAL_MS, STORE_RETRY_MAX_MS, StoreHealth };

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
 * The storage layer over any Keyv instance: the records' reads and writes, and requests-cache's
 * inspection and maintenance API.
 * Responses and redirect aliases share one keyspace (an alias is a small marker value pointing at the
 * final response's key), so a lookup costs one store read and any Keyv store works unchanged.
 */
export class HttpCache extends StoreRecords {
  /** True when a response (or a redirect alias) is stored for the key, request or URL (as a GET). */
  async contains(target: { key?: string; url?: string; request?: KeyRequest }): Promise<boolean> {
    const key = this.#targetKey(target);
    if (key === undefined) return false;
    return (await this.rawGet(key)) !== undefined;
  }

  /**
   * Deletes what matches any of the criteria, then the redirect aliases left pointing at nothing.
   * Returns how many responses were deleted.
   */
  async delete(options: DeleteOptions = {}): Promise<number> {
    const keys = new Set<string>(options.keys ?? []);
    for (const url of options.urls ?? []) keys.add(this.init.createKey(getRequest(url)));
    for (const request of options.requests ?? []) keys.add(this.init.createKey(request));
    // Explicit keys may be aliases: delete their targets too, as requests-cache does for redirects.
    for (const key of [...keys]) {
      const target = aliasTarget(await this.rawGet(key));
      if (target !== undefined) keys.add(target);
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
      const raw = await this.rawGet(key);
      if (raw === undefined) continue;
      // Aliases go too, but only responses count.
      if (aliasTarget(raw) !== undefined) aliases++;
      batch.push(key);
      if (batch.length >= 500) deleted += await this.deleteBatch(batch.splice(0));
    }
    deleted += await this.deleteBatch(batch);
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
    const nowMs = this.init.clock();
    let createdBeforeMs: number | undefined;
    if (options.olderThan !== undefined) {
      const parsed = parseExpireAfter(options.olderThan, 'olderThan');
      if (parsed.kind !== 'relative')
        throw new ReqcacheError('ERR_INVALID_OPTION', 'olderThan must be a duration', {
          option: 'olderThan',
        });
      createdBeforeMs = nowMs - parsed.ms;
    }
    for await (const [key, raw] of this.iterateRaw()) {
      if (aliasTarget(raw) !== undefined) continue;
      let entry: CacheEntry;
      try {
        entry = this.loadsCopy(raw);
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
    for await (const [key, raw] of this.iterateRaw()) {
      if (aliasTarget(raw) === undefined) yield key;
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
    const nowMs = this.init.clock();
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
      const newKey = this.init.createKey({
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
        const raw = await this.rawGet(key);
        if (raw === undefined || aliasTarget(raw) !== undefined) return undefined;
        const entry = this.decodeRaw(key, raw);
        return entry === undefined ? undefined : new CachedResponse(key, entry, this.init.clock());
      },
      has: async (key) => {
        const raw = await this.rawGet(key);
        return raw !== undefined && aliasTarget(raw) === undefined;
      },
      delete: async (key) => (await this.deleteBatch([key])) > 0,
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
        const raw = await this.rawGet(key);
        return aliasTarget(raw);
      },
      has: async (key) => {
        const raw = await this.rawGet(key);
        return aliasTarget(raw) !== undefined;
      },
      delete: async (key) => {
        const raw = await this.rawGet(key);
        if (aliasTarget(raw) === undefined) return false;
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
    this.checkOpen();
    try {
      await this.keyv.clear();
    } catch (error) {
      throw storeError(error, 'Could not clear the store');
    }
  }

  /**
   * Closes the store's connections (when `autoclose` is on). Requests after it still succeed, uncached
   * (reason `store-error` for what would have been stored); maintenance calls throw `ERR_CACHE_STORE`.
   */
  async close(): Promise<void> {
    if (!this.init.autoclose() || this.closed) return;
    this.markClosed();
    try {
      await this.keyv.disconnect();
    } catch (error) {
      this.init.report(storeError(error, 'Could not close the store'));
    }
  }

  // ---- internals ----------------------------------------------------------------------------------

  #targetKey(target: { key?: string; url?: string; request?: KeyRequest }): string | undefined {
    if (target.key !== undefined) return target.key;
    if (target.request !== undefined) return this.init.createKey(target.request);
    if (target.url !== undefined) return this.init.createKey(getRequest(target.url));
    return undefined;
  }

  async *#entries(aliases: boolean): AsyncGenerator<[string, CachedResponse | string]> {
    const nowMs = this.init.clock();
    for await (const [key, raw] of this.iterateRaw()) {
      const target = aliasTarget(raw);
      if ((target !== undefined) !== aliases) continue;
      if (target !== undefined) {
        yield [key, target];
        continue;
      }
      const entry = this.decodeRaw(key, raw);
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
      const raw = await this.rawGet(key);
      if (raw === undefined || raw === null || raw === CORRUPT) continue;
      if (aliasTarget(raw) !== undefined) continue;
      let entry: CacheEntry;
      try {
        entry = this.loadsCopy(raw);
      } catch {
        continue; // undecodable: skipped here, as filter() skips it
      }
      yield [key, entry];
    }
  }

  async #pruneAliases(): Promise<void> {
    const dangling: string[] = [];
    for await (const [key, target] of this.#entries(true)) {
      if ((await this.rawGet(target as string)) === undefined) dangling.push(key);
    }
    await this.deleteBatch(dangling);
  }
}

function getRequest(url: string): KeyRequest {
  return { method: 'GET', url, headers: {} };
}
