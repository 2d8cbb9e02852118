/**
 * The engine's store operations of more than one step, through the store wrapper: reading a request's
 * variant (Vary), invalidating after unsafe requests, freshening from HEAD. The decisions are the pure
 * functions they call.
 * @module
 */

import { openBackend } from './backends.js';
import type { CacheRequest, RequestContext } from './contract.js';
import { decideHeadUpdate } from './decision.js';
import type { CacheEntry } from './entry.js';
import { invalidationTargets } from './entry-builder.js';
import { type ReqcacheError, toStoreError } from './errors.js';
import type { ResponseHeaders } from './headers.js';
import { type KeyRequest, normalizeUrl } from './key.js';
import type { NormalizedOptions } from './options.js';
import type { ForwardReason } from './reason.js';
import { redactUrl } from './redact.js';
import type { Serializer } from './serializer.js';
import { HttpCache, type StoreRecovery } from './store.js';
import { checkVary, mergeNames, varyNames } from './vary.js';

/**
 * Removes the stored GET and HEAD responses for the request's target URI and its same-origin
 * `Location` / `Content-Location` targets, with the variant this request's headers select — and, when
 * a stored response has `Vary`, every variant of those URIs (found by URL: only then, so most
 * invalidations cost a few key reads). Returns the keys removed.
 */
export async function removeInvalidated(
  cache: HttpCache,
  keyOf: (request: KeyRequest) => string,
  ignoredParameters: readonly string[],
  request: Pick<CacheRequest, 'url' | 'headers'>,
  responseHeaders: Readonly<ResponseHeaders>,
): Promise<string[]> {
  const targets = invalidationTargets(request.url, responseHeaders);
  const keys = new Set<string>();
  let varied = false;
  for (const url of targets) {
    for (const method of ['GET', 'HEAD']) {
      const key = keyOf({ method, url, headers: request.headers });
      const stored = await cache.read(key);
      if (stored === undefined) continue;
      keys.add(key);
      keys.add(stored.key);
      if (varyNames(stored.entry.headers) !== undefined) varied = true;
    }
  }
  if (varied) {
    const wanted = new Set(
      targets.map((url) => normalizeUrl(redactUrl(url, ignoredParameters), ignoredParameters)),
    );
    for await (const [key, stored] of cache.responses.entries()) {
      const method = stored.request.method.toUpperCase();
      if (
        (method === 'GET' || method === 'HEAD') &&
        wanted.has(normalizeUrl(stored.request.url, ignoredParameters))
      )
        keys.add(key);
    }
  }
  if (keys.size === 0) return [];
  await cache.delete({ keys: [...keys] });
  return [...keys];
}

/**
 * RFC 9111 §4.3.5 (cacheControl mode): a 200 answer to HEAD updates the stored GET response under `key`
 * as {@link decideHeadUpdate} says.
 */
export async function updateFromHead(
  cache: HttpCache,
  key: string,
  ctx: RequestContext,
  headHeaders: Readonly<ResponseHeaders>,
  nowMs: number,
): Promise<void> {
  const stored = await cache.read(key);
  if (stored === undefined) return;
  const updated = decideHeadUpdate(ctx, stored.entry, headHeaders, nowMs);
  if (updated !== undefined) await cache.write(stored.key, updated);
}

/**
 * Reads the stored response for the request, following `Vary` (RFC 9111 §4.1): when the primary
 * entry's varied headers do not match, the variant under a secondary key is read — and must match too
 * (a request without any varied header gets the primary key back, where another user's variant may be
 * stored). `Vary: *` never matches. Sets `ctx.key` and `ctx.varyNames` to the variant's.
 */
export async function readVariant(
  cache: HttpCache,
  keyOf: (request: KeyRequest, matchHeaders: readonly string[] | true) => string,
  ctx: RequestContext,
): Promise<{ stored: { entry: CacheEntry; key: string } | undefined; missing: ForwardReason }> {
  const { request, settings } = ctx;
  const matches = (entry: CacheEntry) =>
    checkVary(entry.headers, entry.request.headers, request.headers, settings.ignoredParameters);
  const stored = await cache.read(ctx.key);
  if (stored === undefined) return { stored, missing: 'miss' };
  const vary = matches(stored.entry);
  if (vary.match) return { stored, missing: 'miss' };
  if ('never' in vary) return { stored: undefined, missing: 'vary-mismatch' };
  ctx.varyNames = mergeNames(vary.names, settings.matchHeaders);
  ctx.key = keyOf(request, ctx.varyNames);
  const variant = await cache.read(ctx.key);
  if (variant === undefined || !matches(variant.entry).match)
    return { stored: undefined, missing: 'vary-mismatch' };
  return { stored: variant, missing: 'vary-mismatch' };
}

/** What the engine hands {@link openCache}: how to key, report and schedule retention. */
export interface CacheHooks {
  createKey: (request: KeyRequest) => string;
  report: (error: ReqcacheError) => void;
  ttlFor: (entry: CacheEntry, nowMs: number) => number | undefined;
  recovered: (recovery: StoreRecovery) => void;
}

/**
 * Opens the backend the options name and the store wrapper over it. Store errors go through the
 * wrapper's health (reported once when the store goes down, not once per failed call); entries a store
 * refuses (too large for it) are reported without taking the store down.
 */
export function openCache(
  normalized: NormalizedOptions,
  serializer: Serializer,
  explicitBackend: boolean,
  hooks: CacheHooks,
): { cache: HttpCache; backendName: string } {
  const opened = openBackend(
    normalized.backend,
    normalized.cacheName,
    normalized.backendOptions,
    explicitBackend,
    normalized.bounds,
  );
  const settings = normalized.settings;
  const cache = new HttpCache({
    keyv: opened.keyv,
    serializer,
    clock: normalized.clock,
    ...hooks,
    autoclose: () => settings.autoclose,
    // requests-cache's memory backend stores objects as they are: no serializing on a miss, no decoding.
    keepsEntries: opened.name === 'memory' && normalized.serializer === 'json',
  });
  opened.keyv.on('error', (error: unknown) => cache.storeFailed(toStoreError(error)));
  opened.onRefused?.((error) => hooks.report(error));
  const where = opened.path ?? opened.location;
  return { cache, backendName: where === undefined ? opened.name : `${opened.name} (${where})` };
}
