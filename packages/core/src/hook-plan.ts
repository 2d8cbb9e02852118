/**
 * What a hook-style client does with a request once core looked it up — for clients whose request
 * cannot be wrapped (got: the adapter runs inside the client's request function and sees the response
 * in an `afterResponse` hook), so that they share requests and answer errors as `engine.request()` does
 * for wrap-style clients. The adapter only carries the plan out.
 * @module
 */
import type { CacheRequest, ForwardLookup, Lookup, LookupOptions, Outcome, Send } from './contract.js';
import { decideOnNetworkError } from './decision.js';
import type { CacheEngine } from './engine.js';
import type { ForwardReason } from './reason.js';

/** Ends the flight identical requests wait on: with the leader's outcome, or undefined (they send their own). */
export type SettleFlight = (outcome: Outcome<unknown> | undefined) => void;

/** A request of a hook-style client, as {@link planHookRequest} takes it. */
export interface HookRequest<R> {
  /** The request as it is really sent (its body `UNKEYABLE` when reading it would consume it). */
  request: CacheRequest;
  options: LookupOptions;
  /**
   * A retry by the client, with the reason its first attempt went to the network: it asks the origin
   * again (the store is not read, as with `forceRefresh`), as the client's retry means to.
   */
  retryOf: ForwardReason | undefined;
  /** A streamed request: a 304 would reach the caller, and a miss is stored from a copy of its body. */
  stream: boolean;
  /** The adapter can keep a copy of the streamed body (see `teeBody`); otherwise a stream miss is only sent. */
  teeable: boolean;
  /** The flight this request already leads (a retry keeps leading the one it started). */
  leading: SettleFlight | undefined;
  /**
   * Settles when the client's request ends, whatever happens (answer, error, retries exhausted, cancel):
   * it ends a flight the request leads. Undefined when the adapter cannot tell: the request does not lead.
   */
  ended: Promise<void> | undefined;
  /** Sends a request core needs itself (a stale response's background revalidation). */
  send: Send<R>;
}

/** What the adapter does with the request. */
export type HookPlan<R> =
  /**
   * Answers from the cache: a fresh, stale or generated response, or the answer of an identical request
   * (`lookup` undefined: this request was not looked up on its own).
   */
  | { action: 'serve'; lookup: Lookup | undefined; outcome: Outcome<R>; settle: SettleFlight | undefined }
  /**
   * Sends the request with `headers` added (a revalidation's conditions), then offers the response to
   * `engine.handleResponse(lookup, …)`. On a connection error, answers with `answerError()` when it is
   * defined and returns an outcome. `settle` ends the flight this request leads.
   */
  | {
      action: 'send';
      lookup: Lookup;
      headers: Record<string, string>;
      answerError: (() => Outcome<never> | undefined) | undefined;
      settle: SettleFlight | undefined;
    }
  /** Sends the streamed request keeping a copy of its body, offered to `handleResponse` once complete. */
  | { action: 'tee'; lookup: ForwardLookup; settle: SettleFlight | undefined };

/** The engine methods a plan uses. */
export type HookEngine = Pick<
  CacheEngine,
  'lookup' | 'resume' | 'joinFlight' | 'leadFlight' | 'storeFlight' | 'networkErrorOutcome' | 'clock'
>;

/**
 * Looks the request up and says what to do with it: serve (fresh; stale, refreshed in the background;
 * `onlyIfCached`'s 504), share an identical request's answer (joining its flight, or another process's
 * stored answer under `coalesce: 'store'`), or send it, leading the flight identical requests wait on.
 * @example
 * const plan = await planHookRequest(engine, { request, options, retryOf: undefined, stream: false,
 *   teeable: false, leading: undefined, ended, send });
 */
export async function planHookRequest<R>(engine: HookEngine, input: HookRequest<R>): Promise<HookPlan<R>> {
  const { request, stream, leading } = input;
  const { retryOf } = input;
  const options = retryOf === undefined ? input.options : Object.freeze({ ...input.options, retryOf });
  let lookup = await engine.lookup(request, options);
  // A streamed 304 would reach the caller (RFC 9111 §4.3.4 needs the stored body): fetch in full, unconditionally.
  if (lookup.state === 'revalidate' && stream) lookup = await engine.lookup(request, forceRefresh(options));
  let mayLead = leading === undefined && (stream || input.ended !== undefined);
  if (leading === undefined && (lookup.state === 'miss' || lookup.state === 'revalidate')) {
    // Collapsed requests (RFC 9211 §2.6 `collapsed`): an identical request under way answers this one too.
    const joined = engine.joinFlight<R>(lookup);
    if (joined !== undefined) {
      const shared = await joined;
      if (shared !== undefined)
        return { action: 'serve', lookup: undefined, outcome: shared, settle: undefined };
      // The request waited on got no answer: look again, and go to the network without leading.
      lookup = await engine.lookup(request, options);
      mayLead = false;
    }
  }
  switch (lookup.state) {
    case 'bypass':
      return { action: 'send', lookup, headers: {}, answerError: undefined, settle: leading };
    case 'fresh':
    case 'not-cached':
    case 'stale':
      // RFC 5861 §3: a stale response is served now; the engine refreshes it in the background (one per key).
      return { action: 'serve', lookup, outcome: await engine.resume(lookup, input.send), settle: leading };
    case 'miss':
    case 'revalidate':
      return forward(engine, lookup, input, mayLead);
  }
}

/** A miss or revalidation: leads identical requests when it may, and says how to answer a connection error. */
async function forward<R>(
  engine: HookEngine,
  lookup: ForwardLookup,
  input: HookRequest<R>,
  mayLead: boolean,
): Promise<HookPlan<R>> {
  if (input.stream && lookup.state === 'miss') {
    if (!input.teeable)
      return { action: 'send', lookup, headers: {}, answerError: undefined, settle: undefined };
    return { action: 'tee', lookup, settle: mayLead ? engine.leadFlight(lookup) : undefined };
  }
  let settle = input.leading;
  const { ended } = input;
  if (mayLead && ended !== undefined) {
    const lead = engine.leadFlight(lookup);
    settle = lead;
    // Whatever happens to the request (error, retries exhausted, cancel), its end ends the flight.
    void ended.then(() => lead(undefined));
    // coalesce: 'store': another process's stored answer, or this one's lease until the request ends.
    const across = await engine.storeFlight<R>(lookup);
    if (across.kind === 'answered') {
      lead(across.outcome);
      return { action: 'serve', lookup, outcome: across.outcome, settle };
    }
    if (across.kind === 'lead') void ended.then(across.release);
  }
  if (lookup.state === 'miss') return { action: 'send', lookup, headers: {}, answerError: undefined, settle };
  // RFC 9111 §4.2.4 / RFC 5861 §4: an unreachable origin may be answered with the stale response or a 504.
  const answers = decideOnNetworkError(lookup.ctx, lookup.entry, engine.clock()) !== 'throw';
  const answerError = answers ? () => engine.networkErrorOutcome(lookup) : undefined;
  return { action: 'send', lookup, headers: lookup.headers, answerError, settle };
}

/** The options with `forceRefresh` on (RFC 9111 §5.2.1.4 `no-cache` for the request; requests-cache's `force_refresh`). */
function forceRefresh(options: LookupOptions): LookupOptions {
  return Object.freeze({ ...options, forceRefresh: true });
}
