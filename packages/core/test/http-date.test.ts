import test from 'ava';
import fc from 'fast-check';
import { formatHttpDate, parseHttpDate, parseHttpDateStrict } from '../src/http-date.js';

const SUN_06_NOV_1994 = Date.UTC(1994, 10, 6, 8, 49, 37);

const valid: [string, number][] = [
  // The three formats of RFC 9110 §5.6.7
  ['Sun, 06 Nov 1994 08:49:37 GMT', SUN_06_NOV_1994],
  ['Sunday, 06-Nov-94 08:49:37 GMT', SUN_06_NOV_1994],
  ['Sun Nov  6 08:49:37 1994', SUN_06_NOV_1994],
  // Leniencies
  ['Sun Nov 06 08:49:37 1994', SUN_06_NOV_1994],
  ['  Sun, 06 Nov 1994 08:49:37 GMT\t', SUN_06_NOV_1994],
  ['sun, 06 nov 1994 08:49:37 gmt', SUN_06_NOV_1994],
  ['SUNDAY, 06-NOV-94 08:49:37 GMT', SUN_06_NOV_1994],
  ['sun nov  6 08:49:37 1994', SUN_06_NOV_1994],
  ['Fri, 16 APR 2021 21:13:00 GMT', Date.UTC(2021, 3, 16, 21, 13, 0)],
  ['Sun, 6 Nov 1994 08:49:37 GMT', SUN_06_NOV_1994],
  ['Thu, 01-Jan-1970 00:00:01 GMT', 1000],
  ['Thursday, 01 Jan 1970 00:00:00 GMT', 0],
  // Day name is not checked against the date
  ['Mon, 06 Nov 1994 08:49:37 GMT', SUN_06_NOV_1994],
  // Calendar edges
  ['Thu, 29 Feb 2024 00:00:00 GMT', Date.UTC(2024, 1, 29)],
  ['Tue, 29 Feb 2000 00:00:00 GMT', Date.UTC(2000, 1, 29)],
  ['Fri, 31 Dec 9999 23:59:59 GMT', Date.UTC(9999, 11, 31, 23, 59, 59)],
  ['Wed, 31 Dec 1969 23:59:59 GMT', -1000],
  ['Sat, 01 Jan 0000 00:00:00 GMT', new Date('0000-01-01T00:00:00Z').getTime()],
  ['Mon, 01 Jan 0001 00:00:00 GMT', new Date('0001-01-01T00:00:00Z').getTime()],
  // Leap second rolls over
  ['Sat, 31 Dec 2016 23:59:60 GMT', Date.UTC(2017, 0, 1)],
  // Two-digit years without a reference time: 00-69 → 20xx, 70-99 → 19xx
  ['Monday, 01-Jan-69 00:00:00 GMT', Date.UTC(2069, 0, 1)],
  ['Thursday, 01-Jan-70 00:00:00 GMT', 0],
  ['Saturday, 01-Jan-00 00:00:00 GMT', Date.UTC(2000, 0, 1)],
];

for (const [index, [input, expected]] of valid.entries()) {
  test(`valid #${index}: parseHttpDate(${JSON.stringify(input)})`, (t) => {
    t.is(parseHttpDate(input), expected);
  });
}

const invalid: (string | undefined | null)[] = [
  undefined,
  null,
  '',
  '   ',
  '0',
  '-1',
  '1',
  '784111777',
  'tomorrow',
  'P12Y34M56DT78H90M12.345S',
  '1994-11-06T08:49:37Z',
  'Sun, 06 Nov 1994 08:49:37',
  'Sun, 06 Nov 1994 08:49:37 UTC',
  'Sun, 06 Nov 1994 08:49:37 +0000',
  'Sun 06 Nov 1994 08:49:37 GMT',
  'Sun, 06 Nov 1994 8:49:37 GMT',
  'Sun, 06 Nov 94 08:49:37 GMT x',
  'Sun, 06-Nov 1994 08:49:37 GMT',
  'Foo, 06 Nov 1994 08:49:37 GMT',
  'Sun, 06 Foo 1994 08:49:37 GMT',
  'Sun, 06 November 1994 08:49:37 GMT',
  'Sun, 32 Jan 1994 08:49:37 GMT',
  'Sun, 00 Jan 1994 08:49:37 GMT',
  'Sun, 29 Feb 2023 00:00:00 GMT',
  'Sun, 29 Feb 1900 00:00:00 GMT',
  'Sun, 31 Apr 2023 00:00:00 GMT',
  'Sun, 06 Nov 1994 24:00:00 GMT',
  'Sun, 06 Nov 1994 08:60:00 GMT',
  'Sun, 06 Nov 1994 08:49:61 GMT',
  'Sun, 06 Nov 19945 08:49:37 GMT',
  'Sun, 06 Nov 994 08:49:37 GMT',
  'Sun Nov  6 08:49:37 94',
  'Sun Nov   6 08:49:37 1994',
  'Sun Nov 6 08:49:37 1994',
  'Sun, 06 Nov 1994 08:49:37 GMT, Mon, 07 Nov 1994 08:49:37 GMT',
  `Sun, 06 Nov 1994 08:49:37 GMT${' '.repeat(1000)}`,
];

for (const [index, input] of invalid.entries()) {
  test(`invalid #${index}: parseHttpDate(${JSON.stringify(input)}) is undefined`, (t) => {
    t.is(parseHttpDate(input), undefined);
  });
}

