/**
 * Coalescing across processes (`coalesce: 'store'`): the lease contract a backend offers, and what a
 * process does with it before sending a miss or a revalidation — take the key's lease and send, or wait
 * for the lease holder's stored answer, or (on any lease or store failure, or when the wait is over)
 * send its own request. The engine calls {@link acrossProcesses}; the leases themselves live in
 * `lease-stores.ts`.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Keyv } from 'keyv';
import { withCacheStatus } from './cache-status.js';
import { type CacheEvents, type Lookup, type Outcome, type RequestContext, storedInfo } from './contract.js';
import { ReqcacheError } from './errors.js';
import { type LeaseStore, leaseStoreFor } from './lease-stores.js';

export type { LeaseStore };

import { forwardParameter } from './reason.js';
import type { HttpCache } from './store.js';

/** The counters of `stats()` the lease code increments. */
export type LeaseCounter = 'coalescedWaits' | 'leaseTakeovers' | 'leaseFallbacks';

/** What {@link acrossProcesses} needs from the engine. */
export interface LeaseContext {
  leases: LeaseStore;
  ctx: RequestContext;
  /** The lookup again, quietly (no event, no counter): has another process stored the answer? */
  relook: () => Promise<Lookup>;
  /** The engine's clock (for the served answer's ages). */
  clock: () => number;
  count: (counter: LeaseCounter) => void;
  report: (error: ReqcacheError) => void;
  /** Another process's answer is served (the `collapsed` event). */
  collapsed: () => void;
}

/** The engine, as its {@link StoreLeases} use it. */
interface LeaseEngine {
  readonly keyv: Keyv;
  readonly cache: HttpCache;
  readonly clock: () => number;
  report(error: ReqcacheError): void;
  emit<K extends keyof CacheEvents>(event: K, ...args: CacheEvents[K]): boolean;
}

/** What only the engine can do for its {@link StoreLeases}. */
export interface LeaseHost {
  /** Looks a request up again, quietly (no event, no counter). */
  relook: (ctx: RequestContext) => Promise<Lookup>;
  count: LeaseContext['count'];
}

/** The engine's leases: the backend's {@link LeaseStore}, found on first use, and what its requests need of it. */
export class StoreLeases {
  #store: LeaseStore | undefined | null = null;
  readonly #engine: LeaseEngine;
  readonly #host: LeaseHost;

  constructor(engine: LeaseEngine, host: LeaseHost) {
    this.#engine = engine;
    this.#host = host;
  }

