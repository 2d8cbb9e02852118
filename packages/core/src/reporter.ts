/**
 * The engine's counters, failure reports and debug lines. No decisions: it records what the engine
 * decided.
 * @module
 */
import type { CacheEvents, CacheStats } from './contract.js';
import { createDebugLog, type DebugLog } from './debug.js';
import type { ReqcacheError } from './errors.js';
import { redactUrl } from './redact.js';

const COUNTS_ZERO = Object.freeze({
  hits: 0,
  misses: 0,
  stale: 0,
  revalidated: 0,
  stored: 0,
  notStored: 0,
  errors: 0,
  coalescedWaits: 0,
  leaseTakeovers: 0,
  leaseFallbacks: 0,
});

/** Which counter of `stats()` each decision event increments. */
const COUNTERS: Partial<Record<keyof CacheEvents, keyof typeof COUNTS_ZERO>> = {
  hit: 'hits',
  miss: 'misses',
  stale: 'stale',
  revalidated: 'revalidated',
  stored: 'stored',
  notStored: 'notStored',
};

/** What the decision events carry, as the debug log reads it. */
interface DecisionPayload {
  key: string;
  url: string;
  reason?: string;
  expires?: Date | null;
}

/** Counts decisions and failures, writes the debug log, and turns unheard failures into one warning per code. @internal */
export class Reporter {
  readonly #counts = { ...COUNTS_ZERO };
  readonly #warned = new Set<string>();
  /** Failures already reported: Keyv both emits and throws the error of a failed call. */
  readonly #reported = new WeakSet<object>();
  /** The debug logger, or undefined when `NODE_DEBUG` / `DEBUG` do not name reqcache. */
  readonly debug: DebugLog | undefined = createDebugLog();

  /**
   * Records a failure; true when it should be emitted on `error` (`heard`: it has listeners), false
   * when it was seen before or became a process warning (once per code).
   */
  failure(error: ReqcacheError, heard: boolean): boolean {
    const cause = error.cause;
    if (typeof cause === 'object' && cause !== null) {
      if (this.#reported.has(cause)) return false;
      this.#reported.add(cause);
    }
    this.#counts.errors++;
    const key = error.key === undefined ? '' : ` ${error.key.slice(0, 12)}`;
    this.debug?.('error %s%s %s', error.code, key, error.message);
    if (heard) return true;
    if (!this.#warned.has(error.code)) {
      this.#warned.add(error.code);
      process.emitWarning(`reqcache: ${error.message} (further ${error.code} errors are not shown)`, {
        code: error.code,
      });
    }
    return false;
  }

  /**
   * Counts a decision event and writes its debug line; returns the payload listeners get: its `url` with
   * `ignoredParameters` redacted, as it is stored (a copy only when something was redacted).
   */
  event<P>(event: keyof CacheEvents, payload: P, ignoredParameters: readonly string[]): P {
    const redacted = withRedactedUrl(payload, ignoredParameters);
    const counter = COUNTERS[event];
    if (counter === undefined) return redacted;
    this.#counts[counter]++;
    if (this.debug === undefined) return redacted;
    const { key, url, reason, expires } = redacted as DecisionPayload;
    let extra = '';
    if (reason !== undefined) extra = ` (${reason})`;
    else if (expires !== undefined) extra = ` expires=${expires?.toISOString() ?? 'never'}`;
    this.debug('%s %s %s%s', event, key.slice(0, 12), url, extra);
    return redacted;
  }

  /** Counts a step of coalescing through the store (see `lease.ts`). */
  count(counter: 'coalescedWaits' | 'leaseTakeovers' | 'leaseFallbacks'): void {
    this.#counts[counter]++;
  }

  /** Counts a hit without building its event (hits are the hot path; nobody listens). */
  hit(): void {
    this.#counts.hits++;
  }

  stats(): CacheStats {
    const counts = this.#counts;
    const served = counts.hits + counts.stale + counts.revalidated;
    const lookups = served + counts.misses;
    return { ...counts, hitRatio: lookups === 0 ? 0 : served / lookups };
  }

  reset(): void {
    Object.assign(this.#counts, COUNTS_ZERO);
  }
}

/** `payload` with its `url` (if any) redacted; `payload` itself when nothing needed redacting. */
function withRedactedUrl<P>(payload: P, ignoredParameters: readonly string[]): P {
  const url = (payload as { url?: unknown } | undefined)?.url;
  if (typeof url !== 'string') return payload;
  const redacted = redactUrl(url, ignoredParameters);
  return redacted === url ? payload : { ...payload, url: redacted };
}
