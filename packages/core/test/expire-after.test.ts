import test from 'ava';
import fc from 'fast-check';
import { InvalidOptionError } from '../src/errors.js';
import {
  DO_NOT_CACHE,
  EXPIRE_IMMEDIATELY,
  expiresInSeconds,
  NEVER_EXPIRE,
  type ParsedExpireAfter,
  parseDurationMs,
  parseExpireAfter,
  resolveExpiresAt,
} from '../src/expire-after.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const HTTP_DATE_MS = Date.UTC(2021, 3, 16, 21, 13, 0);

const relative = (ms: number): ParsedExpireAfter => ({ kind: 'relative', ms });
const absolute = (atMs: number): ParsedExpireAfter => ({ kind: 'absolute', atMs });
const never: ParsedExpireAfter = { kind: 'never' };
const doNotCache: ParsedExpireAfter = { kind: 'do-not-cache' };

const show = (value: unknown): string =>
  value instanceof Date
    ? `Date(${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()})`
    : typeof value === 'number' || value === undefined
      ? String(value)
      : typeof value === 'function'
        ? 'function'
        : JSON.stringify(value);

const accepted: [unknown, ParsedExpireAfter][] = [
  // Numbers: seconds, with the two sentinels
  [NEVER_EXPIRE, never],
  [Number.POSITIVE_INFINITY, never],
  [EXPIRE_IMMEDIATELY, relative(0)],
  [-0, relative(0)],
  [60, relative(MINUTE)],
  [33.3, relative(33_300)],
  // Dates
  [new Date(HTTP_DATE_MS), absolute(HTTP_DATE_MS)],
  [new Date(0), absolute(0)],
  // Sentinel strings
  [DO_NOT_CACHE, doNotCache],
  ['do_not_cache', doNotCache],
  [' DO_NOT_CACHE ', doNotCache],
  ['never', never],
  ['NEVER', never],
  // Bare numbers are seconds
  ['3600', relative(HOUR)],
  ['0', relative(0)],
  ['-1', never],
  ['-1.0', never],
  ['+5', relative(5 * SECOND)],
  ['1.5', relative(1500)],
  [' 60 ', relative(MINUTE)],
  // Durations
  ['90s', relative(90 * SECOND)],
  ['15m', relative(15 * MINUTE)],
  ['2h', relative(2 * HOUR)],
  ['7d', relative(7 * DAY)],
  ['1w', relative(7 * DAY)],
  ['500ms', relative(500)],
  ['1h30m', relative(90 * MINUTE)],
  ['1d 2h', relative(26 * HOUR)],
  ['1h, 30m', relative(90 * MINUTE)],
  ['15 minutes', relative(15 * MINUTE)],
  ['2 hours', relative(2 * HOUR)],
  ['1 day', relative(DAY)],
  ['30 seconds', relative(30 * SECOND)],
  ['1 second', relative(SECOND)],
  ['10 secs', relative(10 * SECOND)],
  ['5 mins', relative(5 * MINUTE)],
  ['3 hrs', relative(3 * HOUR)],
  ['2 weeks', relative(14 * DAY)],
  ['250 milliseconds', relative(250)],
  ['1.5h', relative(90 * MINUTE)],
  ['.5m', relative(30 * SECOND)],
  ['0s', relative(0)],
  // HTTP-dates
  ['Fri, 16 Apr 2021 21:13:00 GMT', absolute(HTTP_DATE_MS)],
  ['Fri, 16 APR 2021 21:13:00 GMT', absolute(HTTP_DATE_MS)],
  ['Friday, 16-Apr-21 21:13:00 GMT', absolute(HTTP_DATE_MS)],
  ['Fri Apr 16 21:13:00 2021', absolute(HTTP_DATE_MS)],
  // Duration objects
  [{ seconds: 30 }, relative(30 * SECOND)],
  [
    { days: 1, hours: 2, minutes: 3, seconds: 4, milliseconds: 5 },
    relative(DAY + 2 * HOUR + 3 * MINUTE + 4 * SECOND + 5),
  ],
  [{ hours: 1.5 }, relative(90 * MINUTE)],
  [{ hours: 1, minutes: -30 }, relative(30 * MINUTE)],
  [{ days: 0 }, relative(0)],
  [Object.assign(Object.create(null) as object, { hours: 1 }), relative(HOUR)],
];

for (const [index, [value, expected]] of accepted.entries()) {
  test(`accepted #${index}: parseExpireAfter(${show(value)})`, (t) => {
    t.deepEqual(parseExpireAfter(value, 'expireAfter'), expected);
  });
}