  /** What {@link acrossProcesses} needs for a request, or undefined when it does not coalesce through the store. */
  context(ctx: RequestContext): LeaseContext | undefined {
    if (!usesLeases(ctx)) return undefined;
    const engine = this.#engine;
    if (this.#store === null) this.#store = leaseStoreFor(engine.keyv);
    if (this.#store === undefined) return undefined;
    const { relook, count } = this.#host;
    return {
      leases: this.#store,
      ctx,
      relook: () => relook(ctx),
      clock: engine.clock,
      count,
      report: (error) => engine.report(error),
      collapsed: () => engine.emit('collapsed', { key: ctx.key, url: ctx.request.url }),
    };
  }

  /**
   * Under `coalesce: 'store'` (backends with leases), before sending a miss or revalidation: another
   * process's stored answer, this process's lease (release it once the answer is stored), or `own`
   * (send alone: no leases here, or they failed, or the wait ran out).
   */
  flight<R>(ctx: RequestContext): Promise<StoreFlight<R>> {
    const lease = this.context(ctx);
    if (lease === undefined) return Promise.resolve({ kind: 'own' });
    if (this.#engine.cache.storeDown) {
      // The store is skipped while down (see the store wrapper's backoff): so are its leases.
      lease.count('leaseFallbacks');
      return Promise.resolve({ kind: 'own' });
    }
    return acrossProcesses<R>(lease, ctx.settings.coalesceLeaseMs);
  }
}

/**
 * What a process does with a miss or revalidation under `coalesce: 'store'`: serve another process's
 * stored answer (`answered`), send it while holding the key's lease (`lead`, then `release()` once the
 * answer is stored), or send it on its own (`own`: the lease or the store failed, or the wait is over).
 */
export type StoreFlight<R> =
  | { kind: 'answered'; outcome: Outcome<R> }
  | { kind: 'lead'; release: () => Promise<void> }
  | { kind: 'own' };

/** How long a lease operation may take before the store counts as failing (ms). */
const LEASE_OP_TIMEOUT_MS = 2000;
/** The first and the longest pause between two looks at the store while waiting (ms). */
const FIRST_POLL_MS = 10;
const MAX_POLL_MS = 200;

/**
 * The longest a process waits for another's answer: the lease time, plus a margin for the holder's
 * store write and for the poll interval, after which it sends its own request.
 */
export function waitLimitMs(leaseMs: number): number {
  return leaseMs + Math.min(leaseMs, 1000) + MAX_POLL_MS;
}

/**
 * Takes the lease on the request's key, or waits for the holder's stored answer with bounded polling
 * (backoff from {@link FIRST_POLL_MS} to {@link MAX_POLL_MS}), taking the lease over when it lapses
 * without an answer (its holder died, stalled, or got an answer it could not store). Never throws:
 * a failure is reported and the request is sent on its own.
 */
export async function acrossProcesses<R>(lease: LeaseContext, leaseMs: number): Promise<StoreFlight<R>> {
  const { leases, ctx } = lease;
  const key = leaseKey(ctx);
  const token = randomUUID();
  const { signal, timeoutMs } = ctx.request;
  // Never longer than the lease allows, nor than the client's own timeout for the request.
  const limitMs = Math.min(
    waitLimitMs(leaseMs),
    timeoutMs !== undefined && timeoutMs > 0 ? timeoutMs : Infinity,
  );
  const deadlineAt = Date.now() + limitMs;
  let waited = false;
  let pauseMs = FIRST_POLL_MS;
  try {
    for (;;) {
      if (await bounded(leases.acquire(key, token, leaseMs))) {
        // The answer may have landed between this process's lookup and its lease: look once more.
        const again = await answered<R>(lease);
        if (again !== undefined) {
          // A failed release is only reported: the lease lapses by itself, and the answer stands.
          await release(lease, key, token);
          return again;
        }
        if (waited) lease.count('leaseTakeovers');
        return { kind: 'lead', release: () => release(lease, key, token) };
      }
      if (!waited) {
        waited = true;
        lease.count('coalescedWaits');
      }
      const leftMs = deadlineAt - Date.now();
      if (leftMs <= 0 || signal?.aborted === true) {
        lease.count('leaseFallbacks');
        return { kind: 'own' };
      }
      await pause(Math.min(pauseMs, leftMs), signal);
      pauseMs = Math.min(pauseMs * 2, MAX_POLL_MS);
      const landed = await answered<R>(lease);
      if (landed !== undefined) return landed;
    }
  } catch (error) {
    lease.count('leaseFallbacks');
    lease.report(leaseError(ctx, error));
    return { kind: 'own' };
  }
}

/**
 * For a background (stale-while-revalidate) refresh: the lease's release when this process may refresh
 * the key, undefined when another process is refreshing it now. A failing store lets it refresh.
 */
export async function refreshLease(
  lease: Pick<LeaseContext, 'leases' | 'ctx' | 'count' | 'report'>,
  leaseMs: number,
): Promise<(() => Promise<void>) | undefined> {
  const key = leaseKey(lease.ctx);
  const token = randomUUID();
  try {
    if (!(await bounded(lease.leases.acquire(key, token, leaseMs)))) {
      lease.count('coalescedWaits');
      return undefined;
    }
  } catch (error) {
    lease.count('leaseFallbacks');
    lease.report(leaseError(lease.ctx, error));
  }
  return () => release(lease, key, token);
}

/**
 * Whether a request coalesces through the store's leases: under `coalesce: 'store'`, unless it asked
 * for the origin's own answer (`forceRefresh`, `no-cache`), which another process's cannot replace.
 */
export function usesLeases(ctx: RequestContext): boolean {
  return ctx.settings.coalesce === 'store' && forwardParameter(ctx.reason) !== 'request';
}

/** The lease's name for a request: its cache key (a revalidation and a miss of one key share it). */
function leaseKey(ctx: RequestContext): string {
  return ctx.key;
}

/** Another process's answer, when the store now holds a fresh one: served as `collapsed`. */
async function answered<R>(lease: LeaseContext): Promise<StoreFlight<R> | undefined> {
  const lookup = await lease.relook();
  if (lookup.state !== 'fresh' || lookup.reason === 'stale-if-error') return undefined;
  const { ctx } = lease;
  const info = storedInfo(lookup.key, lookup.entry, lease.clock(), 'collapsed');
  withCacheStatus(info, ctx.settings.cacheStatus, { fwd: forwardParameter(ctx.reason), collapsed: true });
  lease.collapsed();
  return { kind: 'answered', outcome: { source: 'cache', entry: lookup.entry, info } };
}

async function release(
  lease: Pick<LeaseContext, 'leases' | 'ctx' | 'report'>,
  key: string,
  token: string,
): Promise<void> {
  try {
    await bounded(lease.leases.release(key, token));
  } catch (error) {
    // The lease lapses by itself: the others wait at most its time.
    lease.report(leaseError(lease.ctx, error));
  }
}

/** Waits `ms`, or less when `signal` aborts. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** A lease operation, failing when the store does not answer within {@link LEASE_OP_TIMEOUT_MS}. */
function bounded<T>(operation: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the store did not answer within ${LEASE_OP_TIMEOUT_MS} ms`)),
      LEASE_OP_TIMEOUT_MS,
    );
  });
  return Promise.race([operation, timeout]).finally(() => clearTimeout(timer));
}

function leaseError(ctx: RequestContext, cause: unknown): ReqcacheError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new ReqcacheError('ERR_CACHE_STORE', `Coalescing through the store failed (${why})`, {
    cause,
    key: ctx.key,
  });
}
