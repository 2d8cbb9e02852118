/**
 * The `expireAfter` option value (requests-cache's `ExpirationTime`): parsing, normalization and
 * resolution to an instant. Pure: the current time is always a parameter.
 *
 * @module
 */

import { InvalidOptionError } from './errors.js';
import { parseHttpDate } from './http-date.js';

/** Store responses without expiration (fresh forever). */
export const NEVER_EXPIRE = -1;

/**
 * Store responses already expired: they are written only if they can be revalidated (have an `ETag`
 * or `Last-Modified`), and are revalidated on every use.
 */
export const EXPIRE_IMMEDIATELY = 0;

/** Neither read nor write the cache (for a session, a URL pattern or a request). */
export const DO_NOT_CACHE = 'DO_NOT_CACHE' as const;

/**
 * A relative duration; the fields are added up (each may be fractional or negative).
 *
 * @example
 * { hours: 1, minutes: 30 }
 */
export type DurationObject = {
  days?: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
  milliseconds?: number;
};

/**
 * When a cached response expires.
 *
 * - number: seconds from when the response is stored; {@link NEVER_EXPIRE} (`-1`) or `Infinity` for
 *   never, {@link EXPIRE_IMMEDIATELY} (`0`) for already expired. Any other negative number is rejected
 *   (as in requests-cache, only `-1` is special; use `0` or a past `Date` for "already expired").
 * - `Date`: an absolute instant.
 * - string: {@link DO_NOT_CACHE}; `'never'`; a duration with lower-case units (`'90s'`, `'15m'`,
 *   `'15 minutes'`, `'1h30m'`, `'1.5 hours'`, `'500ms'`, `'1w'`; `'15M'` is rejected: `M` reads as months
 *   elsewhere); seconds (`'3600'`, `'-1'`); or an HTTP-date (`'Fri, 16 Apr 2021 21:13:00 GMT'`).
 * - {@link DurationObject}: `{ days, hours, minutes, seconds, milliseconds }` (the sum must not be negative).
 */
export type ExpireAfter = number | Date | string | DurationObject;

/** Normalized {@link ExpireAfter}, as returned by {@link parseExpireAfter}. */
export type ParsedExpireAfter =
  | { kind: 'never' }
  | { kind: 'do-not-cache' }
  /** Expires `ms` milliseconds after the response is stored (0 or negative: already expired). */
  | { kind: 'relative'; ms: number }
  /** Expires at `atMs` (epoch ms). */
  | { kind: 'absolute'; atMs: number };

const EXPECTED =
  'seconds, NEVER_EXPIRE (-1), EXPIRE_IMMEDIATELY (0), DO_NOT_CACHE, a Date, a duration such as "15m", or {days, hours, minutes, seconds}';

const DURATION_OBJECT_MS: Readonly<Record<keyof DurationObject, number>> = {
  days: 86_400_000,
  hours: 3_600_000,
  minutes: 60_000,
  seconds: 1000,
  milliseconds: 1,
};

const DURATION_OBJECT_KEYS = Object.keys(DURATION_OBJECT_MS);

const UNIT_MS: ReadonlyMap<string, number> = new Map([
  ...unitAliases(1, 'ms', 'msec', 'msecs', 'millisecond', 'milliseconds'),
  ...unitAliases(1000, 's', 'sec', 'secs', 'second', 'seconds'),
  ...unitAliases(60_000, 'm', 'min', 'mins', 'minute', 'minutes'),
  ...unitAliases(3_600_000, 'h', 'hr', 'hrs', 'hour', 'hours'),
  ...unitAliases(86_400_000, 'd', 'day', 'days'),
  ...unitAliases(604_800_000, 'w', 'wk', 'wks', 'week', 'weeks'),
]);

/** One `<number><unit>` part of a duration string, whitespace allowed between them. */
const DURATION_PART = /(\d+(?:\.\d+)?|\.\d+)\s*([a-z]+)/y;
/** Separators between duration parts: whitespace, optionally one comma. */
const DURATION_SEPARATOR = /\s*,?\s*/y;
/** A bare number of seconds. */
const SECONDS_ONLY = /^[+-]?(?:\d+(?:\.\d+)?|\.\d+)$/;

