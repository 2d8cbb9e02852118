import { existsSync } from 'node:fs';
import {
  type BackendName,
  CacheEngine,
  type CacheOptions,
  isReqcacheError,
  type ReqcacheError,
  type SerializerName,
} from '@reqcache/core';
import { sqlitePath } from '@reqcache/core/internal';
import { redactUrlPassword, type StoreArgs } from './args.js';
import { CliError, EXIT } from './errors.js';

/** A cache opened by the CLI: the engine, what it is, and the failures its store reported. */
export interface OpenedCache {
  engine: CacheEngine;
  /** `sqlite (./http_cache.sqlite)`, `redis (api_cache)`, … */
  description: string;
  /** Store failures reported while the command ran (reads that failed are otherwise silent misses). */
  storeErrors: ReqcacheError[];
  /** Throws the first reported store failure as a {@link CliError}, if any. */
  check(): void;
  close(): Promise<void>;
}

/** Key probed to check that the store answers before running a command. */
const PROBE_KEY = '@reqcache/cli:probe';

/**
 * Opens a cache as the adapters do: `new CacheEngine({backend, cacheName, backendOptions: {url}})`, then
 * checks that the store answers. A SQLite file that does not exist is an error (opening would create it).
 * @throws CliError: missing store package, unreachable server, no such SQLite file, bad serializer.
 */
export async function openCache(store: StoreArgs): Promise<OpenedCache> {
  const options: CacheOptions = { backend: store.backend as BackendName, cacheName: store.cacheName };
  const where = describeStore(store);
  if (store.backend === 'sqlite') {
    const path =
      store.url === undefined ? sqlitePath(store.cacheName) : store.url.replace(/^sqlite:\/\//i, '');
    if (path === ':memory:' || path === '') {
      throw new CliError(
        'ERR_NO_CACHE',
        'An in-memory SQLite cache lives inside its process: there is nothing to open',
        {
          exitCode: EXIT.usage,
        },
      );
    }
    if (!existsSync(path)) {
      throw new CliError(
        'ERR_NO_CACHE',
        `No SQLite cache at ${path} (--cache-name names the file as the adapters' cacheName does: "./http_cache" is ./http_cache.sqlite)`,
      );
    }
    if (store.url !== undefined) options.backendOptions = { uri: store.url };
  } else if (store.url !== undefined) {
    options.backendOptions = { url: store.url };
  }
  if (store.serializer !== undefined) options.serializer = store.serializer as SerializerName; // checked by the engine

  let engine: CacheEngine;
  try {
    engine = new CacheEngine(options);
  } catch (error) {
    throw toCliError(error, where);
  }
  const storeErrors: ReqcacheError[] = [];
  engine.on('error', (error) => {
    if (error.code === 'ERR_CACHE_STORE') storeErrors.push(error);
  });
  const opened: OpenedCache = {
    engine,
    description: engine.backendName,
    storeErrors,
    check() {
      const first = storeErrors[0];
      if (first !== undefined) throw unreachable(first, where);
    },
    close: () => closeQuietly(engine),
  };
  try {
    await engine.keyv.get(PROBE_KEY);
  } catch (error) {
    await closeQuietly(engine);
    throw unreachable(error, where);
  }
  try {
    opened.check();
  } catch (error) {
    await closeQuietly(engine);
    throw error;
  }
  return opened;
}

/** Converts any error of a command into a {@link CliError}. */
export function toCliError(error: unknown, where?: string): CliError {
  if (error instanceof CliError) return error;
  if (isReqcacheError(error)) {
    switch (error.code) {
      case 'ERR_MISSING_DEPENDENCY':
        return new CliError(error.code, error.message, { cause: error });
      case 'ERR_INVALID_OPTION':
      case 'ERR_UNKNOWN_OPTION':
        return new CliError(error.code, error.message.replace(/option "serializer"/, '--serializer'), {
          exitCode: EXIT.usage,
          cause: error,
        });
      case 'ERR_CACHE_STORE':
        return unreachable(error, where);
      default:
        return new CliError(error.code, error.message, { cause: error });
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  return new CliError('ERR_UNEXPECTED', message, { cause: error });
}

function unreachable(error: unknown, where: string | undefined): CliError {
  const detail = errorText(error);
  return new CliError(
    'ERR_STORE_UNREACHABLE',
    where === undefined ? `The store failed: ${detail}` : `Cannot use ${where}: ${detail}`,
    { cause: error },
  );
}

/** The innermost useful message of an error (connection errors are often wrapped, or aggregated). */
function errorText(error: unknown): string {
  let current: unknown = error;
  const parts: string[] = [];
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth++) {
    if (current instanceof AggregateError && current.errors.length > 0) current = current.errors[0];
    const message = current instanceof Error ? current.message : String(current);
    if (message !== '' && !parts.some((part) => part.includes(message))) parts.push(message);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.length === 0 ? 'unknown error' : parts.join(': ');
}

function describeStore(store: StoreArgs): string {
  switch (store.backend) {
    case 'sqlite':
      return `the SQLite cache ${store.url ?? sqlitePath(store.cacheName)}`;
    case 'redis':
      return `Redis at ${redactUrlPassword(store.url ?? 'redis://127.0.0.1:6379')} (namespace ${store.cacheName})`;
    case 'postgres':
      return `PostgreSQL at ${redactUrlPassword(store.url ?? 'postgresql://postgres@127.0.0.1:5432/postgres')} (table ${store.cacheName})`;
    case 'mongodb':
      return `MongoDB at ${redactUrlPassword(store.url ?? 'mongodb://127.0.0.1:27017')} (database ${store.cacheName})`;
  }
}

async function closeQuietly(engine: CacheEngine): Promise<void> {
  try {
    await engine.cache.close();
  } catch {
    // Closing a store that never connected can fail: nothing is left to release.
  }
}
