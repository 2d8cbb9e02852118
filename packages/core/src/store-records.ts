/**
 * The records under the cache: reads and writes of serialized entries and redirect aliases over any Keyv,
 * with store health (a failing store is reported once and skipped for a while, never thrown to the HTTP
 * caller), decoding, listing and batch deletes. {@link HttpCache} adds requests-cache's inspection and
 * maintenance API on top.
 * @module
 */
import type { Keyv } from 'keyv';
import type { CacheEntry } from './entry.js';
import { errorMessage, ReqcacheError } from './errors.js';
import type { KeyRequest } from './key.js';
import { copyEntry, freezeEntry, type Serializer, SerializerPipeline } from './serializer.js';
import { StoreHealth, type StoreRecovery, type StoreTicket } from './store-health.js';

/** What a raw read returns for a value Keyv itself could not parse (already reported). @internal */
export const CORRUPT: unique symbol = Symbol('corrupt entry');

/** Alias values (redirect hops → the key of the final response) live beside responses, marked by this prefix. */
const ALIAS_PREFIX = '@reqcache/alias:';

/** The key a raw value points at when it is a redirect alias, else undefined. @internal */
export function aliasTarget(raw: unknown): string | undefined {
  return typeof raw === 'string' && raw.startsWith(ALIAS_PREFIX) ? raw.slice(ALIAS_PREFIX.length) : undefined;
}

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
  /**
   * The store keeps entries as objects, unserialized: the memory backend with the default serializer
   * (requests-cache's memory backend stores objects as they are). Each is a frozen copy, shared by reads.
   */
  keepsEntries?: boolean;
}

/** The entries a store keeps as objects (see {@link HttpCacheInit.keepsEntries}): told apart from anything else a Map may hold. */
const keptEntries = new WeakSet<object>();

