/**
 * Which responses have no body, whatever bytes were stored or received with them.
 * @module
 */

/** The Fetch standard's null body statuses (§2.2.3 "Statuses"): 101, 103, 204, 205 and 304. */
export const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 103, 204, 205, 304]);

/**
 * True when a response to `method` with `status` has a null body: a null body status, or the answer to
 * a HEAD request (RFC 9110 §9.3.2; Fetch §4.1 "main fetch" nulls both).
 */
export function hasNullBody(method: string, status: number): boolean {
  return method === 'HEAD' || NULL_BODY_STATUSES.has(status);
}
