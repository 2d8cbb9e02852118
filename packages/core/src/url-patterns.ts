/**
 * Per-URL expiration (`urlsExpireAfter`, requests-cache's `urls_expire_after`): compiling patterns
 * once, then matching request URLs against them. Pure.
 *
 * @module
 */

import { InvalidOptionError } from './errors.js';
import { type ExpireAfter, type ParsedExpireAfter, parseExpireAfter } from './expire-after.js';

/** The `urlsExpireAfter` option: URL patterns (glob strings, or RegExp as `Map` keys) → expiration. */
export type UrlsExpireAfter = Record<string, ExpireAfter> | Map<string | RegExp, ExpireAfter>;

/** A pattern of {@link UrlsExpireAfter}, validated and compiled by {@link compileUrlPatterns}. */
export interface CompiledUrlPattern {
  /** The pattern as given: the glob string, or the RegExp's `String()` (`'/site\\.com/i'`). */
  readonly pattern: string;
  /** `'glob'`: matched against the URL without its scheme; `'regexp'`: searched in the full URL. */
  readonly kind: 'glob' | 'regexp';
  /** The compiled matcher (stateless: `g` and `y` flags are dropped). */
  readonly regex: RegExp;
  /** Expiration for matching URLs. */
  readonly expireAfter: ParsedExpireAfter;
}

/** A successful {@link matchUrlPattern}. */
export interface UrlPatternMatch {
  /** The pattern that matched, as in {@link CompiledUrlPattern.pattern}. */
  pattern: string;
  /** Its expiration. */
  expireAfter: ParsedExpireAfter;
}