/**
 * Parses a duration string into milliseconds.
 *
 * One or more `<number><unit>` parts, optionally separated by whitespace or a comma, with an optional
 * leading sign for the whole duration. Numbers may be decimal. Units, in lower case: `ms`, `s`,
 * `m`, `h`, `d`, `w` and their long forms (`msec`, `millisecond(s)`, `sec(s)`, `second(s)`, `min(s)`,
 * `minute(s)`, `hr(s)`, `hour(s)`, `day(s)`, `wk(s)`, `week(s)`). An upper-case unit is not a duration:
 * `'15M'` would be months in ISO 8601 and other tools, and months and years are not supported (their
 * length depends on the calendar). A bare number has no unit and is not a duration.
 *
 * @param value - For example `'15m'`, `'1h30m'`, `'1d 2h'`, `'2 hours'`, `'1.5h'`, `'500ms'`.
 * @returns Milliseconds, or `undefined` when `value` is not a duration or the result is not finite.
 * @example
 * parseDurationMs('1h30m'); // 5400000
 * parseDurationMs('tomorrow'); // undefined
 * parseDurationMs('15M'); // undefined (lower-case units only)
 */
export function parseDurationMs(value: string): number | undefined {
  if (typeof value !== 'string') return undefined;
  let text = value.trim();
  let sign = 1;
  if (text.startsWith('-') || text.startsWith('+')) {
    sign = text.startsWith('-') ? -1 : 1;
    text = text.slice(1).trimStart();
  }
  if (text === '') return undefined;

  let totalMs = 0;
  let index = 0;
  for (;;) {
    DURATION_PART.lastIndex = index;
    const part = DURATION_PART.exec(text);
    if (part === null) return undefined;
    const unitMs = UNIT_MS.get(part[2]!);
    if (unitMs === undefined) return undefined;
    totalMs += Number(part[1]) * unitMs;
    index = DURATION_PART.lastIndex;
    if (index === text.length) break;
    DURATION_SEPARATOR.lastIndex = index;
    DURATION_SEPARATOR.exec(text);
    index = DURATION_SEPARATOR.lastIndex;
  }
  return Number.isFinite(totalMs) ? sign * totalMs + 0 : undefined;
}

/**
 * Validates and normalizes an {@link ExpireAfter} option value.
 *
 * - numbers: `-1` or `Infinity` → never; other finite numbers ≥ 0 → relative seconds (`0` = already
 *   expired). Other negative numbers are rejected, as are negative durations in any form: requests-cache
 *   gives only `-1` a meaning, and a `-5` meant as "never" would silently store nothing useful.
 * - `Date` → absolute (must be valid).
 * - strings (trimmed): `'DO_NOT_CACHE'` → do-not-cache; `'never'` → never (both case-insensitive);
 *   a bare number → seconds as for numbers (`'3600'`, `'-1'`, `'0'`; requests-cache instead treats
 *   these as "expire immediately"); a duration with lower-case units ({@link parseDurationMs}) →
 *   relative (`'15M'` is rejected with a hint); an HTTP-date → absolute.
 * - plain objects with only {@link DurationObject} keys, at least one, each a finite number →
 *   relative.
 *
 * @param value - The option value, of any type.
 * @param option - Option name for error messages, for example `'expireAfter'` or
 *   `'urlsExpireAfter["*.example.com"]'`.
 * @returns The normalized value.
 * @throws InvalidOptionError for anything else (`NaN`, `-Infinity`, `-5`, `'-5m'`, `'15M'`, invalid
 *   `Date`, `'tomorrow'`, `''`, `true`, `null`, arrays, functions, unknown or non-numeric object keys, `{}`).
 * @example
 * parseExpireAfter(60, 'expireAfter'); // { kind: 'relative', ms: 60000 }
 * parseExpireAfter('15m', 'expireAfter'); // { kind: 'relative', ms: 900000 }
 * parseExpireAfter(NEVER_EXPIRE, 'expireAfter'); // { kind: 'never' }
 */
export function parseExpireAfter(value: unknown, option: string): ParsedExpireAfter {
  const parsed = parseAnySign(value, option);
  if (parsed.kind === 'relative' && parsed.ms < 0) {
    throw new InvalidOptionError(
      option,
      value,
      'a duration that is not negative: NEVER_EXPIRE (-1) is the only negative value, EXPIRE_IMMEDIATELY (0) or a past Date stores a response already expired',
    );
  }
  return parsed;
}

function parseAnySign(value: unknown, option: string): ParsedExpireAfter {
  if (typeof value === 'number') {
    const parsed = fromSeconds(value);
    if (parsed !== undefined) return parsed;
  } else if (typeof value === 'string') {
    const parsed = fromString(value);
    if (parsed !== undefined) return parsed;
    if (parseDurationMs(value.toLowerCase()) !== undefined) {
      throw new InvalidOptionError(
        option,
        value,
        `a duration with lower-case units, such as ${JSON.stringify(value.trim().toLowerCase())} ("m" is minutes; months and years are not supported)`,
      );
    }
  } else if (value instanceof Date) {
    const atMs = value.getTime();
    if (Number.isFinite(atMs)) return { kind: 'absolute', atMs };
  } else if (isPlainObject(value)) {
    return fromDurationObject(value, option);
  }
  throw new InvalidOptionError(option, value, EXPECTED);
}

