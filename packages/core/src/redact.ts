/**
 * Redaction of what gets stored: the values of ignored parameters (query, form and JSON fields, headers)
 * and URL passwords are replaced by {@link REDACTED} before an entry is written, so a cache never holds
 * secrets. Names match case-insensitively (unlike requests-cache, where `authorization` slipped through).
 *
 * Redaction keeps everything else exactly as given (no normalization, order kept) and returns its input
 * unchanged, as the same reference, when there is nothing to redact. Pure: no I/O.
 *
 * @see requests-cache's `ignored_parameters` handling
 * @module
 */
import {
  bodyKind,
  bodyText,
  compileNames,
  decodeFormComponent,
  forEachFormPair,
  skipJsonString,
  utf8Bytes,
} from './key.js';

/** The text that replaces secret values in stored URLs, headers and bodies (and in cache keys). */
export const REDACTED = 'REDACTED';

const REDACTED_JSON = JSON.stringify(REDACTED);

/**
 * Replaces the values of the ignored names among the `&`-separated pairs of `text[from, to)`.
 * Returns the new text of that range, or `undefined` when nothing changed. A key-only pair has no value
 * to hide and is kept.
 */
function redactPairs(text: string, from: number, to: number, names: ReadonlySet<string>): string | undefined {
  let out: string | undefined;
  let copied = from;
  forEachFormPair(text, from, to, (nameStart, nameEnd, valueStart, valueEnd) => {
    if (valueStart === -1) return;
    if (!names.has(decodeFormComponent(text.slice(nameStart, nameEnd)).toLowerCase())) return;
    if (text.slice(valueStart, valueEnd) === REDACTED) return;
    out = (out ?? '') + text.slice(copied, valueStart) + REDACTED;
    copied = valueEnd;
  });
  return out === undefined ? undefined : out + text.slice(copied, to);
}

/** `scheme:` + slashes, then the authority's userinfo (up to its last `@`, as WHATWG reads it). */
const USERINFO = /^([a-zA-Z][a-zA-Z0-9+.-]*:[/\\]*)([^/\\?#]*)@/;

function redactPassword(url: string): string {
  let out = url;
  const match = USERINFO.exec(url);
  if (match !== null) {
    const userinfo = match[2]!;
    const colon = userinfo.indexOf(':');
    if (colon !== -1) {
      const password = userinfo.slice(colon + 1);
      if (password !== '' && password !== REDACTED) {
        out = match[1]! + userinfo.slice(0, colon + 1) + REDACTED + url.slice(match[0].length - 1);
      }
    }
  }
  // Safety net for inputs WHATWG still reads a password from (leading spaces, tabs inside the scheme…):
  // those are rebuilt from the parsed URL.
  try {
    const parsed = new URL(out);
    if (parsed.password !== '' && parsed.password !== REDACTED) {
      parsed.password = REDACTED;
      return parsed.href;
    }
  } catch {
    // Not a URL: nothing else can read a password from it.
  }
  return out;
}

/**
 * Redacts a URL for storage: the password of its userinfo (`https://user:secret@host` →
 * `https://user:REDACTED@host`) and the values of query parameters named in `ignoredParameters`
 * (case-insensitive, names decoded as URLSearchParams does) become `REDACTED`; so do such `name=value`
 * pairs in the fragment, after its first `?` if any (OAuth implicit-flow tokens live there). Everything
 * else is kept as given: no normalization, parameter order kept. Returns `url` itself when nothing needs
 * redacting. Never throws.
 *
 * @example redactUrl('https://u:pw@api.example.com/v1?API_KEY=abc&q=1', ['api_key'])
 * // → 'https://u:REDACTED@api.example.com/v1?API_KEY=REDACTED&q=1'
 */
export function redactUrl(url: string, ignoredParameters: readonly string[]): string {
  const redacted = url.includes('@') ? redactPassword(url) : url;
  const ignored = compileNames(ignoredParameters);
  if (ignored.formHint === undefined || !ignored.formHint.test(redacted)) return redacted;
  const hashIndex = redacted.indexOf('#');
  const end = hashIndex === -1 ? redacted.length : hashIndex;
  const queryIndex = redacted.indexOf('?');
  const query =
    queryIndex === -1 || queryIndex > end
      ? undefined
      : redactPairs(redacted, queryIndex + 1, end, ignored.names);
  // Pairs in a fragment start after its first `?` if it has one (`#/route?token=…`), else at its start.
  let fragmentStart = hashIndex + 1;
  const fragmentQuery = hashIndex === -1 ? -1 : redacted.indexOf('?', fragmentStart);
  if (fragmentQuery !== -1) fragmentStart = fragmentQuery + 1;
  const fragment =
    hashIndex === -1 ? undefined : redactPairs(redacted, fragmentStart, redacted.length, ignored.names);
  if (query === undefined && fragment === undefined) return redacted;
  let out = query === undefined ? redacted.slice(0, end) : redacted.slice(0, queryIndex + 1) + query;
  if (fragment !== undefined) out += redacted.slice(end, fragmentStart) + fragment;
  else out += redacted.slice(end);
  return out;
}

function isRedacted(value: string | readonly string[] | undefined): boolean {
  if (value === undefined) return false;
  if (typeof value === 'string') return value === REDACTED;
  return value.every((item) => item === REDACTED);
}

/**
 * Redacts headers for storage: the value of every header named in `ignoredParameters` (case-insensitive,
 * so `authorization` matches `Authorization`) becomes `REDACTED` (`[REDACTED]` for a multi-value array).
 * Names, order and other values are kept. Returns `headers` itself when nothing needs redacting,
 * otherwise a new object.
 */
export function redactHeaders(
  headers: Readonly<Record<string, string | string[]>>,
  ignoredParameters: readonly string[],
): Record<string, string | string[]> {
  const names = compileNames(ignoredParameters).names;
  const keys = Object.keys(headers);
  let needed = false;
  if (names.size > 0) {
    for (const name of keys) {
      if (names.has(name.toLowerCase()) && !isRedacted(headers[name])) {
        needed = true;
        break;
      }
    }
  }
  // Same reference when unchanged: the caller owns it, and Readonly only ever meant "we do not mutate".
  if (!needed) return headers as Record<string, string | string[]>;
  // fromEntries defines own properties, so even a `__proto__` header name stays a plain header.
  return Object.fromEntries(
    keys.map((name): [string, string | string[]] => {
      const value = headers[name]!;
      if (!names.has(name.toLowerCase())) return [name, value];
      return [name, Array.isArray(value) ? [REDACTED] : REDACTED];
    }),
  );
}

function isJsonSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/** Index just after the JSON value starting at `start` of a valid JSON text. */
function skipJsonValue(text: string, start: number): number {
  const first = text.charCodeAt(start);
  if (first === 0x22) return skipJsonString(text, start);
  if (first === 0x7b || first === 0x5b) {
    let depth = 0;
    for (let i = start; i < text.length; ) {
      const code = text.charCodeAt(i);
      if (code === 0x22) {
        i = skipJsonString(text, i);
        continue;
      }
      if (code === 0x7b || code === 0x5b) depth++;
      else if ((code === 0x7d || code === 0x5d) && --depth === 0) return i + 1;
      i++;
    }
    return text.length;
  }
  let i = start;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 0x2c || code === 0x7d || code === 0x5d || isJsonSpace(code)) break;
    i++;
  }
  return i;
}

