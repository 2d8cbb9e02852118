/**
 * HTTP-date parsing and formatting (RFC 9110 §5.6.7), as used by `Date`, `Expires`, `Last-Modified`
 * and `If-Modified-Since`. Pure: no clock reads.
 *
 * @module
 */

const SHORT_DAY = 'mon|tue|wed|thu|fri|sat|sun';
const LONG_DAY = 'monday|tuesday|wednesday|thursday|friday|saturday|sunday';
const MONTH = 'jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec';
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';

/**
 * IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT` and obsolete RFC 850 `Sunday, 06-Nov-94 08:49:37 GMT`.
 * Leniencies (all seen in the wild): either day-name length in both, a one-digit day, and the
 * date separator (space or `-`, used consistently) with a two- or four-digit year, which also covers
 * the cookie-style `Thu, 01-Jan-1970 00:00:00 GMT`.
 */
const COMMA_DATE = new RegExp(
  `^(?:${LONG_DAY}|${SHORT_DAY}), (\\d{1,2})([ -])(${MONTH})\\2(\\d{4}|\\d{2}) ${TIME} GMT$`,
  'i',
);

/** ANSI C asctime(): `Sun Nov  6 08:49:37 1994` (day padded with a space) or `Sun Nov 06 ...`. */
const ASCTIME_DATE = new RegExp(`^(?:${SHORT_DAY}) (${MONTH}) (\\d{2}| \\d) ${TIME} (\\d{4})$`, 'i');

const MONTH_INDEX: Readonly<Record<string, number>> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

const MS_PER_DAY = 86_400_000;

/** Longest string worth trying: a padded RFC 850 date is 41 characters; allow surrounding whitespace. */
const MAX_INPUT_LENGTH = 256;

/**
 * Parses an HTTP-date into epoch milliseconds.
 *
 * Accepts the three formats of RFC 9110 §5.6.7 (IMF-fixdate, obsolete RFC 850, asctime), with
 * case-insensitive day and month names and surrounding whitespace ignored. The day name is required
 * but not checked against the date (as most recipients do). Out-of-range fields (`31 Feb`, `24:00:00`)
 * make the value invalid; a leap second (`:60`) is accepted and rolls over to the next minute.
 *
 * Two-digit years (RFC 850 format) follow RFC 9110 §5.6.7: a year that appears to be more than 50 years
 * in the future is taken as the most recent past year with the same last two digits. This needs a
 * reference time; without `nowMs` a fixed pivot is used instead: `00`–`69` → 2000–2069, `70`–`99` →
 * 1970–1999.
 *
 * Never throws. Values longer than 256 characters (whitespace included) are rejected without parsing.
 *
 * @param value - Header value, for example `'Sun, 06 Nov 1994 08:49:37 GMT'`.
 * @param nowMs - Reference instant (epoch ms) for the two-digit-year rule; optional.
 * @returns Epoch milliseconds, or `undefined` when `value` is not a valid HTTP-date (including
 *   `'0'`, `'-1'` and the empty string).
 * @example
 * parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT'); // 784111777000
 * parseHttpDate('0'); // undefined
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-5.6.7
 */
export function parseHttpDate(value: string | undefined | null, nowMs?: number): number | undefined {
  if (typeof value !== 'string' || value.length > MAX_INPUT_LENGTH) return undefined;
  const text = value.trim();

  const comma = COMMA_DATE.exec(text);
  if (comma !== null) {
    const [, day, , month, year, hour, minute, second] = comma;
    const fullYear = year!.length === 2 ? expandTwoDigitYear(Number(year), nowMs) : Number(year);
    return toEpochMs(fullYear, month!, day!, hour!, minute!, second!);
  }

  const asctime = ASCTIME_DATE.exec(text);
  if (asctime !== null) {
    const [, month, day, hour, minute, second, year] = asctime;
    return toEpochMs(Number(year), month!, day!.trim(), hour!, minute!, second!);
  }

  return undefined;
}

/** IMF-fixdate exactly: short day name, two-digit day, spaces, four-digit year (RFC 9110 §5.6.7). */
const STRICT_IMF_DATE = new RegExp(`^(?:${SHORT_DAY}), (\\d{2}) (${MONTH}) (\\d{4}) ${TIME} GMT$`, 'i');