const rejected: unknown[] = [
  Number.NaN,
  Number.NEGATIVE_INFINITY,
  Number.MAX_VALUE,
  new Date(Number.NaN),
  '',
  '   ',
  'tomorrow',
  'forever',
  'seconds',
  'm',
  '15 parsecs',
  '1y',
  '1 month',
  '1h30',
  '1h,',
  '1h,,30m',
  '1..5h',
  '1e3',
  '1e3s',
  '--5m',
  'P12Y34M56DT78H90M12.345S',
  '2021-04-16T21:13:00Z',
  'Fri, 16 Apr 2021 21:13:00',
  `${'9'.repeat(400)}h`,
  true,
  false,
  null,
  undefined,
  [],
  [60],
  () => 60,
  60n,
  Symbol('x'),
  {},
  { weeks: 1 },
  { seconds: 1, extra: 2 },
  { seconds: '30' },
  { seconds: Number.NaN },
  { seconds: Number.POSITIVE_INFINITY },
  { days: Number.MAX_VALUE, hours: Number.MAX_VALUE },
  { seconds: undefined },
  { [Symbol('s')]: 1 },
  new Map([['seconds', 1]]),
  new (class Duration {
    seconds = 1;
  })(),
  Object.assign(Object.create({ inherited: true }) as object, { seconds: 1 }),
  new Number(5),
  new String('5m'),
];

// Loose values with no single meaning (issue 18, point 8): only -1 is a negative sentinel, units are lower-case.
const negativeOrUpperCase: unknown[] = [
  -5,
  -2,
  -1.5,
  -0.001,
  '-5',
  '-5m',
  '-1 hour',
  { minutes: -1 },
  '15M',
  '2H',
  '1D',
  '15 MINUTES',
];
for (const value of negativeOrUpperCase) {
  test(`loose value parseExpireAfter(${show(value)}) is rejected with a typed error and a hint`, (t) => {
    const error = t.throws(() => parseExpireAfter(value, 'expireAfter'), { instanceOf: InvalidOptionError });
    t.is(error?.option, 'expireAfter');
    t.is(error?.value, value);
    t.regex(error?.message ?? '', /NEVER_EXPIRE \(-1\) is the only negative value|lower-case units/);
  });
}

test('an upper-case unit is rejected with the lower-case spelling as the hint', (t) => {
  const error = t.throws(() => parseExpireAfter('15M', 'expireAfter'), { instanceOf: InvalidOptionError });
  t.is(
    error?.message,
    'Invalid value for option "expireAfter": "15M" (expected a duration with lower-case units, such as "15m" ("m" is minutes; months and years are not supported))',
  );
});