/**
 * Replaces, in a JSON text, the value of every object member whose key is ignored (any depth) by
 * `"REDACTED"`, leaving every other character as it was (order, spacing, number spelling).
 * `undefined` when the text is not JSON or nothing changed.
 */
function redactJsonText(text: string, names: ReadonlySet<string>): string | undefined {
  try {
    JSON.parse(text);
  } catch {
    return undefined;
  }
  // The text is valid JSON from here on, so a flat scan with a stack of container kinds suffices.
  const inObject: boolean[] = [];
  let expectKey = false;
  let keyIgnored = false;
  let out: string | undefined;
  let copied = 0;
  for (let i = 0; i < text.length; ) {
    const code = text.charCodeAt(i);
    if (code === 0x22) {
      const end = skipJsonString(text, i);
      if (expectKey) {
        const raw = text.slice(i + 1, end - 1);
        const key = raw.includes('\\') ? (JSON.parse(text.slice(i, end)) as string) : raw;
        keyIgnored = names.has(key.toLowerCase());
        expectKey = false;
      }
      i = end;
    } else if (code === 0x3a && keyIgnored) {
      keyIgnored = false;
      let start = i + 1;
      while (isJsonSpace(text.charCodeAt(start))) start++;
      const end = skipJsonValue(text, start);
      if (text.slice(start, end) !== REDACTED_JSON) {
        out = (out ?? '') + text.slice(copied, start) + REDACTED_JSON;
        copied = end;
      }
      i = end;
    } else {
      if (code === 0x7b) {
        inObject.push(true);
        expectKey = true;
      } else if (code === 0x5b) {
        inObject.push(false);
      } else if (code === 0x7d || code === 0x5d) {
        inObject.pop();
        expectKey = false;
      } else if (code === 0x2c) {
        expectKey = inObject[inObject.length - 1] === true;
      }
      i++;
    }
  }
  return out === undefined ? undefined : out + text.slice(copied);
}

/**
 * Redacts a request body for storage, by content type (the part before `;`, case-insensitive):
 * - JSON (`application/json`, `application/*json*`, `*+json`): the value of every member whose key is in
 *   `ignoredParameters` (case-insensitive, any depth, inside arrays too) becomes `"REDACTED"`; all other
 *   text (key order, spacing, numbers) is kept byte for byte. Invalid JSON is kept as is.
 * - `application/x-www-form-urlencoded`: values of ignored names become `REDACTED`, order kept.
 * - anything else (text, multipart, binary): unchanged.
 *
 * A string stays a string and bytes stay bytes (a new `Uint8Array`). Returns `body` itself when nothing
 * needs redacting (including bytes that are not valid UTF-8). Unlike key creation, there is no size
 * limit: what is stored is always redacted. Never throws.
 */
export function redactBody(
  body: Uint8Array | string | undefined,
  contentType: string | undefined,
  ignoredParameters: readonly string[],
): Uint8Array | string | undefined {
  if (body === undefined) return body;
  const ignored = compileNames(ignoredParameters);
  if (ignored.names.size === 0) return body;
  const kind = bodyKind(contentType);
  if (kind === 'other') return body;
  const hint = kind === 'json' ? ignored.jsonHint : ignored.formHint;
  const text = bodyText(body);
  if (text === undefined || hint === undefined || !hint.test(text)) return body;
  const redacted =
    kind === 'json' ? redactJsonText(text, ignored.names) : redactPairs(text, 0, text.length, ignored.names);
  if (redacted === undefined) return body;
  return typeof body === 'string' ? redacted : utf8Bytes(redacted);
}
