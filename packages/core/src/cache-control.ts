/**
 * `Cache-Control` parsing and formatting (RFC 9111 §5.2, syntax of RFC 9110 §5.6.2). Pure.
 *
 * @module
 */

/**
 * Parsed `Cache-Control` directives of a request or a response. Only directives that are present
 * (and valid) are set. Durations are delta-seconds, clamped to 2147483648 (RFC 9111 §1.2.2).
 */
export interface CacheDirectives {
  /** `max-age`, seconds. Conflicting duplicates give `0` (stale), RFC 9111 §4.2.1. */
  maxAge?: number;
  /** `s-maxage`, seconds (shared caches only). */
  sMaxAge?: number;
  /** `max-stale` (request), seconds; `Infinity` when given without a value (any staleness). */
  maxStale?: number;
  /** `min-fresh` (request), seconds. */
  minFresh?: number;
  /** `stale-if-error` (RFC 5861 §4), seconds. Ignored without a value. */
  staleIfError?: number;
  /** `stale-while-revalidate` (RFC 5861 §3), seconds. Ignored without a value. */
  staleWhileRevalidate?: number;
  /**
   * `no-cache`: `true` when unqualified, or the lower-cased field names of the qualified form
   * (`no-cache="Set-Cookie"`), RFC 9111 §5.2.2.4.
   */
  noCache?: true | string[];
  /** `no-store`. */
  noStore?: true;
  /** `must-revalidate` (response). */
  mustRevalidate?: true;
  /** `proxy-revalidate` (response, shared caches only). */
  proxyRevalidate?: true;
  /** `private`: `true` when unqualified, or the lower-cased field names of the qualified form. */
  private?: true | string[];
  /** `public` (response). */
  public?: true;
  /** `immutable` (response, RFC 8246). */
  immutable?: true;
  /** `only-if-cached` (request). */
  onlyIfCached?: true;
  /** `no-transform`. */
  noTransform?: true;
  /** `must-understand` (response). */
  mustUnderstand?: true;
}

/** Largest delta-seconds value kept; larger values are clamped to it (RFC 9111 §1.2.2). */
export const MAX_DELTA_SECONDS = 2_147_483_648;

type NumericKey = 'maxAge' | 'sMaxAge' | 'maxStale' | 'minFresh' | 'staleIfError' | 'staleWhileRevalidate';
type FlagKey =
  | 'noStore'
  | 'mustRevalidate'
  | 'proxyRevalidate'
  | 'public'
  | 'immutable'
  | 'onlyIfCached'
  | 'noTransform'
  | 'mustUnderstand';
type FieldListKey = 'noCache' | 'private';

const NUMERIC: ReadonlyMap<string, NumericKey> = new Map([
  ['max-age', 'maxAge'],
  ['s-maxage', 'sMaxAge'],
  ['max-stale', 'maxStale'],
  ['min-fresh', 'minFresh'],
  ['stale-if-error', 'staleIfError'],
  ['stale-while-revalidate', 'staleWhileRevalidate'],
]);

const FLAGS: ReadonlyMap<string, FlagKey> = new Map([
  ['no-store', 'noStore'],
  ['must-revalidate', 'mustRevalidate'],
  ['proxy-revalidate', 'proxyRevalidate'],
  ['public', 'public'],
  ['immutable', 'immutable'],
  ['only-if-cached', 'onlyIfCached'],
  ['no-transform', 'noTransform'],
  ['must-understand', 'mustUnderstand'],
]);

const FIELD_LISTS: ReadonlyMap<string, FieldListKey> = new Map([
  ['no-cache', 'noCache'],
  ['private', 'private'],
]);

/** Output order of {@link formatCacheControl}. */
const FORMAT_ORDER: readonly (readonly [keyof CacheDirectives, string])[] = [
  ['maxAge', 'max-age'],
  ['sMaxAge', 's-maxage'],
  ['maxStale', 'max-stale'],
  ['minFresh', 'min-fresh'],
  ['staleIfError', 'stale-if-error'],
  ['staleWhileRevalidate', 'stale-while-revalidate'],
  ['noCache', 'no-cache'],
  ['noStore', 'no-store'],
  ['mustRevalidate', 'must-revalidate'],
  ['proxyRevalidate', 'proxy-revalidate'],
  ['private', 'private'],
  ['public', 'public'],
  ['immutable', 'immutable'],
  ['onlyIfCached', 'only-if-cached'],
  ['noTransform', 'no-transform'],
  ['mustUnderstand', 'must-understand'],
];

