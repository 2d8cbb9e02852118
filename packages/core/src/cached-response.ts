import {
  type CacheEntry,
  describeResponse,
  isEntryExpired,
  type RedirectHop,
  type StoredRequest,
} from './entry.js';
import type { ReqcacheError } from './errors.js';
import type { ResponseHeaders } from './headers.js';

/**
 * A stored response as the maintenance API shows it (`cache.filter()`, `cache.values()`,
 * `cache.responses.get()`), with requests-cache's attributes.
 */
export class CachedResponse {
  readonly cacheKey: string;
  readonly status: number;
  readonly statusText: string;
  readonly url: string;
  readonly headers: ResponseHeaders;
  readonly body: Uint8Array;
  readonly request: StoredRequest;
  readonly history: readonly RedirectHop[];
  readonly createdAt: Date;
  readonly expires: Date | null;
  readonly isExpired: boolean;
  readonly invalid = false as const;
  /** The stored entry itself. */
  readonly entry: CacheEntry;

  constructor(cacheKey: string, entry: CacheEntry, nowMs: number) {
    this.cacheKey = cacheKey;
    this.entry = entry;
    this.status = entry.status;
    this.statusText = entry.statusText;
    this.url = entry.url;
    this.headers = entry.headers;
    this.body = entry.body;
    this.request = entry.request;
    this.history = entry.history;
    this.createdAt = new Date(entry.createdAt);
    this.expires = entry.expiresAt === null ? null : new Date(entry.expiresAt);
    this.isExpired = isEntryExpired(entry, nowMs);
  }

  /** Body size in bytes. */
  get size(): number {
    return this.body.byteLength;
  }

  /** The body decoded as UTF-8 text. */
  text(): string {
    return new TextDecoder().decode(this.body);
  }

  toString(): string {
    return describeResponse({
      method: this.request.method,
      url: this.url,
      status: this.status,
      size: this.size,
      createdAt: this.createdAt,
      expires: this.expires,
      isExpired: this.isExpired,
      fromCache: true,
    });
  }
}

/** A stored value that could not be decoded (corrupt, tampered, or of an unknown format version). */
export interface InvalidCachedResponse {
  readonly cacheKey: string;
  readonly invalid: true;
  readonly error: ReqcacheError;
}
