import { type CacheEntry, ENTRY_VERSION } from '../../src/entry.js';

/** A fixed instant on a whole second, for tests that need "now". */
export const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);

const utf8 = new TextEncoder();

/** A stored entry for tests: a 200 JSON response to `GET url`, created at {@link T0}, never expiring. */
export function makeEntry(overrides: Partial<CacheEntry> = {}, url = 'https://example.com/get'): CacheEntry {
  return {
    v: ENTRY_VERSION,
    status: 200,
    statusText: 'OK',
    headers: { 'content-type': 'application/json', 'content-length': '11' },
    body: utf8.encode('{"ok":true}'),
    url,
    request: { method: 'GET', url, headers: { accept: 'application/json' } },
    history: [],
    createdAt: T0,
    expiresAt: null,
    requestedAt: T0,
    receivedAt: T0,
    ...overrides,
  };
}
