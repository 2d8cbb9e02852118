/**
 * Stable error codes. Every error reqcache throws or reports is a {@link ReqcacheError} with one of these.
 */
export type ReqcacheErrorCode =
  /** An option has a value of the wrong type or out of range. */
  | 'ERR_INVALID_OPTION'
  /** An option name that reqcache does not know (usually a typo). */
  | 'ERR_UNKNOWN_OPTION'
  /** An option that is fixed when the cache is created (`backend`, `serializer`, …), assigned through `.settings`. */
  | 'ERR_CONSTRUCTION_ONLY_OPTION'
  /** The store (Keyv backend) failed to read, write or delete. */
  | 'ERR_CACHE_STORE'
  /** A response could not be serialized for storage. */
  | 'ERR_CACHE_SERIALIZE'
  /** A stored entry could not be decoded: corrupt, tampered, or of an unknown format version. */
  | 'ERR_CACHE_DESERIALIZE'
  /** A store package (for example `@keyv/redis`) is not installed. */
  | 'ERR_MISSING_DEPENDENCY'
  /** A background revalidation (stale-while-revalidate) failed. */
  | 'ERR_REVALIDATION';

export interface ReqcacheErrorOptions {
  cause?: unknown;
  /** The option the error is about, for `ERR_INVALID_OPTION` / `ERR_UNKNOWN_OPTION`. */
  option?: string;
  /** The cache key the error is about, for store and serializer errors. */
  key?: string;
}

/** Base class of every error reqcache throws or reports. */
export class ReqcacheError extends Error {
  override name = 'ReqcacheError';
  readonly code: ReqcacheErrorCode;
  readonly option: string | undefined;
  readonly key: string | undefined;

  constructor(code: ReqcacheErrorCode, message: string, options: ReqcacheErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.option = options.option;
    this.key = options.key;
  }
}

/** Thrown at construction (or when a setting is changed) for a bad option value. */
export class InvalidOptionError extends ReqcacheError {
  override name = 'InvalidOptionError';
  readonly value: unknown;

  constructor(option: string, value: unknown, expected: string, cause?: unknown) {
    super(
      'ERR_INVALID_OPTION',
      `Invalid value for option "${option}": ${describeValue(value)} (expected ${expected})`,
      {
        option,
        cause,
      },
    );
    this.value = value;
  }
}

/**
 * Thrown when `.settings` is given an option that is fixed when the cache is created (`backend`,
 * `cacheName`, `backendOptions`, `maxEntries`, `maxBytes`, `serializer`, `clock`): create another
 * client with the new value instead.
 */
export class ConstructionOnlyOptionError extends ReqcacheError {
  override name = 'ConstructionOnlyOptionError';
  readonly value: unknown;

  constructor(option: string, value: unknown) {
    super(
      'ERR_CONSTRUCTION_ONLY_OPTION',
      `Option "${option}" is fixed when the cache is created and cannot be changed through .settings ` +
        `(got ${describeValue(value)}): pass it to withCache(), gotCache() or setupCache() when creating the client`,
      { option },
    );
    this.value = value;
  }
}

/** Thrown at construction (or when `.settings` is given one) for an option name reqcache does not know. */
export class UnknownOptionError extends ReqcacheError {
  override name = 'UnknownOptionError';

  constructor(option: string, known: readonly string[], scope = 'options') {
    const suggestion = closest(option, known);
    super(
      'ERR_UNKNOWN_OPTION',
      `Unknown option "${option}" in ${scope}` + (suggestion ? ` (did you mean "${suggestion}"?)` : ''),
      { option },
    );
  }
}

/** True for any error thrown or reported by reqcache. */
export function isReqcacheError(error: unknown): error is ReqcacheError {
  return error instanceof ReqcacheError;
}

/** A short, safe description of a value for error messages (never dumps large or nested objects). */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? 'Invalid Date' : `Date(${value.toISOString()})`;
  if (Array.isArray(value)) return `array(${value.length})`;
  const name = (value as object).constructor?.name;
  return name && name !== 'Object' ? `${name} object` : 'object';
}

function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = levenshtein(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** Any failure a store threw or emitted, as an `ERR_CACHE_STORE` error (a ReqcacheError is kept as is). */
export function toStoreError(error: unknown): ReqcacheError {
  if (error instanceof ReqcacheError) return error;
  return new ReqcacheError('ERR_CACHE_STORE', `Store error: ${errorMessage(error)}`, { cause: error });
}

/** The message of anything thrown or emitted: an Error's own, else the value as a string. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
