/**
 * Where a served stored response says it came from: the URL a client reports on a hit (fetch's
 * `response.url`, got's `response.url`, axios's `request.res.responseUrl`).
 * @module
 */
import type { CacheEntry } from './entry.js';
import { decodeFormComponent } from './key-names.js';
import { REDACTED, redactUrl } from './redact.js';

/** The URL a served stored response reports, and whether it was reached through redirects. */
export interface EntryLocation {
  url: string;
  redirected: boolean;
}

/**
 * The URL a stored response served for `requestUrl` reports. Stored URLs have `ignoredParameters`
 * redacted (requests-cache stores `REDACTED` in their place), so the URL asked for is reported whenever
 * the stored response was not redirected, or when it is the redirect target asked for directly; a
 * redirected response reports its final URL (RFC 9110 §15.4: the response is the target's, not the
 * request URL's), with {@link restoreParameters} putting back what this request gave.
 * @example entryLocation(entry, 'https://api.example.com/a?key=1', ['key']).url // 'https://api.example.com/a?key=1'
 */
export function entryLocation(
  entry: Pick<CacheEntry, 'url' | 'request'>,
  requestUrl: string,
  ignoredParameters: readonly string[],
): EntryLocation {
  if (entry.url === entry.request.url || entry.url === '') return { url: requestUrl, redirected: false };
  if (entry.url === redactUrl(requestUrl, ignoredParameters)) return { url: requestUrl, redirected: false };
  return { url: restoreParameters(entry.url, requestUrl, ignoredParameters), redirected: true };
}

/**
 * `url` (a stored redirect target or hop) with each redacted query parameter given this request's own
 * value of that name, when the request has one: redirects usually carry an `api_key` along, and a
 * literal `REDACTED` in a URL a client follows would be sent as is. Parameters the request does not
 * have stay `REDACTED` (their value was never this request's to know).
 * @example restoreParameters('https://b.example/x?api_key=REDACTED', 'https://a.example/?api_key=k', ['api_key'])
 * // 'https://b.example/x?api_key=k'
 */
export function restoreParameters(
  url: string,
  requestUrl: string,
  ignoredParameters: readonly string[],
): string {
  const query = url.indexOf('?');
  if (query === -1 || !url.includes(`=${REDACTED}`)) return url;
  const given = queryValues(requestUrl, ignoredParameters);
  if (given.size === 0) return url;
  const hash = url.indexOf('#', query);
  const end = hash === -1 ? url.length : hash;
  const pairs = url.slice(query + 1, end).split('&');
  for (const [index, pair] of pairs.entries()) {
    const eq = pair.indexOf('=');
    if (eq === -1 || pair.slice(eq + 1) !== REDACTED) continue;
    // Repeated names take the request's values in order.
    const value = given.get(decodeFormComponent(pair.slice(0, eq)).toLowerCase())?.shift();
    if (value !== undefined) pairs[index] = `${pair.slice(0, eq + 1)}${value}`;
  }
  return `${url.slice(0, query + 1)}${pairs.join('&')}${url.slice(end)}`;
}

/** The raw (still encoded) values of `requestUrl`'s ignored query parameters, by lower-case decoded name. */
function queryValues(requestUrl: string, ignoredParameters: readonly string[]): Map<string, string[]> {
  const ignored = new Set(ignoredParameters.map((name) => name.toLowerCase()));
  const values = new Map<string, string[]>();
  const query = requestUrl.indexOf('?');
  if (query === -1) return values;
  const hash = requestUrl.indexOf('#', query);
  for (const pair of requestUrl.slice(query + 1, hash === -1 ? undefined : hash).split('&')) {
    const eq = pair.indexOf('=');
    const name = eq === -1 ? '' : decodeFormComponent(pair.slice(0, eq)).toLowerCase();
    if (!ignored.has(name)) continue;
    const list = values.get(name);
    if (list === undefined) values.set(name, [pair.slice(eq + 1)]);
    else list.push(pair.slice(eq + 1));
  }
  return values;
}
