/**
 * Cache keys: a SHA-256 hash of the request's method, normalized URL, normalized body, matched headers and
 * the serializer's name, so that requests which mean the same thing share one cache entry.
 *
 * Every function here is pure (no I/O, no clock, no global state that changes results): the same request
 * gives the same key in any process, whichever HTTP client sent it.
 *
 * Deliberate differences from requests-cache (`cache_keys.py`):
 * - blank query values are kept (`?a=` differs from no `a`); `+`/`%20` mean a space but `%2B` a plus;
 * - the URL fragment is not part of the key;
 * - JSON bodies are sorted at every depth, arrays keep their order, ignored keys are redacted at any depth;
 * - ignored names match case-insensitively everywhere (headers included).
 *
 * @see /work/shared/reference/requests-cache-behaviour.md §9
 * @module
 */
import { Buffer } from 'node:buffer';
import { createHash, hash } from 'node:crypto';

/**
 * A request as the cache sees it. Header names are lower-case; multiple values already joined with `", "`.
 */
export interface KeyRequest {
  /** HTTP method, any case (`get` and `GET` give the same key). */
  method: string;
  /** Absolute URL. A string that WHATWG `URL` cannot parse is used as is. */
  url: string;
  /** Request headers, lower-case names: read for `content-type` and {@link KeyOptions.matchHeaders}. */
  headers: Readonly<Record<string, string>>;
  /** Request body; a string counts as its UTF-8 bytes. */
  body?: Uint8Array | string | undefined;
}

/**
 * What, besides method, URL and body, goes into a key.
 */
export interface KeyOptions {
  /**
   * Names of query parameters, body fields (form or JSON, any depth) and headers whose values must not
   * distinguish keys: their value becomes `REDACTED`, so presence still counts but the value does not.
   * Matched case-insensitively.
   * @example ['access_token', 'api_key', 'authorization']
   */
  ignoredParameters: readonly string[];
  /**
   * Which request headers are part of the key: `false` none, `true` all headers present on the request,
   * or a list of names (case-insensitive; only those present on the request count).
   * @default false
   */
  matchHeaders: boolean | readonly string[];
  /**
   * Name of the serializer the entry is stored with: switching serializer changes every key.
   * @default ''
   */
  serializerName?: string;
  /**
   * Keep responses to requests with credentials apart per credential: the SHA-256 of the value of each
   * credential header present (`Authorization`, `Proxy-Authorization`, `Cookie`, and every header named
   * in `ignoredParameters`) is mixed into the key's hashed input. Never the value itself: the key is a
   * SHA-256 of that input. Requests without credential headers get the same key either way.
   * @default false (the engine passes its `separateCredentials` setting, default true)
   */
  separateCredentials?: boolean;
}

/** Request headers that always count as credentials for {@link KeyOptions.separateCredentials}. */
export const CREDENTIAL_HEADERS: readonly string[] = Object.freeze([
  'authorization',
  'proxy-authorization',
  'cookie',
]);

/** Value that replaces ignored parameters in keys (same text as `REDACTED` in `redact.ts`). */
const REDACTED_VALUE = 'REDACTED';
const REDACTED_JSON = '"REDACTED"';

/** JSON bodies larger than this (in UTF-8 bytes) are hashed as raw bytes, not parsed. */
const MAX_JSON_BYTES = 10 * 1024 * 1024;

/** Version tag of the key input layout: bump it if the layout changes, so old and new keys never collide. */
const KEY_FORMAT = 'reqcache-key/1';

const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

// ---------------------------------------------------------------------------------------------------------
// Ignored names

/**
 * An ignored-parameter list compiled once: lower-cased names, and quick pre-checks that tell when a text
 * cannot contain any of them (so redaction can return its input untouched without parsing it).
 * @internal
 */
export interface IgnoredNames {
  /** Lower-cased names. */
  readonly names: ReadonlySet<string>;
  /** Matches every JSON text in which an ignored key could appear (names, escapes, non-ASCII). */
  readonly jsonHint: RegExp | undefined;
  /** Matches every urlencoded text in which an ignored name could appear (names, `%`, `+`, non-ASCII). */
  readonly formHint: RegExp | undefined;
  /** The list this was compiled from (compared element-wise, so a mutated list is recompiled). */
  readonly source: readonly string[];
}

