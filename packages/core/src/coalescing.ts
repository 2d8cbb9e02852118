/**
 * Request coalescing: identical concurrent requests (same key) share one network request. Usable by
 * wrap-style clients through `engine.request()` and by hook-style clients (got) through the engine's
 * `joinFlight()` / `leadFlight()`.
 * @module
 */
import { type Outcome, type RequestContext, storedInfo } from './contract.js';
import { buildEntry } from './entry-builder.js';
import { forwardParameter } from './reason.js';

/** One request under way for a key, shared by the identical requests that join it. */
export interface Flight {
  readonly key: string;
  /** How many requests joined (are waiting for) this one. */
  followers: number;
  /** Closes the flight to new followers (those already waiting still get its answer). Idempotent. */
  close(): void;
}

/** How many recently ended flights are remembered for lookups already under way. */
const RECENT_FLIGHTS = 64;

/**
 * The flights under way, by key, and the answers of recently ended ones. A lookup that began before a
 * flight for its key landed (its store read may predate the flight's write) shares that answer rather
 * than ask the origin again; those answers are forgotten once no request is under way, and at most
 * {@link RECENT_FLIGHTS} are kept.
 */
export class Flights<T = Outcome<unknown> | undefined> {
  readonly #inflight = new Map<string, { flight: Flight; promise: Promise<T> }>();
  readonly #landed = new Map<string, { sequence: number; value: T }>();
  /** Orders lookups and flight ends (not time: the clock may be a test's fake one). */
  #sequence = 0;
  /** Requests under way (see {@link Flights.enter}). */
  #active = 0;

  /** A number ordering a lookup that starts now against flights that end later. */
  sequence(): number {
    return ++this.#sequence;
  }

  /** A request starts: answers that landed stay shareable until no request is under way. */
  enter(): void {
    this.#active++;
  }

  /** A request ended. (Map#clear allocates a new table even for an empty map: only when there is something to drop.) */
  leave(): void {
    if (--this.#active === 0 && this.#landed.size > 0) this.#landed.clear();
  }

  /**
   * The answer an identical request should wait for instead of sending: the flight under way for
   * `key`, or, for a lookup numbered `since` that began before a flight for `key` ended, that flight's
   * answer. Undefined when there is none: the caller leads.
   */
  join(key: string, since?: number): Promise<T> | undefined {
    const current = this.#inflight.get(key);
    if (current !== undefined) {
      current.flight.followers++;
      return current.promise;
    }
    const landed = this.#landed.get(key);
    if (since !== undefined && landed !== undefined && since < landed.sequence)
      return Promise.resolve(landed.value);
    return undefined;
  }

  /**
   * Runs `work` as the flight for `key`: identical requests join it until it closes (when `work`
   * settles, or earlier through `flight.close()`). When it resolves with a value `shareable` accepts,
   * that value is remembered for lookups already under way.
   */
  lead(key: string, work: (flight: Flight) => Promise<T>, shareable: (value: T) => boolean): Promise<T> {
    let open = true;
    const flight: Flight = {
      key,
      followers: 0,
      close: () => {
        if (!open) return;
        open = false;
        if (this.#inflight.get(key)?.flight === flight) this.#inflight.delete(key);
      },
    };
    const promise = (async () => {
      try {
        const value = await work(flight);
        flight.close();
        this.#land(key, shareable(value) ? value : undefined);
        return value;
      } finally {
        flight.close();
      }
    })();
    this.#inflight.set(key, { flight, promise });
    return promise;
  }

  /** Promises of the flights under way (for `settled()`). */
  pending(): Promise<T>[] {
    return [...this.#inflight.values()].map((current) => current.promise);
  }

  get size(): number {
    return this.#inflight.size;
  }

  #land(key: string, value: T | undefined): void {
    this.#landed.delete(key);
    if (value === undefined) return;
    this.#landed.set(key, { sequence: ++this.#sequence, value });
    if (this.#landed.size > RECENT_FLIGHTS) {
      const oldest = this.#landed.keys().next().value;
      if (oldest !== undefined) this.#landed.delete(oldest);
    }
  }
}

/**
 * A leader's outcome as an identical request that waited for it is served: its own copy of the body,
 * as a stored response (`collapsed`) when the leader stored it, with `; collapsed` in `Cache-Status`
 * (RFC 9211 §2.6).
 */
export function followOutcome(
  outcome: Outcome<unknown>,
  ctx: Pick<RequestContext, 'settings' | 'method' | 'request' | 'requestedAt'>,
  nowMs: number,
): Outcome<unknown> {
  const current = outcome.info.cacheStatus;
  // An answer from another process (`coalesce: 'store'`) already says `collapsed`.
  const status = current === undefined || current.endsWith('; collapsed') ? current : `${current}; collapsed`;
  if (outcome.source !== 'network') {
    return status === undefined ? outcome : { ...outcome, info: { ...outcome.info, cacheStatus: status } };
  }
  const key = outcome.info.cacheKey;
  const expiresAt = outcome.info.expires === null ? null : outcome.info.expires.getTime();
  const entry = buildEntry(ctx, outcome.response, outcome.body ?? new Uint8Array(), expiresAt, nowMs);
  const info = key === undefined ? { ...outcome.info } : storedInfo(key, entry, nowMs, 'collapsed');
  if (status !== undefined) info.cacheStatus = status;
  return { source: 'cache', entry, info };
}

/** A leader's outcome, with its body read when requests joined it (each needs a copy of its own). */
export async function withBody<R>(
  answer: Promise<Outcome<R> | undefined>,
  flight: Pick<Flight, 'followers' | 'close'>,
): Promise<Outcome<R> | undefined> {
  const outcome = await answer;
  // No follower can join once the flight is closed.
  flight.close();
  if (
    flight.followers > 0 &&
    outcome !== undefined &&
    outcome.source === 'network' &&
    outcome.body === undefined
  )
    return { ...outcome, body: await outcome.response.readBody() };
  return outcome;
}

/** Only a stored or cached answer, whose body is known, is shared with lookups that began before it landed. */
export function isShareable(outcome: Outcome<unknown> | undefined): boolean {
  if (outcome === undefined) return false;
  return (
    outcome.source === 'cache' ||
    (outcome.source === 'network' && outcome.body !== undefined && outcome.info.cacheKey !== undefined)
  );
}

/**
 * For hook-style clients: the answer of an identical request under way (or one that landed after this
 * lookup began) as this request's own outcome — undefined when that request got no answer (send your
 * own) — or undefined when there is none. A request that asked for the origin's answer (`fwd=request`)
 * does not take one that landed before it started.
 */
export function joinFlight<R>(
  flights: Flights,
  ctx: RequestContext,
  clock: () => number,
): Promise<Outcome<R> | undefined> | undefined {
  const since = forwardParameter(ctx.reason) === 'request' ? undefined : ctx.sequence;
  const leader = flights.join(ctx.key, since);
  return leader?.then((outcome) => outcome && (followOutcome(outcome, ctx, clock()) as Outcome<R>));
}

/**
 * For hook-style clients: makes a request the one identical requests wait for, until it calls the
 * returned function with its outcome (undefined when it got none: the others send their own).
 */
export function leadFlight(flights: Flights, key: string): (outcome: Outcome<unknown> | undefined) => void {
  let settle!: (outcome: Outcome<unknown> | undefined) => void;
  const answer = new Promise<Outcome<unknown> | undefined>((resolve) => {
    settle = resolve;
  });
  void flights.lead(
    key,
    (flight) => withBody(answer, flight),
    () => false,
  );
  return settle;
}
