/**
 * Per-URL expiration (`urlsExpireAfter`, requests-cache's `urls_expire_after`): compiling patterns
 * once, then matching request URLs against them. Pure.
 *
 * @module
 */

import micromatch from 'micromatch';
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
 * Glob strings are matched with micromatch, with requests-cache's meaning: the scheme is stripped from
 * the pattern and the URL, and a pattern matches every scheme-less URL that starts with a match (query
 * string included), so `'site.com/resource'` matches `https://site.com/resource` and
 * `http://site.com/resource/1?x=1`, and `'*'` matches every URL. `*` is any run of characters
 * including `/` (fnmatch's `*`, micromatch's `bash` option); `?` is one character other than `/`;
 * `[seq]`, `[!seq]` and `[^seq]` are sets, with POSIX classes (`[[:digit:]]`); `{a,b}` and
 * `{1..3}` expand; `(a|b)` and the extglobs `@(…)`, `?(…)`, `+(…)`, `*(…)`, `!(…)` are alternatives;
 * `\` escapes the next character. Matching is case-sensitive. RegExp keys are searched in the full
 * URL, scheme included.
 *
 * Note: as for any object, integer-like keys of a plain object come first in iteration order; use a
 * `Map` when that matters.
 *
 * @param patterns - The option value; `undefined` gives no patterns.
 * @param option - Option name for error messages.
 * @returns Compiled patterns, in order.
 * @throws InvalidOptionError when `patterns` is not a plain object or `Map`, a `Map` key is neither a
 *   string nor a RegExp nor a valid glob (`'[z-a]'`: a range out of order), or a value is not a valid
 *   {@link ExpireAfter} (the error's option names the pattern: `urlsExpireAfter["*.example.com"]`).
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
      let regex: RegExp;
      try {
        regex = compileGlob(key);
      } catch (error) {
        throw new InvalidOptionError(
          `${option} key`,
          key,
          `a valid glob; ${(error as Error).message}`,
          error,
        );
      }
      compiled.push({ pattern: key, kind: 'glob', regex, expireAfter });
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
 * micromatch options giving requests-cache's fnmatch meaning where the two differ.
 *
 * - `bash`: a single `*` also crosses `/` (micromatch's default stops at `/`).
 * - `dot`: `*` and `?` match a leading `.` (URLs are not dotfiles).
 * - `posix`: `[!a]` negates a set as in fnmatch, and POSIX classes (`[[:digit:]]`) work.
 * - `nonegate`: a leading `!` is literal (a negated pattern has no place in a first-match-wins table).
 * - `contains`: no anchors; {@link compileGlob} anchors the start only (a pattern matches everything below it).
 * - `flags: 's'`: newlines are ordinary characters ({@link compileGlob} adds `u`, so `?` is one
 *   Unicode character).
 * - `debug`: an invalid pattern (`[z-a]`) throws here instead of silently never matching.
 */
const MICROMATCH_OPTIONS = {
  bash: true,
  dot: true,
  posix: true,
  nonegate: true,
  contains: true,
  flags: 's',
  debug: true,
} as const;

/** The same, as micromatch's types take them (they type `flags` as a boolean; picomatch reads RegExp flags). */
const MAKE_RE_OPTIONS = MICROMATCH_OPTIONS as unknown as micromatch.Options;

/**
 * Something that can make a RegExp source match texts of different lengths: `|`, or a quantifier
 * (`*`, `+`, `{`, or a `?` that does not open a group). A literal one (in a set) may be taken for one:
 * that only costs speed.
 */
const VARIABLE_LENGTH = /\||(?<!\\)[*+{]|(?<![\\(])\?/;

/**
 * Compiles a requests-cache URL glob with micromatch: the scheme is stripped and the result matches
 * any scheme-less URL that starts with a match (requests-cache appends `**`; here the end is left
 * open).
 *
 * Stars between fixed pieces are matched as Python's `fnmatch.translate` does since 3.9: the
 * shortest run up to the next piece, never revisited (`(?=(.*?piece))\k<n>`), so patterns such as
 * `*a*a*a*a*b` cannot backtrack exponentially. Stars inside `{…}` or `(…)`, and stars before a
 * piece whose length varies (`+(ab)`), are micromatch's own lazy stars.
 *
 * @throws SyntaxError when micromatch compiles the pattern to an invalid RegExp.
 * @internal
 */
export function compileGlob(pattern: string): RegExp {
  const pieces = splitAtStars(pattern.replace(SCHEME_PREFIX, '').replace(/\*+$/, ''));
  let source = `^${pieceSource(pieces[0]!)}`;
  for (let index = 1; index < pieces.length; index++) {
    const piece = pieceSource(pieces[index]!);
    // A piece of one length can be committed to at its first match: a later one gains nothing.
    source +=
      VARIABLE_LENGTH.test(piece) || index === pieces.length - 1
        ? `.*?${piece}`
        : `(?=(?<s${index}>.*?${piece}))\\k<s${index}>`;
  }
  return new RegExp(source, 'su');
}

/** One star-free piece as a RegExp source, through micromatch. */
function pieceSource(piece: string): string {
  if (piece === '') return '';
  const { source } = micromatch.makeRe(piece, MAKE_RE_OPTIONS);
  // micromatch escapes punctuation (`\&`, `\-`) that a `u` RegExp only accepts as a code point escape.
  return source.replace(/\\(.)/gsu, (escaped, char: string) =>
    /[A-Za-z0-9^$\\.*+?()[\]{}|/]/.test(char) ? escaped : `\\u{${char.codePointAt(0)!.toString(16)}}`,
  );
}

/**
 * Splits a glob at its runs of `*` outside `[…]`, `{…}` and `(…)`, ignoring escaped characters.
 *
 * A `.` outside sets and braces is passed on as `[.]`, which means the same: picomatch 2.3 drops the
 * text before a plain `.` when the pattern also holds a POSIX class or a `{1..3}` range, and reads a
 * leading `./` as "this folder".
 */
function splitAtStars(glob: string): string[] {
  const pieces: string[] = [];
  let current = '';
  let parens = 0;
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if (char === '\\') {
      current += glob.slice(i, i + 2);
      i++;
    } else if (char === '[') {
      const close = glob.indexOf(']', i + (glob[i + 1] === '!' || glob[i + 1] === '^' ? 3 : 2));
      const end = close === -1 ? i : close;
      current += glob.slice(i, end + 1);
      i = end;
    } else if (char === '*' && parens === 0 && braces === 0 && glob[i + 1] !== '(') {
      pieces.push(current);
      current = '';
      while (glob[i + 1] === '*') i++;
    } else {
      if (char === '(') parens++;
      else if (char === ')' && parens > 0) parens--;
      else if (char === '{') braces++;
      else if (char === '}' && braces > 0) braces--;
      current += char === '.' && braces === 0 ? '[.]' : char;
    }
  }
  pieces.push(current);
  return pieces;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
