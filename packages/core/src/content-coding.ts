/**
 * Content codings (RFC 9110 §8.4.1) undone the way Node HTTP clients undo them (got's
 * decompress-response, axios's http adapter), for adapters that keep their own copy of a body the
 * client decodes as it streams it.
 * @module
 */
import * as zlib from 'node:zlib';

/**
 * The body as a decoding Node client hands it to its caller: `gzip` (`x-gzip`), `deflate` and `br`
 * undone; no coding or `identity` and codings such clients do not decode either left as sent (stored
 * with their `Content-Encoding`, see `storedHeaders`); undefined when the coded bytes are corrupt (such
 * a body cannot be stored).
 * @example decodeContentCoding(zlib.gzipSync('hi'), 'gzip') // the bytes of 'hi'
 */
export function decodeContentCoding(
  bytes: Uint8Array,
  contentEncoding: string | undefined,
): Uint8Array | undefined {
  try {
    switch (contentEncoding?.trim().toLowerCase()) {
      case 'gzip':
      case 'x-gzip':
        return zlib.gunzipSync(bytes);
      case 'deflate':
        return zlib.inflateSync(bytes);
      case 'br':
        return zlib.brotliDecompressSync(bytes);
      default:
        return bytes;
    }
  } catch {
    return undefined;
  }
}