/** A leading `scheme://` (anything up to the first `://` that comes before any `/`, `?` or `#`). */
const SCHEME_PREFIX = /^[^/?#]*:\/\//;

/**
 * Validates and compiles `urlsExpireAfter`, keeping insertion order (the first match wins).
 *
 * Glob strings are matched as requests-cache does: the scheme is stripped from the pattern, a trailing
 * `*` is stripped and `**` appended, and the result is matched with Python `fnmatch` semantics (`*` is
 * any run of characters including `/`, `?` one character, `[seq]` / `[!seq]` sets; case-sensitive;
 * the whole scheme-less URL, query string included, must match). So `'site.com/resource'` matches
 * `https://site.com/resource` and `http://site.com/resource/1?x=1`, and `'*'` matches every URL.
 * RegExp keys are searched in the full URL, scheme included.
 *
 * Note: as for any object, integer-like keys of a plain object come first in iteration order; use a
 * `Map` when that matters.
 *
 * @param patterns - The option value; `undefined` gives no patterns.
 * @param option - Option name for error messages.
 * @returns Compiled patterns, in order.
 * @throws InvalidOptionError when `patterns` is not a plain object or `Map`, a `Map` key is neither a
 *   string nor a RegExp, or a value is not a valid {@link ExpireAfter} (the error's option names the
 *   pattern: `urlsExpireAfter["*.example.com"]`).
 * @example
 * const compiled = compileUrlPatterns({ 'example.com/api': 60, '*': DO_NOT_CACHE });
 */
export function compileUrlPatterns(
  patterns: UrlsExpireAfter | undefined,
  option = 'urlsExpireAfter',
): CompiledUrlPattern[] {
  if (patterns === undefined) return [];
  let entries: Iterable<readonly [unknown, unknown]>;
  if (patterns instanceof Map) {
    entries = patterns.entries();
  } else if (isPlainObject(patterns)) {
    entries = Object.entries(patterns);
  } else {
    throw new InvalidOptionError(
      option,
      patterns,
      'an object or Map of URL patterns (glob strings or RegExp) to expiration values',
    );
  }

  const compiled: CompiledUrlPattern[] = [];
  for (const [key, value] of entries) {
    if (typeof key === 'string') {
      const expireAfter = parseExpireAfter(value, `${option}[${JSON.stringify(key)}]`);
      compiled.push({ pattern: key, kind: 'glob', regex: compileGlob(key), expireAfter });
    } else if (key instanceof RegExp) {
      const expireAfter = parseExpireAfter(value, `${option}[${String(key)}]`);
      const regex = new RegExp(key.source, key.flags.replace(/[gy]/g, ''));
      compiled.push({ pattern: String(key), kind: 'regexp', regex, expireAfter });
    } else {
      throw new InvalidOptionError(`${option} key`, key, 'a glob string or a RegExp');
    }
  }
  return compiled;
}

/**
 * Finds the expiration for a request URL: the first pattern, in order, that matches.
 *
 * @param url - The request URL as sent (not normalized), for example `'https://site.com/a?b=1'`.
 * @param compiled - From {@link compileUrlPatterns}.
 * @returns The matching pattern and its expiration, or `undefined` when none matches (or `url` is
 *   empty).
 * @example
 * matchUrlPattern('https://example.com/api/users', compiled); // { pattern: 'example.com/api', expireAfter: … }
 */
export function matchUrlPattern(
  url: string,
  compiled: readonly CompiledUrlPattern[],
): UrlPatternMatch | undefined {
  if (!url) return undefined;
  let schemeless: string | undefined;
  for (const entry of compiled) {
    let matched: boolean;
    if (entry.kind === 'regexp') {
      matched = entry.regex.test(url);
    } else {
      schemeless ??= url.replace(SCHEME_PREFIX, '');
      matched = entry.regex.test(schemeless);
    }
    if (matched) return { pattern: entry.pattern, expireAfter: entry.expireAfter };
  }
  return undefined;
}

/**
 * Compiles a requests-cache URL glob: scheme stripped, trailing `*` replaced by `**`, then translated
 * as Python's `fnmatch.translate` does, anchored at both ends.
 *
 * @internal
 */
export function compileGlob(pattern: string): RegExp {
  const glob = pattern.replace(SCHEME_PREFIX, '').replace(/\*+$/, '');
  return new RegExp(`^(?:${translateFnmatch(`${glob}**`)})$`, 'su');
}

/**
 * Python `fnmatch.translate` (3.9+) to a JS RegExp source (for the `u` and `s` flags), without
 * anchors. As in Python, each interior `*fixed` is matched as `(?=(.*?fixed))\N`: the shortest run up
 * to `fixed`, never revisited, which gives the same matches as `.*fixed` (every piece between stars has
 * a fixed length) without exponential backtracking on patterns such as `*a*a*a*a*b`.
 */
function translateFnmatch(pattern: string): string {
  const STAR = null;
  const tokens: (string | typeof STAR)[] = [];
  const chars = Array.from(pattern);
  const length = chars.length;
  let i = 0;
  while (i < length) {
    const char = chars[i]!;
    i++;
    if (char === '*') {
      if (tokens.length === 0 || tokens[tokens.length - 1] !== STAR) tokens.push(STAR);
    } else if (char === '?') {
      tokens.push('.');
    } else if (char === '[') {
      let j = i;
      if (j < length && chars[j] === '!') j++;
      if (j < length && chars[j] === ']') j++;
      while (j < length && chars[j] !== ']') j++;
      if (j >= length) {
        tokens.push(escapeChar('['));
      } else {
        tokens.push(translateSet(chars.slice(i, j)));
        i = j + 1;
      }
    } else {
      tokens.push(escapeChar(char));
    }
  }

  let out = '';
  let t = 0;
  while (t < tokens.length && tokens[t] !== STAR) out += tokens[t++];
  let group = 0;
  while (t < tokens.length) {
    t++; // the star
    let fixed = '';
    while (t < tokens.length && tokens[t] !== STAR) fixed += tokens[t++];
    if (t === tokens.length) {
      out += `.*${fixed}`;
    } else {
      group++;
      out += `(?=(.*?${fixed}))\\${group}`;
    }
  }
  return out;
}

/**
 * Translates the inside of a `[...]` set: leading `!` negates, `a-z` ranges (a leading or trailing
 * `-` is literal), reversed ranges are dropped, an empty set never matches and a negated empty set
 * matches any character, as in Python 3.7+.
 */
function translateSet(content: readonly string[]): string {
  const negated = content[0] === '!';
  const items = negated ? content.slice(1) : content;
  let set = '';
  let k = 0;
  while (k < items.length) {
    const first = items[k]!;
    if (k + 2 < items.length && items[k + 1] === '-') {
      const last = items[k + 2]!;
      if (first.codePointAt(0)! <= last.codePointAt(0)!) set += `${escapeChar(first)}-${escapeChar(last)}`;
      k += 3;
    } else {
      set += escapeChar(first);
      k++;
    }
  }
  if (set === '') return negated ? '.' : '(?!)';
  return `[${negated ? '^' : ''}${set}]`;
}

/** A literal character, valid inside and outside a character class of a `u`-flag RegExp. */
function escapeChar(char: string): string {
  return /^[A-Za-z0-9]$/.test(char) ? char : `\\u{${char.codePointAt(0)!.toString(16)}}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
