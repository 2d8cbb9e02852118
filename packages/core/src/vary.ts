import { getHeader, type ResponseHeaders } from './headers.js';
import { normalizeHeaders } from './key.js';

/** The outcome of checking a stored response's `Vary` against a new request. */
export type VaryCheck =
  | { match: true }
  /** The request differs in a varied header: look for (or store) a variant under a secondary key. */
  | { match: false; names: readonly string[] }
  /** `Vary: *`, or a varied credential header: never served from the cache (RFC 9111 §4.1). */
  | { match: false; never: true };

/** The header names in a response's `Vary` (lower-case), `'*'`, or undefined when there is none. */
export function varyNames(headers: Readonly<ResponseHeaders>): readonly string[] | '*' | undefined {
  const vary = getHeader(headers, 'vary');
  if (vary === undefined) return undefined;
  const names: string[] = [];
  for (const part of vary.split(',')) {
    const name = part.trim().toLowerCase();
    if (name === '*') return '*';
    if (name !== '' && !names.includes(name)) names.push(name);
  }
  return names.length === 0 ? undefined : names.sort();
}

/**
 * RFC 9111 §4.1: a stored response matches a new request only when every header it varies on has the
 * same normalized value in both requests (case, whitespace and order of list values aside). A varied
 * header that is also an ignored parameter never matches when the request carries it, so one user's
 * response is never served to another (requests-cache 1.3.2).
 */
export function checkVary(
  responseHeaders: Readonly<ResponseHeaders>,
  storedRequestHeaders: Readonly<Record<string, string>>,
  requestHeaders: Readonly<Record<string, string>>,
  ignoredParameters: readonly string[],
): VaryCheck {
  const names = varyNames(responseHeaders);
  if (names === undefined) return { match: true };
  if (names === '*') return { match: false, never: true };
  for (const name of names) {
    if (
      requestHeaders[name] !== undefined &&
      ignoredParameters.some((ignored) => ignored.toLowerCase() === name)
    ) {
      return { match: false, never: true };
    }
  }
  const stored = normalizeHeaders(storedRequestHeaders, names, ignoredParameters);
  const current = normalizeHeaders(requestHeaders, names, ignoredParameters);
  return stored === current ? { match: true } : { match: false, names };
}

/** The headers a variant's secondary key matches: the stored response's `Vary` names plus `matchHeaders`. */
export function mergeNames(
  names: readonly string[],
  matchHeaders: boolean | readonly string[],
): readonly string[] | true {
  if (matchHeaders === true) return true;
  if (matchHeaders === false) return names;
  return [...new Set([...names, ...matchHeaders])].sort();
}
