/** A permission to call the store, from {@link StoreHealth.begin}. @internal */
export interface StoreTicket {
  epoch: number;
  probe: boolean;
}

/** What the `storeRecovered` event carries. */
export interface StoreRecovery {
  /** How long the store was down (first failure → first successful call), in milliseconds. */
  downMs: number;
  /** The store calls skipped while it was down. */
  skipped: number;
}

/** First window (ms) during which a failed store is skipped; it doubles after each failed probe. */
export const STORE_RETRY_INITIAL_MS = 1000;
/** Longest window (ms) during which a failed store is skipped between two probes. */
export const STORE_RETRY_MAX_MS = 30_000;

/**
 * Whether the store is usable. After a store failure the store is "down": the engine skips it (a lookup
 * is a miss, a response is not written) for a window of {@link STORE_RETRY_INITIAL_MS}, then lets one
 * call through as a probe; each failed probe doubles the window up to {@link STORE_RETRY_MAX_MS}, counted
 * from when the probe failed. The
 * failure is reported once, when the store goes down, not once per request; the first call that
 * succeeds afterwards brings it back up (the `storeRecovered` event). Real (monotonic) time, not the
 * engine's clock: an outage happens in real time. Each cache has one, as `cache.health`.
 */
export class StoreHealth {
  #down = false;
  #downAt = 0;
  #retryAt = 0;
  #windowMs = STORE_RETRY_INITIAL_MS;
  /** When the store last came back; a store that fails again soon after keeps its longer window. */
  #upSince = Number.NEGATIVE_INFINITY;
  #skipped = 0;
  /** Incremented when the store goes down, so a call started before cannot count as a recovery. */
  #epoch = 0;
  readonly #now: () => number;
  #upTicket: StoreTicket = Object.freeze({ epoch: 0, probe: false });

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** True while the store is considered down. */
  get down(): boolean {
    return this.#down;
  }

  /**
   * Asks to use the store: `undefined` when the call must be skipped (down, inside the window), else a
   * ticket to pass to {@link succeeded}.
   */
  begin(): StoreTicket | undefined {
    if (!this.#down) {
      // One ticket per epoch while the store is up (a read costs no allocation).
      if (this.#upTicket.epoch !== this.#epoch)
        this.#upTicket = Object.freeze({ epoch: this.#epoch, probe: false });
      return this.#upTicket;
    }
    const now = this.#now();
    if (now < this.#retryAt) {
      this.#skipped++;
      return undefined;
    }
    // This call probes the store; the others wait for the next (longer) window.
    this.#windowMs = Math.min(this.#windowMs * 2, STORE_RETRY_MAX_MS);
    this.#retryAt = now + this.#windowMs;
    return { epoch: this.#epoch, probe: true };
  }

  /** Records a successful call; returns the recovery when it brought the store back up. */
  succeeded(ticket: StoreTicket | undefined): StoreRecovery | undefined {
    if (!this.#down || ticket === undefined || ticket.epoch !== this.#epoch || !ticket.probe)
      return undefined;
    const now = this.#now();
    this.#down = false;
    this.#upSince = now;
    const recovery = { downMs: Math.max(0, Math.round(now - this.#downAt)), skipped: this.#skipped };
    this.#skipped = 0;
    return recovery;
  }

  /** Records a failure; returns true when it took the store down (then, and only then, report it). */
  failed(): boolean {
    const now = this.#now();
    if (this.#down) {
      // A failure while down (a probe, or a call started before the outage): the store is skipped for
      // a whole window after it, not only after the probe began. A probe that fails slowly (a
      // connection timeout) would else let the very next call probe again and wait as long.
      this.#retryAt = Math.max(this.#retryAt, now + this.#windowMs);
      return false;
    }
    // A store that flaps (fails again soon after coming back, e.g. reads work but writes fail) keeps
    // backing off instead of starting over at the shortest window.
    this.#windowMs =
      now - this.#upSince >= STORE_RETRY_MAX_MS
        ? STORE_RETRY_INITIAL_MS
        : Math.min(this.#windowMs * 2, STORE_RETRY_MAX_MS);
    this.#down = true;
    this.#epoch++;
    this.#downAt = now;
    this.#retryAt = now + this.#windowMs;
    return true;
  }
}