/**
 * Parses one or more `Cache-Control` header values.
 *
 * - Several header lines and comma-separated lists are merged; directive names are case-insensitive;
 *   arguments may be tokens or quoted strings (`max-age="60"`, `no-cache="Set-Cookie, Foo"`).
 * - Unknown directives are ignored.
 * - delta-seconds arguments must be non-negative integers; an invalid one makes the directive absent.
 *   Values above 2147483648 are clamped (RFC 9111 §1.2.2).
 * - Duplicates: the first valid occurrence wins, except `max-age`, where conflicting values set
 *   `maxAge` to `0` so the response is treated as stale (RFC 9111 §4.2.1).
 * - `max-stale` without a value is `Infinity`; `stale-if-error` / `stale-while-revalidate` /
 *   `max-age` / `s-maxage` / `min-fresh` without a value are ignored.
 * - `no-cache` / `private`: unqualified wins over qualified; qualified lists are merged. A malformed
 *   qualifier (unterminated quote, not a list of tokens) is read as the unqualified form, the
 *   stricter reading. Flag directives (`no-store`, …) are honoured even with a stray argument.
 * - An element with trailing garbage (`max-age=60 x`) has an invalid argument.
 *
 * Never throws, whatever the input.
 *
 * @param header - A header value, the list of a repeated header's lines, or nothing.
 * @returns The directives present; `{}` for a missing or empty header.
 * @example
 * parseCacheControl('public, max-age=60'); // { public: true, maxAge: 60 }
 * parseCacheControl(['no-cache="Set-Cookie"', 'max-stale']); // { noCache: ['set-cookie'], maxStale: Infinity }
 * @see https://www.rfc-editor.org/rfc/rfc9111#section-5.2
 */
export function parseCacheControl(header: string | readonly string[] | undefined | null): CacheDirectives {
  return parseDirectives(header);
}

/**
 * {@link parseCacheControl} for the engine's own reads: a cache sees the same few header values over and
 * over (its stored responses', on every hit), so each value is parsed once and the frozen result shared.
 * Callers must not mutate it. @internal
 */
export function parseCacheControlShared(
  header: string | readonly string[] | undefined | null,
): Readonly<CacheDirectives> {
  if (typeof header !== 'string') return parseDirectives(header);
  let directives = parsedValues.get(header);
  if (directives === undefined) {
    if (parsedValues.size >= PARSED_VALUES_MAX) parsedValues.clear();
    directives = deepFreeze(parseDirectives(header));
    parsedValues.set(header, directives);
  }
  return directives;
}

function deepFreeze(directives: CacheDirectives): CacheDirectives {
  if (Array.isArray(directives.noCache)) Object.freeze(directives.noCache);
  if (Array.isArray(directives.private)) Object.freeze(directives.private);
  return Object.freeze(directives);
}

/** Parsed header values by their exact text; the results are frozen, so sharing them is safe. */
const parsedValues = new Map<string, CacheDirectives>();
const PARSED_VALUES_MAX = 512;

function parseDirectives(header: string | readonly string[] | undefined | null): CacheDirectives {
  const directives: CacheDirectives = {};
  let firstMaxAge: number | undefined;
  // Unqualified (`true`) wins; qualified lists are merged.
  const fieldLists = new Map<FieldListKey, true | Set<string>>();
  const apply = (name: string, value: string | undefined, valid: boolean): void => {
    const numericKey = NUMERIC.get(name);
    if (numericKey !== undefined) {
      const seconds =
        numericKey === 'maxStale' && value === undefined
          ? maxStaleWithoutValue(valid)
          : deltaSeconds(value, valid);
      if (seconds === undefined) return;
      if (numericKey === 'maxAge') {
        if (firstMaxAge === undefined) {
          firstMaxAge = seconds;
          directives.maxAge = seconds;
        } else if (seconds !== firstMaxAge) {
          directives.maxAge = 0;
        }
      } else if (directives[numericKey] === undefined) {
        directives[numericKey] = seconds;
      }
      return;
    }
    const flagKey = FLAGS.get(name);
    if (flagKey !== undefined) {
      directives[flagKey] = true;
      return;
    }
    const listKey = FIELD_LISTS.get(name);
    if (listKey !== undefined) {
      const current = fieldLists.get(listKey);
      if (current === true) return;
      const next = fieldList(value, valid);
      if (next === true || current === undefined) fieldLists.set(listKey, next);
      else for (const field of next) current.add(field);
    }
  };

  if (typeof header === 'string') {
    forEachDirective(header, apply);
  } else if (Array.isArray(header)) {
    for (const line of header) {
      if (typeof line === 'string') forEachDirective(line, apply);
    }
  }
  for (const [key, fields] of fieldLists) {
    directives[key] = fields === true ? true : [...fields];
  }
  return directives;
}

