import { ConstructionOnlyOptionError, InvalidOptionError } from './errors.js';
import { type ExpireAfter, parseExpireAfter } from './expire-after.js';
import {
  DEFAULT_IGNORED_PARAMETERS,
  DEFAULT_MAX_ENTRY_BYTES,
  type ParsedSettings,
  type SettingsOptions,
  type WindowMs,
} from './option-types.js';
import { compileUrlPatterns } from './url-patterns.js';

export const SETTING_NAMES = [
  'expireAfter',
  'urlsExpireAfter',
  'cacheControl',
  'allowableCodes',
  'allowableMethods',
  'ignoredParameters',
  'matchHeaders',
  'filter',
  'keyFn',
  'staleIfError',
  'staleWhileRevalidate',
  'alwaysRevalidate',
  'readOnly',
  'onlyIfCached',
  'autoclose',
  'disabled',
  'separateCredentials',
  'maxEntryBytes',
  'storeTtl',
  'cacheStatus',
  'coalesce',
  'coalesceLeaseMs',
] as const satisfies readonly (keyof SettingsOptions)[];

/** Options fixed when the cache is created: `.settings` refuses them with {@link ConstructionOnlyOptionError}. */
export const CONSTRUCTION_ONLY_NAMES: readonly string[] = [
  'backend',
  'cacheName',
  'backendOptions',
  'maxEntries',
  'maxBytes',
  'serializer',
  'clock',
];

export const OPTION_NAMES: readonly string[] = [...SETTING_NAMES, ...CONSTRUCTION_ONLY_NAMES];

export const REQUEST_OPTION_NAMES: readonly string[] = [
  'expireAfter',
  'onlyIfCached',
  'refresh',
  'forceRefresh',
  'disabled',
];

export type SettingName = (typeof SETTING_NAMES)[number];

export const SETTING_DEFAULTS: Required<{ [K in SettingName]: SettingsOptions[K] }> = {
  expireAfter: -1,
  urlsExpireAfter: {},
  cacheControl: false,
  allowableCodes: [200],
  allowableMethods: ['GET', 'HEAD'],
  ignoredParameters: DEFAULT_IGNORED_PARAMETERS,
  matchHeaders: false,
  filter: undefined,
  keyFn: undefined,
  staleIfError: false,
  staleWhileRevalidate: false,
  alwaysRevalidate: false,
  readOnly: false,
  onlyIfCached: false,
  autoclose: true,
  disabled: false,
  separateCredentials: true,
  maxEntryBytes: DEFAULT_MAX_ENTRY_BYTES,
  storeTtl: false,
  cacheStatus: false,
  coalesce: 'process',
  coalesceLeaseMs: 10_000,
};

/** The `Cache-Status` name when the header is on: `true` is `reqcache`. */
export const DEFAULT_CACHE_STATUS_NAME = 'reqcache';

export function checkBoolean(option: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new InvalidOptionError(option, value, 'true or false');
  return value;
}

export function checkFunction<F>(option: string, value: unknown): F | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'function') throw new InvalidOptionError(option, value, 'a function');
  return value as F;
}

export function checkWindow(option: string, value: unknown): WindowMs {
  if (value === false) return 0;
  if (value === true) return Number.POSITIVE_INFINITY;
  const parsed = parseExpireAfter(value, option);
  switch (parsed.kind) {
    case 'never':
      return Number.POSITIVE_INFINITY;
    case 'relative':
      return parsed.ms;
    default:
      throw new InvalidOptionError(option, value, 'true, false or a duration such as "1h"');
  }
}

export function checkStatusCodes(option: string, value: unknown): ReadonlySet<number> {
  if (!Array.isArray(value) && !(value instanceof Set))
    throw new InvalidOptionError(option, value, 'an array of status codes');
  const codes = new Set<number>();
  for (const code of value) {
    if (typeof code !== 'number' || !Number.isInteger(code) || code < 100 || code > 599) {
      throw new InvalidOptionError(option, code, 'HTTP status codes from 100 to 599');
    }
    codes.add(code);
  }
  return codes;
}

export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function checkMethods(option: string, value: unknown): ReadonlySet<string> {
  if (!Array.isArray(value) && !(value instanceof Set))
    throw new InvalidOptionError(option, value, 'an array of HTTP methods');
  const methods = new Set<string>();
  for (const method of value) {
    if (typeof method !== 'string' || !TOKEN.test(method)) {
      throw new InvalidOptionError(option, method, 'HTTP method names such as "GET"');
    }
    methods.add(method.toUpperCase());
  }
  return methods;
}

