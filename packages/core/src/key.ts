import { createHash, hash } from 'node:crypto';
import { bodyKind, bodyText, normalizeBody, skipJsonString } from './key-body.js';
import {
  comparePairs,
  compileNames,
  decodeFormComponent,
  forEachFormPair,
  type IgnoredNames,
  REDACTED_VALUE,
} from './key-names.js';
import { normalizeUrl } from './key-url.js';

export type { IgnoredNames };
export {
  bodyKind,
  bodyText,
  compileNames,
  decodeFormComponent,
  forEachFormPair,
  normalizeBody,
  normalizeUrl,
  skipJsonString,
};

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

/** Version tag of the key input layout: bump it if the layout changes, so old and new keys never collide. */
const KEY_FORMAT = 'reqcache-key/1';

const utf8Encoder = new TextEncoder();

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
