/**
 * Request body normalization for keys: JSON sorted at every depth (arrays kept in order), forms sorted,
 * ignored names redacted. Pure.
 * @module
 */
import { canonicalForm, compileNames, REDACTED_JSON } from './key-names.js';

/** JSON bodies larger than this (in UTF-8 bytes) are hashed as raw bytes, not parsed. */
const MAX_JSON_BYTES = 10 * 1024 * 1024;

const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
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