/**
 * Formats directives as a `Cache-Control` value, in a stable order (the order of the fields of
 * {@link CacheDirectives}), separated by `', '`.
 *
 * Numbers are truncated to integers and clamped to 0..2147483648; non-numbers and `NaN` are skipped;
 * `maxStale: Infinity` gives a value-less `max-stale`. Field-name lists are written as quoted strings.
 *
 * @param directives - Directives to write; absent or `undefined` fields are skipped.
 * @returns For example `'max-age=60, no-cache="set-cookie", public'`; `''` when nothing is set.
 * @example
 * formatCacheControl({ public: true, maxAge: 60 }); // 'max-age=60, public'
 */
export function formatCacheControl(directives: CacheDirectives): string {
  const parts: string[] = [];
  for (const [key, name] of FORMAT_ORDER) {
    const value: unknown = directives[key];
    if (value === undefined) continue;
    if (typeof value === 'number') {
      if (Number.isNaN(value)) continue;
      if (key === 'maxStale' && value === Number.POSITIVE_INFINITY) {
        parts.push(name);
      } else {
        parts.push(`${name}=${Math.min(MAX_DELTA_SECONDS, Math.max(0, Math.trunc(value)))}`);
      }
    } else if (Array.isArray(value)) {
      parts.push(`${name}="${value.map((field) => String(field).replace(/["\\]/g, '\\$&')).join(', ')}"`);
    } else if (value === true) {
      parts.push(name);
    }
  }
  return parts.join(', ');
}

/**
 * Whether a `Cache-Control` header contains a directive, known to {@link CacheDirectives} or not,
 * with or without an argument. Names are compared case-insensitively. Never throws.
 *
 * @param header - A header value, the list of a repeated header's lines, or nothing.
 * @param name - Directive name, for example `'no-store'`.
 * @example
 * hasCacheControlDirective('Public, X-Custom=1', 'x-custom'); // true
 */
export function hasCacheControlDirective(
  header: string | readonly string[] | undefined | null,
  name: string,
): boolean {
  const wanted = String(name).toLowerCase();
  let found = false;
  const check = (directive: string): void => {
    if (directive === wanted) found = true;
  };
  if (typeof header === 'string') {
    forEachDirective(header, check);
  } else if (Array.isArray(header)) {
    for (const line of header) {
      if (typeof line === 'string') forEachDirective(line, check);
    }
  }
  return found;
}

function maxStaleWithoutValue(valid: boolean): number | undefined {
  return valid ? Number.POSITIVE_INFINITY : undefined;
}

/** delta-seconds = 1*DIGIT (RFC 9111 §1.2.2); `undefined` when missing or invalid. */
function deltaSeconds(value: string | undefined, valid: boolean): number | undefined {
  if (!valid || value === undefined || !/^\d+$/.test(value)) return undefined;
  // More than 10 digits is always above the clamp; avoids parsing arbitrarily long numbers.
  if (value.length > 10) return MAX_DELTA_SECONDS;
  return Math.min(Number(value), MAX_DELTA_SECONDS);
}

/** The argument of `no-cache` / `private`: `true` unless it is a well-formed, non-empty list of tokens. */
function fieldList(value: string | undefined, valid: boolean): true | Set<string> {
  if (!valid || value === undefined) return true;
  const fields = new Set<string>();
  for (const raw of value.split(',')) {
    const field = raw.trim();
    if (field === '') continue;
    if (!isToken(field)) return true;
    fields.add(field.toLowerCase());
  }
  return fields.size === 0 ? true : fields;
}

