/**
 * Tamper evidence for stored entries: a serializer stage that signs what the previous stages produced
 * with HMAC-SHA256 and checks the signature on read (constant-time), with key rotation.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidOptionError, ReqcacheError } from './errors.js';
import { entryStage, jsonStage, type Serializer, SerializerPipeline, type Stage } from './serializer.js';

/** A signing key: a string (its UTF-8 bytes) or bytes. */
export type SigningKey = string | Uint8Array;

/** Options of {@link signingStage}. */
export interface SigningOptions {
  /** The key new entries are signed with. Keep it secret; at least 32 random bytes is a good choice. */
  secretKey: SigningKey;
  /**
   * Keys that older entries may be signed with: still accepted on read (key rotation). New entries are
   * always signed with `secretKey`.
   * @default []
   */
  previousKeys?: readonly SigningKey[];
}

/** The version prefix of a signed value: `s1.` + signature + `.` + payload. */
const PREFIX = 's1.';
const PREFIX_BYTES = Buffer.from(PREFIX, 'latin1');
/** HMAC-SHA256: 32 bytes, 43 characters of unpadded base64url. */
const MAC_BYTES = 32;
const MAC_CHARS = 43;

function checkKey(option: string, key: unknown): Buffer {
  if (typeof key === 'string' && key.length > 0) return Buffer.from(key, 'utf8');
  if (key instanceof Uint8Array && key.byteLength > 0) return Buffer.from(key);
  throw new InvalidOptionError(option, key, 'a non-empty string or Uint8Array');
}

function mac(key: Buffer, payload: Uint8Array | string): Buffer {
  return createHmac('sha256', key).update(payload).digest();
}

function mismatch(): never {
  throw new ReqcacheError(
    'ERR_CACHE_DESERIALIZE',
    'Stored entry rejected: the signature did not match (the entry was modified, or signed with a key that is neither secretKey nor in previousKeys)',
  );
}

/**
 * A serializer stage that signs with HMAC-SHA256. It takes the output of the previous stage (a string,
 * such as JSON text, or bytes) and returns the same kind: `s1.<base64url signature>.<text>` for a string,
 * `s1.` + 32 signature bytes + the bytes for bytes. On read, the signature is checked in constant time
 * against `secretKey` and then each of `previousKeys`; an unsigned or modified value throws
 * `ERR_CACHE_DESERIALIZE` ("the signature did not match"), which the cache reports and treats as a miss.
 *
 * Signing proves an entry was written by someone holding a key; it does not encrypt (the entry stays
 * readable in the store).
 *
 * @example
 * const serializer = new SerializerPipeline(
 *   [entryStage, jsonStage, signingStage({ secretKey: process.env.CACHE_KEY!, previousKeys: [oldKey] })],
 *   'json+signed',
 * );
 */
export function signingStage(options: SigningOptions): Stage<string | Uint8Array, string | Uint8Array> {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('signingStage', options, 'an object with secretKey');
  }
  const current = checkKey('secretKey', options.secretKey);
  const previous = options.previousKeys ?? [];
  if (!Array.isArray(previous)) {
    throw new InvalidOptionError('previousKeys', previous, 'an array of keys');
  }
  const keys = [current, ...previous.map((key, i) => checkKey(`previousKeys[${i}]`, key))];

  const verify = (signature: Uint8Array, payload: Uint8Array | string): void => {
    if (signature.byteLength !== MAC_BYTES) mismatch();
    let valid = false;
    // Every key is tried (no early exit), each comparison in constant time.
    for (const key of keys) {
      if (timingSafeEqual(mac(key, payload), signature)) valid = true;
    }
    if (!valid) mismatch();
  };

  return {
    name: 'signed',
    dumps(value) {
      if (typeof value === 'string') {
        return `${PREFIX}${mac(current, value).toString('base64url')}.${value}`;
      }
      if (value instanceof Uint8Array) {
        return Buffer.concat([PREFIX_BYTES, mac(current, value), value]);
      }
      throw new TypeError(`signingStage signs strings or bytes, got ${typeof value}`);
    },
    loads(value) {
      if (typeof value === 'string') {
        if (!value.startsWith(PREFIX) || value.charAt(PREFIX.length + MAC_CHARS) !== '.') {
          throw new ReqcacheError(
            'ERR_CACHE_DESERIALIZE',
            'Stored entry rejected: it is not signed (the signature did not match)',
          );
        }
        const encoded = value.slice(PREFIX.length, PREFIX.length + MAC_CHARS);
        const payload = value.slice(PREFIX.length + MAC_CHARS + 1);
        verify(Buffer.from(encoded, 'base64url'), payload);
        return payload;
      }
      if (value instanceof Uint8Array) {
        const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
        if (
          bytes.byteLength < PREFIX_BYTES.byteLength + MAC_BYTES ||
          !bytes.subarray(0, 3).equals(PREFIX_BYTES)
        ) {
          throw new ReqcacheError(
            'ERR_CACHE_DESERIALIZE',
            'Stored entry rejected: it is not signed (the signature did not match)',
          );
        }
        const signature = bytes.subarray(PREFIX_BYTES.byteLength, PREFIX_BYTES.byteLength + MAC_BYTES);
        const payload = new Uint8Array(bytes.subarray(PREFIX_BYTES.byteLength + MAC_BYTES));
        verify(signature, payload);
        return payload;
      }
      throw new ReqcacheError(
        'ERR_CACHE_DESERIALIZE',
        `Stored entry rejected: expected a signed string or bytes, got ${typeof value}`,
      );
    },
  };
}

/**
 * The default JSON serializer with a signature: `new SerializerPipeline([entryStage, jsonStage,
 * signingStage({secretKey, previousKeys})], 'json+signed')`. Its name (part of every key) does not
 * depend on the keys, so rotating keys keeps keys.
 *
 * @example new CacheEngine({ serializer: signedSerializer(process.env.CACHE_KEY!) })
 */
export function signedSerializer(
  secretKey: SigningKey,
  previousKeys: readonly SigningKey[] = [],
): Serializer {
  return new SerializerPipeline(
    [entryStage, jsonStage, signingStage({ secretKey, previousKeys })],
    'json+signed',
  );
}