test('a negative number other than NEVER_EXPIRE names EXPIRE_IMMEDIATELY as the way to store expired', (t) => {
  const error = t.throws(() => parseExpireAfter(-5, 'expireAfter'), { instanceOf: InvalidOptionError });
  t.regex(
    error?.message ?? '',
    /^Invalid value for option "expireAfter": -5 \(expected .*EXPIRE_IMMEDIATELY \(0\)/,
  );
});

test("'15 minutes' and '15m' mean the same, and -1 stays NEVER_EXPIRE", (t) => {
  t.deepEqual(parseExpireAfter('15 minutes', 'expireAfter'), parseExpireAfter('15m', 'expireAfter'));
  t.deepEqual(parseExpireAfter(-1, 'expireAfter'), never);
  t.deepEqual(parseExpireAfter('-1', 'expireAfter'), never);
});

for (const [index, value] of rejected.entries()) {
  test(`rejected #${index}: parseExpireAfter(${typeof value === 'symbol' ? 'Symbol' : typeof value === 'bigint' ? `${value}n` : show(value)}) throws`, (t) => {
    const error = t.throws(() => parseExpireAfter(value, 'expireAfter'), { instanceOf: InvalidOptionError });
    t.is(error?.code, 'ERR_INVALID_OPTION');
    t.regex(error?.option ?? '', /^expireAfter/);
  });
}

test('the error names the option, the value and what is expected', (t) => {
  const error = t.throws(() => parseExpireAfter('tomorrow', 'urlsExpireAfter["*.example.com"]'), {
    instanceOf: InvalidOptionError,
  });
  t.is(error?.option, 'urlsExpireAfter["*.example.com"]');
  t.is(error?.value, 'tomorrow');
  t.is(
    error?.message,
    'Invalid value for option "urlsExpireAfter["*.example.com"]": "tomorrow" (expected seconds, NEVER_EXPIRE (-1), ' +
      'EXPIRE_IMMEDIATELY (0), DO_NOT_CACHE, a Date, a duration such as "15m", or {days, hours, minutes, seconds})',
  );
});

test('an unknown duration-object key is named in the error', (t) => {
  const error = t.throws(() => parseExpireAfter({ hours: 1, weeks: 1 }, 'expireAfter'), {
    instanceOf: InvalidOptionError,
  });
  t.is(error?.option, 'expireAfter');
  t.regex(error?.message ?? '', /unknown key "weeks"/);
});

test('a non-numeric duration-object value is named in the error', (t) => {
  const error = t.throws(() => parseExpireAfter({ hours: '1' }, 'expireAfter'), {
    instanceOf: InvalidOptionError,
  });
  t.is(error?.option, 'expireAfter.hours');
  t.is(error?.value, '1');
});

const durations: [string, number | undefined][] = [
  ['1h30m', 90 * MINUTE],
  ['1H30M', undefined],
  ['15M', undefined],
  ['  2d  ', 2 * DAY],
  ['1 hour 30 minutes', 90 * MINUTE],
  ['1 hour, 30 minutes', 90 * MINUTE],
  ['1ms', 1],
  ['1 msec', 1],
  ['-1s', -SECOND],
  ['+ 1s', SECOND],
  ['1h 1h', 2 * HOUR],
  ['', undefined],
  ['-', undefined],
  ['60', undefined],
  ['h', undefined],
  ['1 h x', undefined],
  ['1hour30', undefined],
];

for (const [value, expected] of durations) {
  test(`parseDurationMs(${JSON.stringify(value)})`, (t) => {
    t.is(parseDurationMs(value), expected);
  });
}

const NOW = 1_700_000_000_000;

const resolved: [ParsedExpireAfter, number | null | undefined][] = [
  [never, null],
  [doNotCache, undefined],
  [relative(0), NOW],
  [relative(MINUTE), NOW + MINUTE],
  [relative(-2 * SECOND), NOW - 2 * SECOND],
  [absolute(HTTP_DATE_MS), HTTP_DATE_MS],
];

for (const [parsed, expected] of resolved) {
  test(`resolveExpiresAt(${JSON.stringify(parsed)})`, (t) => {
    t.is(resolveExpiresAt(parsed, NOW), expected);
  });
}

const seconds: [number | null, number][] = [
  [null, -1],
  [NOW, 0],
  [NOW + 1, 1],
  [NOW + 999, 1],
  [NOW + 1000, 1],
  [NOW + 1001, 2],
  [NOW + HOUR, 3600],
  [NOW - 1, 0],
  [NOW - HOUR, 0],
];

for (const [expiresAt, expected] of seconds) {
  test(`expiresInSeconds(${expiresAt === null ? 'null' : `now + ${expiresAt - NOW}`})`, (t) => {
    t.is(expiresInSeconds(expiresAt, NOW), expected);
  });
}

test('parseExpireAfter returns a ParsedExpireAfter or throws InvalidOptionError, on anything', (t) => {
  const isParsed = (value: ParsedExpireAfter): boolean => {
    switch (value.kind) {
      case 'never':
      case 'do-not-cache':
        return Object.keys(value).length === 1;
      case 'relative':
        return Number.isFinite(value.ms);
      case 'absolute':
        return Number.isFinite(value.atMs);
      default:
        return false;
    }
  };
  const durationLike = fc.oneof(
    fc.record(
      {
        days: fc.double(),
        hours: fc.double(),
        minutes: fc.anything(),
        seconds: fc.double(),
        milliseconds: fc.integer(),
      },
      { requiredKeys: [] },
    ),
    fc
      .tuple(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.constantFrom('ms', 's', 'm', 'h', 'd', 'w', 'x', ''),
      )
      .map(([n, unit]) => `${n}${unit}`),
  );
  fc.assert(
    fc.property(fc.oneof(fc.anything(), fc.string(), fc.double(), fc.date(), durationLike), (value) => {
      let result: ParsedExpireAfter;
      try {
        result = parseExpireAfter(value, 'expireAfter');
      } catch (error) {
        return error instanceof InvalidOptionError && error.option?.startsWith('expireAfter') === true;
      }
      return isParsed(result);
    }),
    { numRuns: 3000 },
  );
  t.pass();
});