const NO_NAMES: IgnoredNames = { names: new Set(), jsonHint: undefined, formHint: undefined, source: [] };
const compiledNames = new WeakMap<readonly string[], IgnoredNames>();

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Compiles (and memoizes per array, recompiling if the array was mutated) a list of names matched
 * case-insensitively: ignored parameters, or the header names of `matchHeaders`.
 * @internal
 */
export function compileNames(list: readonly string[]): IgnoredNames {
  if (list.length === 0) return NO_NAMES;
  const cached = compiledNames.get(list);
  if (cached !== undefined && sameList(cached.source, list)) return cached;
  const names = new Set<string>();
  for (const name of list) names.add(name.toLowerCase());
  // Built from the lower-cased names: for ASCII text, /name/i matches exactly the keys whose toLowerCase()
  // is the name; anything non-ASCII or escaped falls through to a full parse.
  // An empty name can hide anywhere: then every text needs the full check.
  const alternatives = [...names].map(escapeRegExp).join('|');
  const compiled: IgnoredNames = {
    names,
    jsonHint: new RegExp(alternatives + '|\\\\|[^\\x00-\\x7F]', 'i'),
    formHint: new RegExp(alternatives + '|%|\\+|[^\\x00-\\x7F]', 'i'),
    source: [...list],
  };
  compiledNames.set(list, compiled);
  return compiled;
}

// ---------------------------------------------------------------------------------------------------------
// Percent-encoding and urlencoded pairs (URLSearchParams semantics)

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/** WHATWG percent-decode + UTF-8 decode with replacement: never throws (`%zz` stays as is). */
function percentDecodeLoose(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  const out = Buffer.allocUnsafe(bytes.length);
  let length = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte === 0x25 && i + 2 < bytes.length) {
      const high = hexValue(bytes[i + 1]!);
      const low = hexValue(bytes[i + 2]!);
      if (high >= 0 && low >= 0) {
        out[length++] = high * 16 + low;
        i += 2;
        continue;
      }
    }
    out[length++] = byte;
  }
  return out.toString('utf8', 0, length);
}

/**
 * Decodes one name or value of an `application/x-www-form-urlencoded` string exactly as `URLSearchParams`
 * does: `+` is a space, `%XX` a byte, invalid UTF-8 becomes U+FFFD, malformed escapes stay literal.
 * @internal
 */
export function decodeFormComponent(text: string): string {
  const spaced = text.includes('+') ? text.replaceAll('+', ' ') : text;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return percentDecodeLoose(spaced);
  }
}

/**
 * Calls `onPair(nameStart, nameEnd, valueStart, valueEnd)` for each non-empty `&`-separated sequence of
 * `text[from, to)`, in order; `valueStart === -1` when the sequence has no `=`. Linear in the text length.
 * @internal
 */
export function forEachFormPair(
  text: string,
  from: number,
  to: number,
  onPair: (nameStart: number, nameEnd: number, valueStart: number, valueEnd: number) => void,
): void {
  let start = from;
  let equals = -1;
  while (start < to) {
    let amp = text.indexOf('&', start);
    if (amp === -1 || amp > to) amp = to;
    if (amp > start) {
      if (equals !== Number.POSITIVE_INFINITY && equals < start) {
        equals = text.indexOf('=', start);
        if (equals === -1) equals = Number.POSITIVE_INFINITY;
      }
      if (equals < amp) onPair(start, equals, equals + 1, amp);
      else onPair(start, amp, -1, amp);
    }
    start = amp + 1;
  }
}

function comparePairs(a: readonly [string, string], b: readonly [string, string]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return 0;
}

/**
 * Canonical form of an urlencoded string (`text[from, to)`): pairs decoded with URLSearchParams semantics,
 * ignored names' values replaced, sorted by name then value (code units), re-encoded with
 * `encodeURIComponent` (so a space is `%20`, a plus `%2B`), always as `name=value`. Empty when no pairs.
 */
function canonicalForm(text: string, from: number, to: number, ignored: IgnoredNames): string {
  const pairs: [string, string][] = [];
  const names = ignored.names;
  forEachFormPair(text, from, to, (nameStart, nameEnd, valueStart, valueEnd) => {
    const name = decodeFormComponent(text.slice(nameStart, nameEnd));
    let value = '';
    if (names.size > 0 && names.has(name.toLowerCase())) value = REDACTED_VALUE;
    else if (valueStart !== -1) value = decodeFormComponent(text.slice(valueStart, valueEnd));
    pairs.push([name, value]);
  });
  if (pairs.length === 0) return '';
  if (pairs.length > 1) pairs.sort(comparePairs);
  let out = '';
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i]!;
    if (i > 0) out += '&';
    out += encodeFormComponent(pair[0]) + '=' + encodeFormComponent(pair[1]);
  }
  return out;
}

