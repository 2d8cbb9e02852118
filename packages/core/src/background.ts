/**
 * Background (stale-while-revalidate) refreshes: the stale response is served at once while this
 * refreshes it — one per key in the process (the engine's map) and, under `coalesce: 'store'`, one per
 * key across the processes sharing the backend (its lease).
 * @module
 */
import type { CacheEvents, Lookup, NetworkResponse, Outcome, Send } from './contract.js';
import { ReqcacheError } from './errors.js';
import { type LeaseContext, refreshLease } from './lease.js';
import { redactUrl } from './redact.js';
import type { CacheSettings } from './settings.js';
import type { HttpCache } from './store.js';

/** The engine's part in a refresh: its answer handling, events and reports. */
interface RefreshHost {
  readonly settings: CacheSettings;
  readonly cache: HttpCache;
  handleResponse<R>(
    lookup: Lookup,
    response: NetworkResponse<R>,
    resend?: () => Promise<NetworkResponse<R>>,
  ): Promise<Outcome<R>>;
  report(error: ReqcacheError): void;
  emit<K extends keyof CacheEvents>(event: K, ...args: CacheEvents[K]): boolean;
}

/**
 * Refreshes a stale stored response: sends its conditional request and hands the answer to
 * `handleResponse` (a 304 freshens it, new content replaces it). Ends with a `background` event; a
 * failure is reported, never thrown. Skipped when another process holds the key's lease (it refreshes).
 */
export async function revalidateInBackground<R>(
  engine: RefreshHost,
  lookup: Extract<Lookup, { state: 'stale' }>,
  send: Send<R>,
  lease: LeaseContext | undefined,
): Promise<void> {
  const { key } = lookup;
  const url = lookup.ctx.request.url;
  // While the store is down (skipped), so are its leases: this process refreshes on its own.
  const shared = lease !== undefined && !engine.cache.storeDown ? lease : undefined;
  const release =
    shared === undefined ? undefined : await refreshLease(shared, shared.ctx.settings.coalesceLeaseMs);
  if (shared !== undefined && release === undefined) return;
  const revalidate: Lookup = { ...lookup, state: 'revalidate', reason: 'expired' };
  try {
    const response = await send(lookup.headers, false);
    const outcome = await engine.handleResponse(revalidate, response, () => send(undefined, false));
    if (outcome.source === 'network' && outcome.body === undefined) outcome.response.discard?.();
    engine.emit('background', { key, url, ok: true, status: response.status });
  } catch (error) {
    const where = redactUrl(url, engine.settings.parsed.ignoredParameters);
    const failure = new ReqcacheError('ERR_REVALIDATION', `Background revalidation of ${where} failed`, {
      cause: error,
      key,
    });
    engine.report(failure);
    engine.emit('background', { key, url, ok: false, error: failure });
  } finally {
    await release?.();
  }
}
