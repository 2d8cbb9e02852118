/**
 * Keyv's record format, as this store reads and writes it. The store packages depend on nothing of
 * reqcache's (core loads them by name, so a dependency on core would be a cycle): the few lines of
 * Keyv's format and reqcache's alias marker are kept here, beside the store that uses them.
 * @module
 */

/**
 * What reqcache's own stores receive from Keyv: the JSON text of `{value, expires}`, where `value` is
 * the serialized entry (or a redirect alias) and `expires` the store TTL as epoch milliseconds.
 * @internal
 */
export interface KeyvRecord {
  value: unknown;
  /** Epoch ms after which Keyv treats the value as gone; absent for no TTL. */
  expires?: number | undefined;
}

/**
 * The marker of redirect alias values, as `@reqcache/core`'s `HttpCache` writes them: the stores that keep
 * redirects apart (filesystem index, GridFS collection) recognise them by it.
 * @internal
 */
export const ALIAS_VALUE_PREFIX = '@reqcache/alias:';

/** The start of Keyv's JSON text for an alias value (Keyv writes `value` first). @internal */
export const ALIAS_RECORD_PREFIX = `{"value":${JSON.stringify(ALIAS_VALUE_PREFIX).slice(0, -1)}`;

/** Parses Keyv's JSON text; anything else is a TypeError. @internal */
export function parseKeyvRecord(raw: unknown): KeyvRecord {
  if (typeof raw !== 'string') throw new TypeError(`expected Keyv's JSON text, got ${typeof raw}`);
  const record: unknown = JSON.parse(raw);
  if (typeof record !== 'object' || record === null || !('value' in record))
    throw new TypeError("expected Keyv's {value, expires} record");
  const { value, expires } = record as { value: unknown; expires?: unknown };
  return typeof expires === 'number' ? { value, expires } : { value };
}

/** True when Keyv's JSON text holds a redirect alias. @internal */
export function isAliasRecord(raw: unknown): raw is string {
  return typeof raw === 'string' && raw.startsWith(ALIAS_RECORD_PREFIX);
}

/** True when a record's store TTL has passed. @internal */
export function isExpiredRecord(record: KeyvRecord, nowMs: number): boolean {
  return typeof record.expires === 'number' && record.expires < nowMs;
}