/** Characters `encodeURIComponent` would change. */
const NEEDS_ENCODING = /[^A-Za-z0-9\-_.!~*'()]/;

/** `encodeURIComponent`, without allocating for the common already-safe name or value. */
function encodeFormComponent(text: string): string {
  return NEEDS_ENCODING.test(text) ? encodeURIComponent(text) : text;
}

// ---------------------------------------------------------------------------------------------------------
// URL

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
// A host WHATWG leaves as is: lower-case ASCII labels whose last one starts with a letter (so it is not
// parsed as IPv4), or a canonical dotted-quad IPv4 address.
const HOST = `(?:(?:[a-z0-9-]+\\.)*[a-z][a-z0-9-]*|${OCTET}(?:\\.${OCTET}){3})`;
const PORT = '(?::(?:[1-9]\\d{0,3}|[1-5]\\d{4}|6[0-4]\\d{3}|65[0-4]\\d\\d|655[0-2]\\d|6553[0-5]))?';
// A path segment with only characters WHATWG keeps verbatim, and not a `.`/`..` dot segment.
const SEGMENT = "\\/(?!\\.\\.?(?:\\/|$))[\\w\\-.~!$&'()*+,;=:@]*";
/**
 * URLs already in normal form: http(s), lower-case host, no default port, no userinfo, no `%`, no dot
 * segments, no query, no fragment. `normalizeUrl` returns these unchanged without parsing them.
 */
const CANONICAL_URL = new RegExp(
  `^(?:http:\\/\\/${HOST}(?!:80\\/)|https:\\/\\/${HOST}(?!:443\\/))${PORT}(?:${SEGMENT})+$`,
);

const PERCENT_ESCAPE = /%([0-9A-Fa-f]{2})?/g;

/**
 * `%XX` of an unreserved character → the character; other `%XX` → upper-case hex; a stray `%` → `%25`
 * (otherwise decoding `%41` in `%a%41` would create a new escape `%aA`, and normalizing twice would differ).
 */
function normalizePercentEscape(_match: string, hex: string | undefined): string {
  if (hex === undefined) return '%25';
  const code = Number.parseInt(hex, 16);
  const unreserved =
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x61 && code <= 0x7a) || // a-z
    (code >= 0x30 && code <= 0x39) || // 0-9
    code === 0x2d || // -
    code === 0x2e || // .
    code === 0x5f || // _
    code === 0x7e; // ~
  return unreserved ? String.fromCharCode(code) : '%' + hex.toUpperCase();
}

/**
 * Normalizes a URL for matching: WHATWG parsing (lower-case scheme and host, punycode, dot segments
 * resolved, default port dropped, empty path → `/`), fragment dropped, percent-escapes of unreserved
 * characters decoded, the others upper-cased, a stray `%` written `%25`, and the query rebuilt in
 * canonical form: pairs decoded with
 * URLSearchParams semantics (`+` and `%20` are a space, `%2B` a plus), blank values and duplicates kept,
 * sorted by name then value, values of `ignoredParameters` (case-insensitive) replaced by `REDACTED`,
 * re-encoded with `encodeURIComponent`, a key-only `?flag` written `flag=`; an empty query disappears.
 *
 * A string that WHATWG `URL` cannot parse (for example a relative URL) is returned unchanged: it still
 * makes a stable key, just an unnormalized one. Never throws. Idempotent.
 *
 * @example normalizeUrl('HTTPS://Example.COM:443/a/../b/./c?b=2&a=1&a=0#frag', [])
 * // → 'https://example.com/b/c?a=0&a=1&b=2'
 */
export function normalizeUrl(url: string, ignoredParameters: readonly string[]): string {
  // (`includes` first: a query fails the regex anyway, only later and at a higher cost.)
  if (!url.includes('?') && CANONICAL_URL.test(url) && !url.includes('xn--')) return url;
  let href: string;
  try {
    href = new URL(url).href;
  } catch {
    return url;
  }
  // In a WHATWG serialization the first `#` starts the fragment and the first `?` before it the query.
  let end = href.indexOf('#');
  if (end === -1) end = href.length;
  let queryStart = href.indexOf('?');
  if (queryStart === -1 || queryStart > end) queryStart = end;
  let base = queryStart === href.length ? href : href.slice(0, queryStart);
  if (base.includes('%')) base = base.replace(PERCENT_ESCAPE, normalizePercentEscape);
  if (queryStart + 1 >= end) return base;
  const query = canonicalForm(href, queryStart + 1, end, compileNames(ignoredParameters));
  return query === '' ? base : base + '?' + query;
}

