/**
 * Range requests answered from a stored complete response (RFC 9110 §14; RFC 9111 §3.3, §4): a single
 * byte range of a fresh stored `200` is served as `206 Partial Content`, an unsatisfiable one as `416`.
 * Pure. Stored partial responses are never combined (a `206` from the origin is not stored).
 * @module
 */
import type { CacheEntry } from './entry.js';
import { getHeader } from './headers.js';

/** What a `Range` header asks of a representation of `length` bytes. */
export type ByteRange =
  /** No usable range: answer with the whole representation (RFC 9110 §14.2 lets a server ignore it). */
  | { kind: 'full' }
  /** One satisfiable range, inclusive bounds (RFC 9110 §14.1.2). */
  | { kind: 'partial'; start: number; end: number }
  /** Every range starts past the end, or a zero-length suffix (RFC 9110 §15.5.17). */
  | { kind: 'unsatisfiable' };

const BYTE_RANGE = /^(\d*)-(\d*)$/;

/**
 * Parses `Range: bytes=…` for a representation of `length` bytes (RFC 9110 §14.1.2): `first-last`,
 * open `first-` and suffix `-n` ranges. A header that is absent or invalid, another unit, or several
 * ranges (a multipart answer is not built) → `full`; a first position at or past the end, or a suffix
 * of 0 → `unsatisfiable`; a last position past the end is clamped.
 *
 * @example
 * parseByteRange('bytes=0-9', 100); // { kind: 'partial', start: 0, end: 9 }
 * parseByteRange('bytes=-10', 100); // { kind: 'partial', start: 90, end: 99 }
 * parseByteRange('bytes=200-', 100); // { kind: 'unsatisfiable' }
 */
export function parseByteRange(header: string | undefined, length: number): ByteRange {
  if (header === undefined) return { kind: 'full' };
  const match = /^\s*bytes\s*=\s*(.*?)\s*$/i.exec(header);
  if (match === null || match[1]!.includes(',')) return { kind: 'full' };
  const spec = BYTE_RANGE.exec(match[1]!);
  if (spec === null) return { kind: 'full' };
  const [, first = '', last = ''] = spec;
  if (first === '' && last === '') return { kind: 'full' };
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || length === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, length - suffix), end: length - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return { kind: 'full' };
  if (start >= length) return { kind: 'unsatisfiable' };
  const end = last === '' ? length - 1 : Math.min(Number(last), length - 1);
  return { kind: 'partial', start, end };
}

/**
 * RFC 9110 §13.1.5: an `If-Range` validator lets the range apply only when it matches the stored
 * response — a strong `ETag` compared strongly, or its exact `Last-Modified`. Absent → applies.
 */
export function ifRangeMatches(ifRange: string | undefined, entry: Pick<CacheEntry, 'headers'>): boolean {
  if (ifRange === undefined) return true;
  const value = ifRange.trim();
  if (value.startsWith('"')) {
    const etag = getHeader(entry.headers, 'etag')?.trim();
    return etag !== undefined && etag === value;
  }
  return value === getHeader(entry.headers, 'last-modified')?.trim();
}

/**
 * The answer to a `GET` carrying `Range` from a fresh stored response (cacheControl mode), or undefined
 * when the whole stored response is the answer: no `Range`, a stored status other than `200`, an
 * `If-Range` that does not match, or a range {@link parseByteRange} answers in full. Otherwise a copy:
 * `206 Partial Content` with `Content-Range: bytes first-last/length` and the slice of the body
 * ({@link sliceBody}), or `416 Range Not Satisfiable` with `Content-Range: bytes *\/length` and no body.
 */
export function rangeAnswer(
  request: { method: string; headers: Readonly<Record<string, string>> },
  entry: CacheEntry,
): CacheEntry | undefined {
  if (request.method !== 'GET' || entry.status !== 200) return undefined;
  const range = request.headers['range'];
  if (range === undefined || !ifRangeMatches(request.headers['if-range'], entry)) return undefined;
  const length = entry.body.byteLength;
  const answer = parseByteRange(range, length);
  if (answer.kind === 'full') return undefined;
  const headers = { ...entry.headers };
  if (answer.kind === 'unsatisfiable') {
    headers['content-range'] = `bytes */${length}`;
    headers['content-length'] = '0';
    return { ...entry, status: 416, statusText: 'Range Not Satisfiable', headers, body: new Uint8Array(0) };
  }
  const body = sliceBody(entry.body, answer.start, answer.end);
  headers['content-range'] = `bytes ${answer.start}-${answer.end}/${length}`;
  headers['content-length'] = String(body.byteLength);
  return { ...entry, status: 206, statusText: 'Partial Content', headers, body };
}

/** Bytes `start` to `end` inclusive of `body`, as a view (the stored bytes are never changed). */
export function sliceBody(body: Uint8Array, start: number, end: number): Uint8Array {
  return body.subarray(start, end + 1);
}