export function checkNames(option: string, value: unknown): readonly string[] {
  if (!Array.isArray(value) && !(value instanceof Set))
    throw new InvalidOptionError(option, value, 'an array of names');
  const names: string[] = [];
  for (const name of value) {
    if (typeof name !== 'string' || name.length === 0)
      throw new InvalidOptionError(option, name, 'non-empty strings');
    names.push(name);
  }
  return names;
}

export function checkMatchHeaders(option: string, value: unknown): boolean | readonly string[] {
  if (typeof value === 'boolean') return value;
  return checkNames(option, value).map((name) => name.toLowerCase());
}

/** Validates one setting and returns its parsed form. @internal */
export function parseSetting<K extends SettingName>(name: K, value: unknown): unknown {
  switch (name) {
    case 'expireAfter':
      return parseExpireAfter(value, name);
    case 'urlsExpireAfter':
      if (value === undefined || value === null) return [];
      if (!(value instanceof Map) && (typeof value !== 'object' || Array.isArray(value))) {
        throw new InvalidOptionError(name, value, 'an object or Map of URL patterns to expiration values');
      }
      return compileUrlPatterns(value as Record<string, ExpireAfter>, name);
    case 'allowableCodes':
      return checkStatusCodes(name, value);
    case 'allowableMethods':
      return checkMethods(name, value);
    case 'ignoredParameters':
      return checkNames(name, value);
    case 'matchHeaders':
      return checkMatchHeaders(name, value);
    case 'filter':
    case 'keyFn':
      return checkFunction(name, value);
    case 'staleIfError':
    case 'staleWhileRevalidate':
      return checkWindow(name, value);
    case 'maxEntryBytes':
      if (
        typeof value !== 'number' ||
        !(value === Number.POSITIVE_INFINITY || (Number.isSafeInteger(value) && value > 0))
      ) {
        throw new InvalidOptionError(name, value, 'a positive whole number of bytes, or Infinity');
      }
      return value;
    case 'storeTtl':
      if (value === false) return undefined;
      if (value === true) return 0;
      return checkWindow(name, value);
    case 'cacheStatus':
      if (value === false) return undefined;
      if (value === true) return DEFAULT_CACHE_STATUS_NAME;
      if (typeof value !== 'string' || !TOKEN.test(value))
        throw new InvalidOptionError(name, value, 'true, false or a cache name (a token such as "my-cache")');
      return value;
    case 'coalesce':
      if (value !== 'process' && value !== 'store' && value !== false)
        throw new InvalidOptionError(name, value, "'process', 'store' or false");
      return value;
    case 'coalesceLeaseMs':
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0)
        throw new InvalidOptionError(name, value, 'a positive whole number of milliseconds');
      return value;
    default:
      return checkBoolean(name, value);
  }
}

export const PARSED_FIELD: Record<SettingName, keyof ParsedSettings> = {
  expireAfter: 'expireAfter',
  urlsExpireAfter: 'urlPatterns',
  cacheControl: 'cacheControl',
  allowableCodes: 'allowableCodes',
  allowableMethods: 'allowableMethods',
  ignoredParameters: 'ignoredParameters',
  matchHeaders: 'matchHeaders',
  filter: 'filter',
  keyFn: 'keyFn',
  staleIfError: 'staleIfErrorMs',
  staleWhileRevalidate: 'staleWhileRevalidateMs',
  alwaysRevalidate: 'alwaysRevalidate',
  readOnly: 'readOnly',
  onlyIfCached: 'onlyIfCached',
  autoclose: 'autoclose',
  disabled: 'disabled',
  separateCredentials: 'separateCredentials',
  maxEntryBytes: 'maxEntryBytes',
  storeTtl: 'storeTtlMs',
  cacheStatus: 'cacheStatus',
  coalesce: 'coalesce',
  coalesceLeaseMs: 'coalesceLeaseMs',
};

/**
 * The run-time settings of a cached client (requests-cache's `session.settings`). Every assignment is
 * validated at once and takes effect on the next request; a bad value throws `InvalidOptionError` and
 * leaves the previous value in place. Plain JavaScript gets the same checks as TypeScript: an unknown
 * name throws `UnknownOptionError` (with a "did you mean"), an option fixed at creation (`backend`,
 * `serializer`, `maxEntries`, …) throws `ConstructionOnlyOptionError`. `console.log(settings)` shows
 * every current value; `JSON.stringify(settings)` the ones that differ from the defaults.
 *
 * @example
 * client.settings.expireAfter = '10m';
 * client.settings.staleIfError = true;
 * client.settings.expireAftr = 5; // UnknownOptionError: Unknown option "expireAftr" in settings (did you mean "expireAfter"?)
 */
