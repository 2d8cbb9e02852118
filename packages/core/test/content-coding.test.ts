/** Content codings undone as Node clients undo them (RFC 9110 §8.4.1), unknown ones kept, corrupt ones refused. */
import * as zlib from 'node:zlib';
import test from 'ava';
import { decodeContentCoding } from '../src/content-coding.js';

const TEXT = Buffer.from('{"ok":true}');
const GARBAGE = Buffer.from('not coded at all');

const ROWS: readonly [
  name: string,
  coding: string | undefined,
  input: Uint8Array,
  expected: Uint8Array | undefined,
][] = [
  ['no Content-Encoding: as sent', undefined, TEXT, TEXT],
  ['empty: as sent', '', TEXT, TEXT],
  ['identity: as sent', 'identity', TEXT, TEXT],
  ['gzip: decoded', 'gzip', zlib.gzipSync(TEXT), TEXT],
  ['x-gzip (RFC 9110 §8.4.1.3): decoded', 'x-gzip', zlib.gzipSync(TEXT), TEXT],
  ['case and spaces do not matter', ' GZip ', zlib.gzipSync(TEXT), TEXT],
  ['deflate: decoded', 'deflate', zlib.deflateSync(TEXT), TEXT],
  ['br: decoded', 'br', zlib.brotliCompressSync(TEXT), TEXT],
  ['a coding Node clients do not decode (zstd): as sent', 'zstd', GARBAGE, GARBAGE],
  ['corrupt gzip: undefined (cannot be stored)', 'gzip', GARBAGE, undefined],
  ['corrupt br: undefined', 'br', GARBAGE, undefined],
];

for (const [name, coding, input, expected] of ROWS) {
  test(`decodeContentCoding: ${name}`, (t) => {
    const decoded = decodeContentCoding(input, coding);
    t.deepEqual(decoded === undefined ? undefined : Buffer.from(decoded), expected && Buffer.from(expected));
  });
}