// ---------------------------------------------------------------------------------------------------------
// Body

/**
 * How a body is treated, from its `Content-Type` (the part before `;`, trimmed, lower-cased): `'json'` for
 * `application/json`, any `application/*` containing `json` and any `*+json`; `'form'` for
 * `application/x-www-form-urlencoded`; `'other'` for everything else.
 * @internal
 */
export function bodyKind(contentType: string | undefined): 'json' | 'form' | 'other' {
  if (contentType === undefined) return 'other';
  const semicolon = contentType.indexOf(';');
  const mediaType = (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  if (mediaType === 'application/x-www-form-urlencoded') return 'form';
  if (mediaType.includes('json') && (mediaType.startsWith('application/') || mediaType.endsWith('+json'))) {
    return 'json';
  }
  return 'other';
}

interface WellFormedString {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/**
 * The body as text, or `undefined` when its bytes are not valid UTF-8 (then it can only be used raw).
 * A string with lone surrogates is made well-formed, as its UTF-8 encoding would be.
 * @internal
 */
export function bodyText(body: Uint8Array | string): string | undefined {
  if (typeof body === 'string') {
    const text = body as string & WellFormedString;
    return text.isWellFormed() ? body : text.toWellFormed();
  }
  try {
    return utf8Strict.decode(body);
  } catch {
    return undefined;
  }
}

function utf8Length(body: Uint8Array | string): number {
  if (typeof body !== 'string') return body.byteLength;
  // UTF-8 takes 1 to 3 bytes per UTF-16 code unit: count only when the bounds do not decide.
  if (body.length > MAX_JSON_BYTES || body.length * 3 <= MAX_JSON_BYTES) return body.length;
  return Buffer.byteLength(body, 'utf8');
}

/**
 * Index just after the JSON string literal that starts at `start` (a `"`) of a valid JSON text.
 * @internal
 */
export function skipJsonString(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const code = text.charCodeAt(i);
    if (code === 0x5c) i += 2;
    else if (code === 0x22) return i + 1;
    else if (Number.isNaN(code)) return text.length;
    else i++;
  }
}

/**
 * Sign-less decimal value of a JSON number or a `String(number)`, as `<digits>e<exponent>`: digits without
 * leading or trailing zeros, exponent the power of ten of the last digit (`'0'` for zero).
 */
function decimalOf(numeral: string): string {
  let text = numeral.charCodeAt(0) === 0x2d ? numeral.slice(1) : numeral;
  let exponent = 0;
  const e = text.search(/[eE]/);
  if (e !== -1) {
    exponent = Number(text.slice(e + 1));
    text = text.slice(0, e);
  }
  const dot = text.indexOf('.');
  if (dot !== -1) {
    exponent -= text.length - dot - 1;
    text = text.slice(0, dot) + text.slice(dot + 1);
  }
  let first = 0;
  while (first < text.length && text.charCodeAt(first) === 0x30) first++;
  if (first === text.length) return '0';
  let last = text.length;
  while (text.charCodeAt(last - 1) === 0x30) {
    last--;
    exponent++;
  }
  return text.slice(first, last) + 'e' + exponent;
}

/** Only texts with 16+ digits in a row (a dot allowed) or an exponent can hold a number a double rounds. */
const MAYBE_INEXACT_NUMBER = /\d(?:\.?\d){15}|\d[eE]/;

/**
 * True when every number of the (valid) JSON text survives `JSON.parse` exactly (no rounding, overflow or
 * underflow), so that two bodies with different numbers never normalize to the same text.
 */
function jsonNumbersExact(text: string): boolean {
  if (!MAYBE_INEXACT_NUMBER.test(text)) return true;
  const length = text.length;
  for (let i = 0; i < length; ) {
    const code = text.charCodeAt(i);
    if (code === 0x22) {
      i = skipJsonString(text, i);
    } else if (code === 0x2d || (code >= 0x30 && code <= 0x39)) {
      let end = i + 1;
      for (; end < length; end++) {
        const c = text.charCodeAt(end);
        if (
          !((c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d)
        ) {
          break;
        }
      }
      const numeral = text.slice(i, end);
      const value = Number(numeral);
      if (!Number.isFinite(value) || decimalOf(numeral) !== decimalOf(String(value))) return false;
      i = end;
    } else {
      i++;
    }
  }
  return true;
}

/** Compact JSON, object keys sorted (code units) at every depth, arrays in order, ignored keys redacted. */
function canonicalJson(value: unknown, names: ReadonlySet<string>): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += canonicalJson(value[i], names);
    }
    return out + ']';
  }
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (i > 0) out += ',';
    out += JSON.stringify(key) + ':';
    out += names.size > 0 && names.has(key.toLowerCase()) ? REDACTED_JSON : canonicalJson(object[key], names);
  }
  return out + '}';
}