const twoDigitYears: [string, string, number][] = [
  // RFC 9110 §5.6.7: more than 50 years in the future → the most recent past year with those digits.
  ['Sunday, 06-Nov-94 08:49:37 GMT', '2025-06-01', 1994],
  ['Sunday, 06-Nov-75 08:49:37 GMT', '2025-06-01', 2075],
  ['Sunday, 06-Nov-76 08:49:37 GMT', '2025-06-01', 1976],
  ['Sunday, 06-Nov-25 08:49:37 GMT', '2025-06-01', 2025],
  ['Sunday, 06-Nov-10 08:49:37 GMT', '2095-06-01', 2110],
  ['Sunday, 06-Nov-45 08:49:37 GMT', '2095-06-01', 2145],
  ['Sunday, 06-Nov-46 08:49:37 GMT', '2095-06-01', 2046],
  ['Sunday, 06-Nov-99 08:49:37 GMT', '1999-06-01', 1999],
  ['Sunday, 06-Nov-49 08:49:37 GMT', '1999-06-01', 2049],
  ['Sunday, 06-Nov-50 08:49:37 GMT', '1999-06-01', 1950],
];

for (const [input, now, year] of twoDigitYears) {
  test(`parseHttpDate(${JSON.stringify(input)}, ${now}) is in ${year}`, (t) => {
    const parsed = parseHttpDate(input, Date.parse(`${now}T00:00:00Z`));
    t.is(parsed === undefined ? undefined : new Date(parsed).getUTCFullYear(), year);
  });
}

const formatted: [number, string][] = [
  [SUN_06_NOV_1994, 'Sun, 06 Nov 1994 08:49:37 GMT'],
  [SUN_06_NOV_1994 + 999, 'Sun, 06 Nov 1994 08:49:37 GMT'],
  [0, 'Thu, 01 Jan 1970 00:00:00 GMT'],
  [Date.UTC(2021, 3, 16, 21, 13, 0), 'Fri, 16 Apr 2021 21:13:00 GMT'],
  [new Date('0099-03-04T05:06:07Z').getTime(), 'Wed, 04 Mar 0099 05:06:07 GMT'],
];

for (const [atMs, expected] of formatted) {
  test(`formatHttpDate(${atMs})`, (t) => {
    t.is(formatHttpDate(atMs), expected);
    t.is(parseHttpDate(expected), Math.floor(atMs / 1000) * 1000);
  });
}

for (const atMs of [Number.NaN, Number.POSITIVE_INFINITY, Date.UTC(10000, 0, 1), Date.UTC(-1, 0, 1)]) {
  test(`formatHttpDate(${atMs}) throws RangeError`, (t) => {
    t.throws(() => formatHttpDate(atMs), { instanceOf: RangeError });
  });
}

test('parseHttpDate agrees with Date.UTC on random valid dates, in all three formats', (t) => {
  const minMs = Date.UTC(1970, 0, 1);
  const maxMs = Date.UTC(2069, 11, 31, 23, 59, 59);
  fc.assert(
    fc.property(fc.integer({ min: minMs / 1000, max: maxMs / 1000 }), (seconds) => {
      const atMs = seconds * 1000;
      const imf = formatHttpDate(atMs);
      const date = new Date(atMs);
      const [dayName, day, month, year, time] = imf.replace(',', '').split(' ') as [
        string,
        string,
        string,
        string,
        string,
      ];
      const longDay = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][
        date.getUTCDay()
      ]!;
      const rfc850 = `${longDay}, ${day}-${month}-${year.slice(2)} ${time} GMT`;
      const asctime = `${dayName} ${month} ${String(date.getUTCDate()).padStart(2, ' ')} ${time} ${year}`;
      return parseHttpDate(imf) === atMs && parseHttpDate(rfc850) === atMs && parseHttpDate(asctime) === atMs;
    }),
  );
  t.pass();
});

test('parseHttpDate never throws and returns a number or undefined on any string', (t) => {
  fc.assert(
    fc.property(
      fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' })),
      (value) => {
        const result = parseHttpDate(value);
        return result === undefined || Number.isFinite(result);
      },
    ),
    { numRuns: 2000 },
  );
  t.pass();
});

test('parseHttpDate never throws on near-miss dates', (t) => {
  const piece = fc.constantFrom(
    'Sun',
    'Sunday',
    ',',
    ' ',
    '  ',
    '-',
    '06',
    '6',
    '99',
    'Nov',
    '1994',
    '94',
    '08:49:37',
    '24:61:61',
    'GMT',
    '',
  );
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 10 }), (pieces) => {
      const result = parseHttpDate(pieces.join(''));
      return result === undefined || Number.isFinite(result);
    }),
    { numRuns: 2000 },
  );
  t.pass();
});

// parseHttpDateStrict: RFC 9110 §5.6.7's grammar only, for Expires in cacheControl mode (issue 16 point 2).
const STRICT_ROWS: readonly [input: string, expected: number | undefined][] = [
  ['Sun, 06 Nov 1994 08:49:37 GMT', 784111777000],
  ['Sunday, 06-Nov-94 08:49:37 GMT', 784111777000],
  ['Sun Nov  6 08:49:37 1994', 784111777000],
  ['Sun, 06-Nov-94 08:49:37 GMT', undefined],
  ['Sun, 06-Nov-1994 08:49:37 GMT', undefined],
  ['Sun, 06 Nov 94 08:49:37 GMT', undefined],
  ['Sun, 6 Nov 1994 08:49:37 GMT', undefined],
  ['Sunday, 06 Nov 1994 08:49:37 GMT', undefined],
  ['0', undefined],
];
for (const [input, expected] of STRICT_ROWS) {
  test(`parseHttpDateStrict(${JSON.stringify(input)}) is ${String(expected)}`, (t) => {
    t.is(parseHttpDateStrict(input), expected);
  });
}