const COMMA = 0x2c;
const EQUALS = 0x3d;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;

/** tchar of RFC 9110 §5.6.2: ``!#$%&'*+-.^_`|~``, digits and letters. */
const TCHAR = (() => {
  const table = new Uint8Array(128);
  for (const char of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
    table[char.charCodeAt(0)] = 1;
  }
  return table;
})();

function isTchar(code: number): boolean {
  return code < 128 && TCHAR[code] === 1;
}

function isToken(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (!isTchar(text.charCodeAt(i))) return false;
  }
  return text.length > 0;
}

/** OWS (SP / HTAB), plus CR / LF, which can only appear through obsolete line folding. */
function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0d || code === 0x0a;
}

function skipWhitespace(text: string, index: number): number {
  let i = index;
  while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
  return i;
}

/** Index of the next comma outside quoted strings, or the end of `text`. */
function skipToComma(text: string, index: number): number {
  let i = index;
  let quoted = false;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (quoted) {
      if (code === BACKSLASH) i++;
      else if (code === DQUOTE) quoted = false;
    } else if (code === DQUOTE) {
      quoted = true;
    } else if (code === COMMA) {
      return i;
    }
    i++;
  }
  return text.length;
}

/**
 * Tokenizes `#( token [ "=" ( token / quoted-string ) ] )`, calling `visit` for each element with a
 * lower-cased name, the unquoted argument (`undefined` without `=`), and whether the element was
 * well-formed (closed quote, nothing but whitespace before the next comma). Elements without a valid
 * name are skipped. Linear time; never throws.
 */
function forEachDirective(
  text: string,
  visit: (name: string, value: string | undefined, valid: boolean) => void,
): void {
  const length = text.length;
  let i = 0;
  while (i < length) {
    const code = text.charCodeAt(i);
    if (code === COMMA || isWhitespace(code)) {
      i++;
      continue;
    }

    const nameStart = i;
    while (i < length && isTchar(text.charCodeAt(i))) i++;
    if (i === nameStart) {
      i = skipToComma(text, i);
      continue;
    }
    const name = text.slice(nameStart, i).toLowerCase();

    let value: string | undefined;
    let valid = true;
    i = skipWhitespace(text, i);
    if (i < length && text.charCodeAt(i) === EQUALS) {
      i = skipWhitespace(text, i + 1);
      if (i < length && text.charCodeAt(i) === DQUOTE) {
        i++;
        let unquoted = '';
        let chunkStart = i;
        let closed = false;
        while (i < length) {
          const c = text.charCodeAt(i);
          if (c === DQUOTE) {
            unquoted += text.slice(chunkStart, i);
            closed = true;
            i++;
            break;
          }
          if (c === BACKSLASH) {
            // quoted-pair: keep the escaped character, drop the backslash.
            unquoted += text.slice(chunkStart, i);
            chunkStart = i + 1;
            i += 2;
            continue;
          }
          i++;
        }
        if (!closed) {
          unquoted += text.slice(chunkStart, length);
          i = length;
          valid = false;
        }
        value = unquoted;
      } else {
        const valueStart = i;
        while (i < length && isTchar(text.charCodeAt(i))) i++;
        value = text.slice(valueStart, i);
      }
      i = skipWhitespace(text, i);
    }

    if (i < length && text.charCodeAt(i) !== COMMA) {
      valid = false;
      i = skipToComma(text, i);
    }
    visit(name, value, valid);
  }
}

/**
 * A request's directives, with `Pragma: no-cache` standing for `Cache-Control: no-cache` when there is
 * no `Cache-Control` (RFC 9111 §5.4).
 */
export function requestCacheDirectives(headers: Readonly<Record<string, string>>): Readonly<CacheDirectives> {
  const cacheControl = headers['cache-control'];
  if (cacheControl !== undefined) return parseCacheControlShared(cacheControl);
  const pragma = headers['pragma'];
  if (pragma?.toLowerCase().includes('no-cache')) return PRAGMA_NO_CACHE;
  return NO_DIRECTIVES;
}

const PRAGMA_NO_CACHE: Readonly<CacheDirectives> = Object.freeze({ noCache: true });
const NO_DIRECTIVES: Readonly<CacheDirectives> = Object.freeze({});