/**
 * Normalizes a request body for matching, by content type (see {@link bodyKind}):
 * - empty or `undefined` → `''`;
 * - JSON up to 10 MiB that parses → compact JSON with object keys sorted at every depth, arrays kept in
 *   order, values of `ignoredParameters` keys (case-insensitive, any depth) → `"REDACTED"`; invalid JSON,
 *   invalid UTF-8, or numbers a double would round (e.g. 2^53 + 1, `1e400`) → the body unchanged;
 * - `application/x-www-form-urlencoded` → the canonical query form of {@link normalizeUrl};
 * - anything else → the body unchanged (same reference).
 *
 * A string and a `Uint8Array` holding its UTF-8 bytes give the same key. Never throws.
 */
export function normalizeBody(
  body: Uint8Array | string | undefined,
  contentType: string | undefined,
  ignoredParameters: readonly string[],
): string | Uint8Array {
  if (body === undefined || (typeof body === 'string' ? body.length : body.byteLength) === 0) return '';
  const kind = bodyKind(contentType);
  if (kind === 'other') return body;
  if (kind === 'json' && utf8Length(body) > MAX_JSON_BYTES) return body;
  const text = bodyText(body);
  if (text === undefined) return body;
  const ignored = compileNames(ignoredParameters);
  if (kind === 'form') return canonicalForm(text, 0, text.length, ignored);
  try {
    const parsed: unknown = JSON.parse(text);
    if (!jsonNumbersExact(text)) return body;
    return canonicalJson(parsed, ignored.names);
  } catch {
    // Invalid JSON, or nested too deeply to walk: hash it raw.
    return body;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Headers

function normalizeHeaderValue(value: string): string {
  if (!value.includes(',')) return value;
  const parts: string[] = [];
  for (const part of value.split(',')) {
    const trimmed = part.trim();
    if (trimmed !== '') parts.push(trimmed.toLowerCase());
  }
  return parts.sort().join(', ');
}

/**
 * Canonical text of the headers that take part in matching: one `name=value` line per header, sorted by
 * lower-case name (then value), joined with `\n`. `matchHeaders` `false` → `''`; `true` → every header
 * of the request; a list → only those names (case-insensitive) that the request has. A value containing
 * `,` is split on `,`, trimmed, lower-cased, emptied items dropped, sorted and joined with `", "`
 * (`gzip,deflate` ≡ `dEfLaTe,  GZIP, `); a single value keeps its case. Values of `ignoredParameters`
 * (case-insensitive) become `REDACTED`, so their presence still counts. `''` when no header matches.
 *
 * Header values cannot contain line breaks in HTTP, so the text is unambiguous for real requests.
 */
export function normalizeHeaders(
  headers: Readonly<Record<string, string>>,
  matchHeaders: boolean | readonly string[],
  ignoredParameters: readonly string[],
): string {
  if (matchHeaders === false) return '';
  const wanted = matchHeaders === true ? undefined : compileNames(matchHeaders).names;
  if (wanted !== undefined && wanted.size === 0) return '';
  const ignored = compileNames(ignoredParameters).names;
  const lines: [string, string][] = [];
  for (const rawName of Object.keys(headers)) {
    const value = headers[rawName];
    if (typeof value !== 'string') continue;
    const name = rawName.toLowerCase();
    if (wanted !== undefined && !wanted.has(name)) continue;
    lines.push([name, ignored.has(name) ? REDACTED_VALUE : normalizeHeaderValue(value)]);
  }
  if (lines.length === 0) return '';
  lines.sort(comparePairs);
  let out = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (i > 0) out += '\n';
    out += line[0] + '=' + line[1];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Key

/**
 * Creates the cache key of a request: SHA-256 (64 lower-case hex characters) of the upper-cased method,
 * {@link normalizeUrl}, {@link normalizeHeaders} (only when `matchHeaders` is not `false`), the serializer
 * name and {@link normalizeBody}. Every part but the body is length-prefixed and the body comes last, so
 * the encoding is unambiguous. A pure function of its inputs: the same request gives the same key in any
 * process. Never throws: an unparsable URL is keyed by its raw text.
 *
 * @example
 * createKey(
 *   { method: 'get', url: 'https://example.com', headers: {} },
 *   { ignoredParameters: ['api_key'], matchHeaders: false },
 * )
 * // → 64 hex characters, equal to the key of `GET https://example.com/`
 */
export function createKey(request: KeyRequest, options: KeyOptions): string {
  const method = request.method.toUpperCase();
  const url = normalizeUrl(request.url, options.ignoredParameters);
  const headers =
    options.matchHeaders === false
      ? ''
      : normalizeHeaders(request.headers, options.matchHeaders, options.ignoredParameters);
  const serializer = options.serializerName ?? '';
  const body =
    request.body === undefined
      ? ''
      : normalizeBody(request.body, request.headers['content-type'], options.ignoredParameters);
  const credentials = options.separateCredentials
    ? credentialDigests(request.headers, options.ignoredParameters)
    : '';
  // Only requests with credentials get the extra part (and another format tag): other keys are unchanged.
  const format =
    credentials === '' ? KEY_FORMAT : `${KEY_FORMAT}+credentials\n${credentials.length}:${credentials}`;
  const head =
    `${format}\n${method.length}:${method}\n${url.length}:${url}\n` +
    `${headers.length}:${headers}\n${serializer.length}:${serializer}\n`;
  // A string is hashed as its UTF-8 bytes, so string and byte bodies with the same content share a key.
  if (typeof body !== 'string') return createHash('sha256').update(head).update(body).digest('hex');
  if (body !== '') return hash('sha256', head + body, 'hex');
  // Requests without a body (most of them) repeat: their digests are remembered, by the exact hashed text.
  const known = recentDigests.get(head);
  if (known !== undefined) return known;
  const digest = hash('sha256', head, 'hex');
  if (recentDigests.size >= RECENT_DIGESTS) recentDigests.clear();
  recentDigests.set(head, digest);
  return digest;
}

/** How many digests of bodiless requests {@link createKey} remembers (the map is emptied when full). */
const RECENT_DIGESTS = 4096;
/** The hashed text of a bodiless request → its SHA-256 hex digest. A pure cache: same input, same key. */
const recentDigests = new Map<string, string>();

/**
 * `name=<SHA-256 hex of the value>` lines, sorted, for the credential headers the request carries
 * ({@link CREDENTIAL_HEADERS} and the names in `ignoredParameters`); `''` when it carries none.
 * @internal
 */
export function credentialDigests(
  headers: Readonly<Record<string, string>>,
  ignoredParameters: readonly string[],
): string {
  const ignored = compileNames(ignoredParameters).names;
  const lines: string[] = [];
  for (const rawName of Object.keys(headers)) {
    const value = headers[rawName];
    if (typeof value !== 'string') continue;
    const name = rawName.toLowerCase();
    if (!isCredentialName(name, ignored)) continue;
    lines.push(`${name}=${hash('sha256', value, 'hex')}`);
  }
  return lines.sort().join('\n');
}

/**
 * True when the request carries a header that {@link credentialDigests} keys it by, so that its key
 * depends on more than method, URL and body under `separateCredentials`.
 * @internal
 */
export function carriesCredentials(
  headers: Readonly<Record<string, string>>,
  ignoredParameters: readonly string[],
): boolean {
  const ignored = compileNames(ignoredParameters).names;
  for (const rawName of Object.keys(headers)) {
    if (typeof headers[rawName] === 'string' && isCredentialName(rawName.toLowerCase(), ignored)) return true;
  }
  return false;
}

const CREDENTIAL_NAMES: ReadonlySet<string> = new Set(CREDENTIAL_HEADERS);

/** A lower-case header name that carries a credential: a {@link CREDENTIAL_HEADERS} name or an ignored parameter. */
function isCredentialName(name: string, ignored: ReadonlySet<string>): boolean {
  return CREDENTIAL_NAMES.has(name) || ignored.has(name);
}

/**
 * UTF-8 bytes of a string, as a plain `Uint8Array`.
 * @internal
 */
export function utf8Bytes(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}
