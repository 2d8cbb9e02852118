/** The URL a served stored response reports (stored URLs are redacted; redirects report their target). */
import test from 'ava';
import { type EntryLocation, entryLocation } from '../src/entry-location.js';
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
