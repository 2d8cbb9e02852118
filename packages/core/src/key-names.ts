/**
 * Ignored-parameter names compiled once, and the percent-encoding and urlencoded-pair rules
 * (URLSearchParams semantics) that keys and redaction share. Pure.
 * @module
 */

/** Value that replaces ignored parameters in keys (same text as `REDACTED` in `redact.ts`). @internal */
export const REDACTED_VALUE = 'REDACTED';
/** The same, as a JSON string. @internal */
export const REDACTED_JSON = '"REDACTED"';
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

/** `text` as a RegExp source that matches it literally. */
export function escapeRegExp(text: string): string {
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

export function comparePairs(a: readonly [string, string], b: readonly [string, string]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return 0;
}

/**
 * Canonical form of an urlencoded string (`text[from, to)`): pairs decoded with URLSearchParams semantics,
 * ignored names' values replaced, sorted by name then value (code units), re-encoded with
 * `encodeURIComponent` (so a space is `%20`, a plus `%2B`), always as `name=value`. Empty when no pairs.
 */
export function canonicalForm(text: string, from: number, to: number, ignored: IgnoredNames): string {
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