/** Obsolete RFC 850 date exactly: long day name, dashes, two-digit year (RFC 9110 §5.6.7). */
const STRICT_RFC850_DATE = new RegExp(`^(?:${LONG_DAY}), (\\d{2})-(${MONTH})-(\\d{2}) ${TIME} GMT$`, 'i');

/**
 * Parses an HTTP-date with the grammar of RFC 9110 §5.6.7 and none of {@link parseHttpDate}'s
 * leniencies: IMF-fixdate, the obsolete RFC 850 form (long day name, `06-Nov-94`) and asctime only.
 * A short day name with dashes or a two-digit year (`Wed, 01-Jan-20 00:00:00 GMT`), the cookie style
 * `Thu, 01-Jan-1970 …`, a one-digit day: undefined. Used for `Expires` in `cacheControl` mode, where
 * RFC 9111 §5.3 makes an invalid date mean "already expired" (a guess at a lenient form could make a
 * response fresh that the origin meant to be stale).
 *
 * @param value - Header value.
 * @param nowMs - Reference instant for the two-digit year of the RFC 850 form (see {@link parseHttpDate}).
 * @returns Epoch milliseconds, or undefined when `value` is not a valid HTTP-date.
 * @example
 * parseHttpDateStrict('Sun, 06 Nov 1994 08:49:37 GMT'); // 784111777000
 * parseHttpDateStrict('Sun, 06-Nov-94 08:49:37 GMT'); // undefined
 */
export function parseHttpDateStrict(value: string | undefined | null, nowMs?: number): number | undefined {
  if (typeof value !== 'string' || value.length > MAX_INPUT_LENGTH) return undefined;
  const text = value.trim();
  if (STRICT_IMF_DATE.test(text) || STRICT_RFC850_DATE.test(text) || ASCTIME_DATE.test(text))
    return parseHttpDate(text, nowMs);
  return undefined;
}

/**
 * Formats an instant as an IMF-fixdate, the preferred HTTP-date format (RFC 9110 §5.6.7).
 *
 * Sub-second precision is dropped (rounded down to the second).
 *
 * @param atMs - Epoch milliseconds.
 * @returns For example `'Sun, 06 Nov 1994 08:49:37 GMT'`.
 * @throws RangeError when `atMs` is not finite or falls outside years 0000–9999, which IMF-fixdate
 *   cannot represent.
 * @example
 * formatHttpDate(784111777000); // 'Sun, 06 Nov 1994 08:49:37 GMT'
 */
export function formatHttpDate(atMs: number): string {
  const date = new Date(atMs);
  const year = date.getUTCFullYear();
  if (!Number.isFinite(year) || year < 0 || year > 9999) {
    throw new RangeError(`Cannot format ${String(atMs)} as an HTTP-date (years 0000-9999 only)`);
  }
  // ECMA-262 specifies toUTCString() as `Www, DD Mmm YYYY HH:mm:ss GMT`, i.e. IMF-fixdate.
  return date.toUTCString();
}

/** RFC 9110 §5.6.7 two-digit-year rule, or a fixed 1970–2069 window when no reference time is given. */
function expandTwoDigitYear(twoDigitYear: number, nowMs: number | undefined): number {
  if (nowMs === undefined || !Number.isFinite(nowMs)) {
    return twoDigitYear < 70 ? 2000 + twoDigitYear : 1900 + twoDigitYear;
  }
  const nowYear = new Date(nowMs).getUTCFullYear();
  let year = nowYear - (nowYear % 100) + twoDigitYear;
  if (year > nowYear + 50) year -= 100;
  else if (year <= nowYear - 50) year += 100;
  return year;
}

function toEpochMs(
  year: number,
  monthName: string,
  dayText: string,
  hourText: string,
  minuteText: string,
  secondText: string,
): number | undefined {
  const month = MONTH_INDEX[monthName.toLowerCase()];
  const day = Number(dayText);
  const hour = Number(hourText);
  const minute = Number(minuteText);
  const second = Number(secondText);
  if (month === undefined || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  return daysFromCivil(year, month, day) * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`). Used instead
 * of `Date.UTC`, which maps years 0–99 to 1900–1999.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = (month + 9) % 12;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
