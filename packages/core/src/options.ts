import type { Keyv, KeyvStoreAdapter } from 'keyv';
import { InvalidOptionError, UnknownOptionError } from './errors.js';
import { parseExpireAfter } from './expire-after.js';
import {
  checkBoolean,
  DEFAULT_CACHE_STATUS_NAME,
  OPTION_NAMES,
  REQUEST_OPTION_NAMES,
} from './option-checks.js';
import {
  ALL_METHODS,
  BACKEND_NAMES,
  type BackendName,
  type CacheOptions,
  type CoalesceMode,
  DEFAULT_IGNORED_PARAMETERS,
  DEFAULT_MAX_ENTRY_BYTES,
  type FilterResponse,
  type KeyFunction,
  type ParsedRequestOptions,
  type ParsedSettings,
  type RequestCacheOptions,
  type SettingsOptions,
  type WindowMs,
} from './option-types.js';
import type { Serializer } from './serializer.js';
import { isSerializerName, SERIALIZER_FORMATS, type SerializerName } from './serializers.js';
import { CacheSettings } from './settings.js';

export interface NormalizedOptions {
  backend: BackendName | Keyv | KeyvStoreAdapter;
  cacheName: string;
  backendOptions: Record<string, unknown>;
  /** `maxEntries` / `maxBytes`, those given. */
  bounds: { maxEntries?: number; maxBytes?: number };
  serializer: SerializerName | Serializer;
  clock: () => number;
  settings: CacheSettings;
}

/**
 * Applies every default once and validates every option, throwing `InvalidOptionError` (naming the
 * option and the value) or `UnknownOptionError` (for a misspelt name).
 */
export function normalizeOptions(options: CacheOptions = {}): NormalizedOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError('options', options, 'an options object');
  }
  for (const name of Object.keys(options)) {
    if (!OPTION_NAMES.includes(name)) throw new UnknownOptionError(name, OPTION_NAMES);
  }
  const backend = options.backend ?? 'sqlite';
  if (typeof backend === 'string') {
    if (!BACKEND_NAMES.includes(backend as BackendName)) {
      throw new InvalidOptionError(
        'backend',
        backend,
        `one of ${BACKEND_NAMES.join(', ')}, a Keyv instance or a Keyv store`,
      );
    }
  } else if (!isKeyvLike(backend)) {
    throw new InvalidOptionError(
      'backend',
      backend,
      `one of ${BACKEND_NAMES.join(', ')}, a Keyv instance or a Keyv store`,
    );
  }
  const cacheName = options.cacheName ?? 'http_cache';
  if (typeof cacheName !== 'string' || cacheName.length === 0) {
    throw new InvalidOptionError('cacheName', cacheName, 'a non-empty string');
  }
  const backendOptions = options.backendOptions ?? {};
  if (typeof backendOptions !== 'object' || backendOptions === null || Array.isArray(backendOptions)) {
    throw new InvalidOptionError('backendOptions', backendOptions, 'an object');
  }
  const serializer = options.serializer ?? 'json';
  if (typeof serializer === 'string') {
    if (!isSerializerName(serializer))
      throw new InvalidOptionError(
        'serializer',
        serializer,
        `${SERIALIZER_FORMATS.map((format) => `"${format}"`).join(', ')} (optionally with "+gzip", "+brotli" or "+zstd"), or a Serializer object`,
      );
  } else if (
    typeof serializer !== 'object' ||
    serializer === null ||
    typeof serializer.dumps !== 'function' ||
    typeof serializer.loads !== 'function' ||
    typeof serializer.name !== 'string'
  ) {
    throw new InvalidOptionError(
      'serializer',
      serializer,
      '"json" or an object with name, dumps() and loads()',
    );
  }
  const bounds: { maxEntries?: number; maxBytes?: number } = {};
  for (const name of ['maxEntries', 'maxBytes'] as const) {
    const value = options[name];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0)
      throw new InvalidOptionError(
        name,
        value,
        name === 'maxBytes' ? 'a positive integer (bytes)' : 'a positive integer',
      );
    bounds[name] = value;
  }
  const clock = options.clock ?? Date.now;
  if (typeof clock !== 'function')
    throw new InvalidOptionError('clock', clock, 'a function returning epoch milliseconds');
  return {
    backend,
    cacheName,
    backendOptions,
    bounds,
    serializer,
    clock,
    settings: new CacheSettings(options),
  };
}

/** Validates per-request options (`init.cacheOptions`, `config.cache`, `context.cache`). */
export function normalizeRequestOptions(
  options: RequestCacheOptions | undefined,
  scope = 'request cache options',
): ParsedRequestOptions {
  if (options === undefined || options === null) return NO_REQUEST_OPTIONS;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidOptionError(
      scope,
      options,
      'an object with expireAfter, onlyIfCached, refresh, forceRefresh or disabled',
    );
  }
  let empty = true;
  for (const name of Object.keys(options)) {
    if (!REQUEST_OPTION_NAMES.includes(name)) throw new UnknownOptionError(name, REQUEST_OPTION_NAMES, scope);
    empty = false;
  }
  if (empty) return NO_REQUEST_OPTIONS;
  const flag = (name: 'onlyIfCached' | 'refresh' | 'forceRefresh' | 'disabled'): boolean =>
    options[name] === undefined ? false : checkBoolean(name, options[name]);
  // Frozen: the engine recognises parsed options by that and does not parse them again.
  return Object.freeze({
    expireAfter:
      options.expireAfter === undefined ? undefined : parseExpireAfter(options.expireAfter, 'expireAfter'),
    onlyIfCached: flag('onlyIfCached'),
    refresh: flag('refresh'),
    forceRefresh: flag('forceRefresh'),
    disabled: flag('disabled'),
  });
}

const NO_REQUEST_OPTIONS: ParsedRequestOptions = Object.freeze({
  expireAfter: undefined,
  onlyIfCached: false,
  refresh: false,
  forceRefresh: false,
  disabled: false,
});

function isKeyvLike(value: unknown): value is Keyv | KeyvStoreAdapter {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate['get'] === 'function' &&
    typeof candidate['set'] === 'function' &&
    typeof candidate['delete'] === 'function' &&
    typeof candidate['clear'] === 'function'
  );
}

export type { SerializerName } from './serializers.js';
export type {
  BackendName,
  CacheOptions,
  CoalesceMode,
  FilterResponse,
  KeyFunction,
  ParsedRequestOptions,
  ParsedSettings,
  RequestCacheOptions,
  SettingsOptions,
  WindowMs,
};
export {
  ALL_METHODS,
  BACKEND_NAMES,
  CacheSettings,
  DEFAULT_CACHE_STATUS_NAME,
  DEFAULT_IGNORED_PARAMETERS,
  DEFAULT_MAX_ENTRY_BYTES,
};
