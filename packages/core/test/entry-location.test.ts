/** The URL a served stored response reports (stored URLs are redacted; redirects report their target). */
import test from 'ava';
import { type EntryLocation, entryLocation, restoreParameters } from '../src/entry-location.js';
import { makeEntry } from './helpers/entry.js';

const ASKED = 'https://example.com/get?api_key=secret&q=1';
const REDACTED = 'https://example.com/get?api_key=REDACTED&q=1';
const TARGET = 'https://example.com/final';

const ROWS: readonly [name: string, storedUrl: string, storedRequestUrl: string, expected: EntryLocation][] =
  [
    ['not redirected: the URL asked for', ASKED, ASKED, { url: ASKED, redirected: false }],
    [
      'not redirected, redacted: the URL asked for, not REDACTED',
      REDACTED,
      REDACTED,
      { url: ASKED, redirected: false },
    ],
    ['no stored URL: the URL asked for', '', REDACTED, { url: ASKED, redirected: false }],
    ['redirected: the final URL', TARGET, REDACTED, { url: TARGET, redirected: true }],
    [
      "redirected with the key carried along: the final URL with this request's key, not REDACTED",
      `${TARGET}?api_key=REDACTED&x=1`,
      REDACTED,
      { url: `${TARGET}?api_key=secret&x=1`, redirected: true },
    ],
    [
      'the redirect target asked for directly (a redirect hop found it): the URL asked for',
      REDACTED,
      'https://example.com/start',
      { url: ASKED, redirected: false },
    ],
  ];
for (const [name, url, requestUrl, expected] of ROWS) {
  test(`entryLocation: ${name}`, (t) => {
    const entry = makeEntry({ url, request: { method: 'GET', url: requestUrl, headers: {} } });
    t.deepEqual(entryLocation(entry, ASKED, ['api_key']), expected);
  });
}

const RESTORE_ROWS: readonly [name: string, url: string, requestUrl: string, expected: string][] = [
  ['nothing redacted: as it is', `${TARGET}?a=1`, ASKED, `${TARGET}?a=1`],
  [
    'the request has the name: its raw value',
    `${TARGET}?API_KEY=REDACTED#f`,
    'https://e.x/?api_key=a%20b',
    `${TARGET}?API_KEY=a%20b#f`,
  ],
  [
    'the request lacks it: REDACTED stays',
    `${TARGET}?api_key=REDACTED`,
    'https://e.x/?q=1',
    `${TARGET}?api_key=REDACTED`,
  ],
  [
    'a name that is not ignored keeps a literal REDACTED',
    `${TARGET}?note=REDACTED`,
    'https://e.x/?note=x',
    `${TARGET}?note=REDACTED`,
  ],
  [
    'repeated names, in order',
    `${TARGET}?api_key=REDACTED&api_key=REDACTED`,
    'https://e.x/?api_key=1&api_key=2',
    `${TARGET}?api_key=1&api_key=2`,
  ],
];
for (const [name, url, requestUrl, expected] of RESTORE_ROWS) {
  test(`restoreParameters: ${name}`, (t) => {
    t.is(restoreParameters(url, requestUrl, ['api_key']), expected);
  });
}
