/**
 * The cache fields adapters put on the responses they hand out: {@link CacheInfo} and a one-line
 * description formatted only when read (it costs more than the rest of a hit's translation).
 * @module
 */
import { assignCacheInfo, type CacheInfo, cacheInfo } from './contract.js';

/** The cache fields on every response of a cached client: {@link CacheInfo} and its description. */
export interface CacheFields extends CacheInfo {
  /**
   * One line describing the response, like requests-cache's `str(response)`:
   * `request: GET <url>, response: 200 (308 bytes), created: …, expires: … (fresh), from cache`.
   */
  cacheDescription: string;
}

/** The names of the cache fields, in the order adapters set them. */
const FIELD_NAMES = [...Object.keys(cacheInfo('miss', 0)), 'cacheDescription'] as (keyof CacheFields)[];

/**
 * The cache fields of a response from a cached client (got, axios or fetch), as a plain object; undefined
 * for a response that did not go through a cache (an uncached client's). `cacheStatus` is there when
 * the `cacheStatus` setting is on (got; fetch and axios have it in their headers only).
 * @example cacheFields(await client('https://example.com/data'))?.fromCache // false, then true
 */
export function cacheFields(response: unknown): CacheFields | undefined {
  const candidate = response as Partial<CacheFields> | null | undefined;
  if (typeof candidate?.fromCache !== 'boolean' || !(candidate.createdAt instanceof Date)) return undefined;
  const fields = {} as Record<string, unknown>;
  for (const name of FIELD_NAMES) fields[name] = candidate[name];
  if (candidate.cacheStatus !== undefined) fields['cacheStatus'] = candidate.cacheStatus;
  return fields as unknown as CacheFields;
}

/**
 * Puts the cache fields on a response object the client built: the fields of `info` as own data
 * properties ({@link assignCacheInfo}), and `cacheDescription` as an own, enumerable accessor that
 * formats the description when first read (and takes an assigned value).
 */
export function attachCacheFields<T extends object>(target: T, info: CacheInfo, describe: () => string): T {
  assignCacheInfo(target, info);
  defineDescription(target, 'cacheDescription', describe);
  return target;
}

/**
 * Defines `name` on `target` as an own, enumerable accessor that formats the description when first read
 * (and takes an assigned value): most responses are never described, and formatting costs more than the
 * rest of their translation. @internal
 */
export function defineDescription(target: object, name: string, describe: () => string): void {
  let description: string | undefined;
  Object.defineProperty(target, name, {
    enumerable: true,
    configurable: true,
    get: () => {
      description ??= describe();
      return description;
    },
    set: (value: string) => {
      description = value;
    },
  });
}

/**
 * A base class for the response objects an adapter builds itself: the cache fields are own data
 * properties set by {@link DescribedResponse.setCacheFields} (after the subclass's own fields, which
 * keep their place first), and `cacheDescription` is an accessor on the prototype. (An accessor
 * defined on each object, as {@link attachCacheFields} does, gives every response a hidden class of
 * its own, which the garbage collector only reclaims with a full collection.)
 */
export class DescribedResponse {
  declare fromCache: boolean;
  declare createdAt: Date;
  declare expires: Date | null;
  declare isExpired: boolean;
  declare revalidated: boolean;
  declare cacheKey: string | undefined;
  declare reason: CacheInfo['reason'];
  #describe: () => string = () => '';
  #description: string | undefined;

  /** Sets the cache fields of `info` and what the description is formatted with. */
  protected setCacheFields(info: CacheInfo, describe: () => string): void {
    assignCacheInfo(this, info);
    this.#describe = describe;
  }

  /** See {@link CacheFields.cacheDescription}; formatted when first read. */
  get cacheDescription(): string {
    this.#description ??= this.#describe();
    return this.#description;
  }

  set cacheDescription(value: string) {
    this.#description = value;
  }
}