/** Whether a raw value is an entry a store keeps as an object. */
function isKept(raw: unknown): raw is CacheEntry {
  return typeof raw === 'object' && raw !== null && keptEntries.has(raw);
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

/** A direct Map read could not answer: ask Keyv. */
const NOT_DIRECT = Symbol('not direct');

/** A stored response or alias read with its resolved key. @internal */
export interface StoredEntry {
  key: string;
  entry: CacheEntry;
}

/** The records over a Keyv: what {@link HttpCache} and the engine read and write through. @internal */
export class StoreRecords {
  protected readonly init: HttpCacheInit;
  readonly keyv: Keyv;
  /** Store health: after a failure the engine skips the store for a while (see {@link StoreHealth}). */
  readonly health = new StoreHealth();

  /** Set when reads can go straight to the Map behind the Keyv (see {@link StoreRecords.#directRead}). */
  readonly #direct: DirectMap | undefined;
  /** Entries are kept as frozen objects, not serialized (see {@link HttpCacheInit.keepsEntries}). */
  readonly #keepsEntries: boolean;

  constructor(init: HttpCacheInit) {
    this.init = init;
    this.keyv = init.keyv;
    this.#direct = directMap(init.keyv);
    this.#keepsEntries = init.keepsEntries === true && this.#direct !== undefined;
  }

  /** True while the store is considered down (failed, and not yet answering a probe), or after `close()`. */
  get storeDown(): boolean {
    return this.#closed || this.health.down;
  }

  /**
   * Set by `close()`: requests go on uncached (reads miss, writes are refused) and nothing touches the
   * store again — a closed Redis or Postgres client would otherwise reconnect and keep the process alive.
   */
  #closed = false;

  /** True once `close()` closed the store's connections. */
  get closed(): boolean {
    return this.#closed;
  }

  protected markClosed(): void {
    this.#closed = true;
  }

  /** Maintenance on a closed cache is an error the caller sees (a typed one), never a reconnect. */
  protected checkOpen(): void {
    if (this.#closed)
      throw new ReqcacheError('ERR_CACHE_STORE', 'The cache is closed: open a new one to use its store');
  }

  /**
   * Reports a store failure once per outage: the first failure takes the store down and is reported;
   * failures while it is down are not. @internal
   */
  storeFailed(error: ReqcacheError): void {
    if (this.health.failed()) this.init.report(error);
  }

  /**
   * Reads a response (following a redirect alias); a store or decode failure is reported and is a miss.
   * The entry may be shared with other reads (frozen, body bytes included by contract): read it, never
   * change it. The maintenance views (`responses`, `filter`, …) hand out copies. @internal
   */
  async read(key: string): Promise<StoredEntry | undefined> {
    if (this.#closed) return undefined;
    const ticket = this.health.begin();
    if (ticket === undefined) return undefined;
    let raw = await this.rawGet(key, ticket);
    let resolvedKey = key;
    const target = aliasTarget(raw);
    if (target !== undefined) {
      resolvedKey = target;
      raw = await this.rawGet(resolvedKey, ticket);
      if (aliasTarget(raw) !== undefined) return undefined;
    }
    if (raw === undefined || raw === null) return undefined;
    const entry = this.decodeRaw(resolvedKey, raw, true);
    return entry === undefined ? undefined : { key: resolvedKey, entry };
  }

  /** Writes a response and its aliases; failures are reported, never thrown. Returns true when written. @internal */
  async write(key: string, entry: CacheEntry, aliases: readonly string[] = []): Promise<boolean> {
    if (this.#closed) return false;
    let value: string | Uint8Array | CacheEntry;
    try {
      if (this.#keepsEntries) {
        // A copy of its own (the caller keeps the body it read), frozen, recognised when read back.
        value = freezeEntry(copyEntry(entry));
        keptEntries.add(value);
      } else value = this.init.serializer.dumps(entry);
      // Keyv keeps Buffers intact but turns a plain Uint8Array into {"0": …}: hand it a Buffer view.
      if (value instanceof Uint8Array && !Buffer.isBuffer(value))
        value = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    } catch (error) {
      this.init.report(
        asReqcacheError(error, 'ERR_CACHE_SERIALIZE', `Could not serialize the response for ${key}`, key),
      );
      return false;
    }
    const ttl = this.init.ttlFor(entry, this.init.clock());
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
    if (this.#closed) return;
    const ticket = this.health.begin();
    if (ticket === undefined) return;
    try {
      await this.keyv.delete(key);
      this.#succeeded(ticket);
    } catch (error) {
      this.storeFailed(storeError(error, `Could not delete ${key} from the store`, key));
    }
  }

  /** Reads a raw value; a store failure is reported (once per outage) and reads as undefined. */
  protected async rawGet(key: string, ticket?: StoreTicket): Promise<unknown> {
    this.checkOpen();
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
        this.init.report(
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
    if (recovery !== undefined) this.init.recovered?.(recovery);
  }

  /** Decodes a stored value; `shared` (the engine's reads) may return a frozen entry shared with other reads. */
  protected decodeRaw(key: string, raw: unknown, shared = false): CacheEntry | undefined {
    if (raw === CORRUPT) return undefined;
    if (isKept(raw)) return shared ? raw : copyEntry(raw);
    try {
      if (typeof raw !== 'string' && !(raw instanceof Uint8Array)) {
        throw new ReqcacheError(
          'ERR_CACHE_DESERIALIZE',
          `Stored value for ${key} is a ${typeof raw}, not a string or bytes`,
          { key },
        );
      }
      const serializer = this.init.serializer;
      return shared && serializer instanceof SerializerPipeline
        ? serializer.loadsShared(raw)
        : serializer.loads(raw);
    } catch (error) {
      this.init.report(
        asReqcacheError(error, 'ERR_CACHE_DESERIALIZE', `Could not decode the stored response ${key}`, key),
      );
      return undefined;
    }
  }

  /** A stored value as an entry of the caller's own; throws what the serializer throws for one it cannot read. */
  protected loadsCopy(raw: unknown): CacheEntry {
    return isKept(raw) ? copyEntry(raw) : this.init.serializer.loads(raw as string | Uint8Array);
  }

  /** Every raw record of the store's namespace, as the store lists them. */
  protected async *iterateRaw(): AsyncGenerator<[string, unknown]> {
    this.checkOpen();
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

  /** Deletes keys in one call; a failure is thrown (maintenance calls report it to their caller). */
  protected async deleteBatch(keys: string[]): Promise<number> {
    this.checkOpen();
    if (keys.length === 0) return 0;
    try {
      if (keys.length === 1) return (await this.keyv.delete(keys[0]!)) ? 1 : 0;
      await this.keyv.deleteMany(keys);
      return keys.length;
    } catch (error) {
      throw storeError(error, `Could not delete ${keys.length} entries from the store`);
    }
  }
}

/** A store failure as a ReqcacheError naming what was being done. @internal */
export function storeError(error: unknown, message: string, key?: string): ReqcacheError {
  if (error instanceof ReqcacheError) return error;
  return new ReqcacheError(
    'ERR_CACHE_STORE',
    `${message}: ${errorMessage(error)}`,
    key === undefined ? { cause: error } : { cause: error, key },
  );
}

/** A (de)serializer failure as a ReqcacheError naming the key. @internal */
export function asReqcacheError(
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