/**
 * The instant a response stored at `nowMs` expires.
 *
 * @param parsed - From {@link parseExpireAfter}.
 * @param nowMs - When the response is stored (epoch ms).
 * @returns Epoch ms (`nowMs` for relative 0, a past instant for negative durations); `null` when it
 *   never expires; `undefined` for do-not-cache.
 * @example
 * resolveExpiresAt({ kind: 'relative', ms: 60_000 }, 1_000); // 61000
 * resolveExpiresAt({ kind: 'never' }, 1_000); // null
 */
export function resolveExpiresAt(parsed: ParsedExpireAfter, nowMs: number): number | null | undefined {
  switch (parsed.kind) {
    case 'never':
      return null;
    case 'do-not-cache':
      return undefined;
    case 'relative':
      return nowMs + parsed.ms;
    case 'absolute':
      return parsed.atMs;
  }
}

/**
 * Whole seconds until `expiresAt`, rounded up (requests-cache's `get_expiration_seconds`), for
 * example as a store TTL.
 *
 * Unlike requests-cache, an instant in the past gives `0`, never a negative number, so `-1` always
 * means "never expires".
 *
 * @param expiresAt - Epoch ms, or `null` for never.
 * @param nowMs - The current time (epoch ms).
 * @returns Seconds (≥ 0), or `-1` ({@link NEVER_EXPIRE}) when `expiresAt` is `null`.
 * @example
 * expiresInSeconds(61_500, 1_000); // 61
 * expiresInSeconds(null, 1_000); // -1
 */
export function expiresInSeconds(expiresAt: number | null, nowMs: number): number {
  if (expiresAt === null) return NEVER_EXPIRE;
  return Math.max(0, Math.ceil((expiresAt - nowMs) / 1000));
}

function fromSeconds(seconds: number): ParsedExpireAfter | undefined {
  if (seconds === NEVER_EXPIRE || seconds === Number.POSITIVE_INFINITY) return { kind: 'never' };
  if (!Number.isFinite(seconds)) return undefined;
  const ms = seconds * 1000;
  // `+ 0` turns -0 into 0; overflow of a huge finite number of seconds is rejected.
  return Number.isFinite(ms) ? { kind: 'relative', ms: ms + 0 } : undefined;
}

function fromString(value: string): ParsedExpireAfter | undefined {
  const text = value.trim();
  const upper = text.toUpperCase();
  if (upper === DO_NOT_CACHE) return { kind: 'do-not-cache' };
  if (upper === 'NEVER') return { kind: 'never' };
  if (SECONDS_ONLY.test(text)) return fromSeconds(Number(text));
  const ms = parseDurationMs(text);
  if (ms !== undefined) return { kind: 'relative', ms };
  const atMs = parseHttpDate(text);
  if (atMs !== undefined) return { kind: 'absolute', atMs };
  return undefined;
}

function fromDurationObject(value: Record<PropertyKey, unknown>, option: string): ParsedExpireAfter {
  const keys = Reflect.ownKeys(value);
  if (keys.length === 0) throw new InvalidOptionError(option, value, EXPECTED);
  let ms = 0;
  for (const key of keys) {
    if (typeof key !== 'string' || !Object.hasOwn(DURATION_OBJECT_MS, key)) {
      const name =
        typeof key === 'string'
          ? JSON.stringify(key.length > 40 ? `${key.slice(0, 37)}...` : key)
          : key.toString();
      throw new InvalidOptionError(
        option,
        value,
        `a duration object with only the keys ${DURATION_OBJECT_KEYS.join(', ')} (unknown key ${name})`,
      );
    }
    const amount = value[key];
    if (typeof amount !== 'number' || !Number.isFinite(amount)) {
      throw new InvalidOptionError(`${option}.${key}`, amount, 'a finite number');
    }
    ms += amount * DURATION_OBJECT_MS[key as keyof DurationObject];
  }
  if (!Number.isFinite(ms)) throw new InvalidOptionError(option, value, EXPECTED);
  return { kind: 'relative', ms: ms + 0 };
}

function isPlainObject(value: unknown): value is Record<PropertyKey, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function unitAliases(ms: number, ...names: string[]): [string, number][] {
  return names.map((name) => [name, ms]);
}
