/**
 * Where a served stored response says it came from: the URL a client reports on a hit (fetch's
 * `response.url`, got's `response.url`, axios's `request.res.responseUrl`).
 * @module
 */
import type { CacheEntry } from './entry.js';
import { redactUrl } from './redact.js';

/** The URL a served stored response reports, and whether it was reached through redirects. */
export interface EntryLocation {
  url: string;
  redirected: boolean;
}

/**
 * The URL a stored response served for `requestUrl` reports. Stored URLs have `ignoredParameters`
 * redacted (requests-cache stores `REDACTED` in their place), so the URL asked for is reported whenever
 * the stored response was not redirected, or when it is the redirect target asked for directly; a
 * redirected response reports its final URL, as the client reported it on the miss (RFC 9110 §15.4:
 * the response is the target's, not the request URL's).
 * @example entryLocation(entry, 'https://api.example.com/a?key=1', ['key']).url // 'https://api.example.com/a?key=1'
 */
export function entryLocation(
  entry: Pick<CacheEntry, 'url' | 'request'>,
  requestUrl: string,
  ignoredParameters: readonly string[],
): EntryLocation {
  if (entry.url === entry.request.url || entry.url === '') return { url: requestUrl, redirected: false };
  if (entry.url === redactUrl(requestUrl, ignoredParameters)) return { url: requestUrl, redirected: false };
  return { url: entry.url, redirected: true };
}
