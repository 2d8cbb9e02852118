/**
 * URL normalization for keys: sorted query parameters, default port dropped, fragment dropped, ignored
 * parameters redacted. Pure.
 * @module
 */
import { canonicalForm, compileNames } from './key-names.js';

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
