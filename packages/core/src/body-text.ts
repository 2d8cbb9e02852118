/**
 * A body's bytes as text, the way Node clients decode it: UTF-8 by default, its byte order mark
 * stripped (as axios and got do), or any encoding Node's Buffer knows.
 * @module
 */
import { Buffer } from 'node:buffer';

/** The UTF-8 text of shared stored bodies (the cache's own bytes, never changed), decoded once. */
const utf8Texts = new WeakMap<Uint8Array, string>();

/**
 * The text of `bytes` in `encoding` (a Node encoding name; `utf8` when undefined). UTF-8 text loses a
 * leading byte order mark. With `shared` (a stored entry's bytes, served many times and never changed)
 * the UTF-8 text is decoded once and remembered.
 * @example bodyText(new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69])) // 'hi'
 */
export function bodyText(bytes: Uint8Array, encoding?: string, shared = false): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (encoding !== undefined && encoding !== 'utf8' && encoding !== 'utf-8') {
    return buffer.toString(encoding as BufferEncoding);
  }
  const known = utf8Texts.get(bytes);
  if (known !== undefined) return known;
  const decoded = buffer.toString('utf8');
  const text = decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
  if (shared) utf8Texts.set(bytes, text);
  return text;
}
