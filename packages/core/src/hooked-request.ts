/**
 * One request of a hook-style client (got), from the hook that first sees it to the hook that sees its
 * response. It is looked up when it is really sent (after every hook of the client, so that the key is
 * the request as sent); its redirect hops are not looked up again; a retry asks the origin again yet
 * keeps leading the flight it started; the conditional headers it carried are taken off again; and a
 * response the cache answered is not offered to the cache again.
 * @module
 */

import { sendTeed } from './body-tee.js';
import { driveClientRequest } from './client-request.js';
import type { CacheInfo, Lookup, NetworkResponse, Outcome } from './contract.js';
import type { CacheEngine } from './engine.js';
import type { CacheEntry, RedirectHop } from './entry.js';
import { entryLocation, restoreParameters } from './entry-location.js';
import { type HookPlan, type HookRequest, planHookRequest, type SettleFlight } from './hook-plan.js';
import type { ForwardReason } from './reason.js';
import { redactUrl } from './redact.js';
import { ResponseStream } from './response-stream.js';
import { type ServedResponse, servedResponse } from './served-response.js';

/** What the client's response becomes once {@link HookedRequest.respond} offered it to the cache. */
export type HookAnswer =
  /**
   * The cache answered the request: the response is its {@link ResponseStream}; put `info` on it, and
   * `location` when the stored response was reached through redirects.
   */
  | { kind: 'served'; info: CacheInfo; describe: () => string; location: ServedLocation | undefined }
  /** The cache did not handle the request: the response stands as it is. */
  | { kind: 'unhandled' }
  /** The response stands, with `info` (and its `Cache-Status`) on it. */
  | { kind: 'network'; info: CacheInfo; describe: () => string }
  /**
   * The response becomes `served`: a 304 merged into the stored response or the stored response served
   * instead of an error status (`fromCache`), or the answer to the request core sent again (RFC 9111
   * §4.3.4: a 304 that validated nothing).
   */
  | { kind: 'replaced'; info: CacheInfo; describe: () => string; served: ServedResponse; fromCache: boolean };

/**
 * The final URL a stored response reached through redirects reports (RFC 9110 §15.4, see
 * {@link entryLocation}), and the URLs of its redirect chain after the first request, that URL last.
 */
export interface ServedLocation {
  url: string;
  redirectUrls: string[];
}

/** How a client with a `node:http`-style request function sends a request (see {@link HookedRequest.send}). */
export interface HookSending<R> {
  /** The client's own headers for the request, and a copy it already made for sending (if any). */
  headers: Record<string, unknown>;
  sent: object;
  /** Sends the request as the client would. */
  send: () => unknown;
  /** Calls the client's request function, for {@link driveClientRequest}; undefined when there is none to call. */
  start: (() => unknown) | undefined;
  deadlineMs: number | undefined;
  /** Answers with the cache's outcome (see {@link HookedRequest.serve}). */
  serve: (outcome: Outcome<R>) => unknown;
}

/** One request of a hook-style client. See the module's description. */
export class HookedRequest {
  /** The lookup the request went out or was served under; undefined until then, or when an identical request's answer served it. */
  lookup: Lookup | undefined = undefined;
  /** Conditional headers added to the request (see {@link HookedRequest.addConditions}). */
  readonly added: Record<string, string> = {};
  /** The redirects followed so far. */
  readonly hops: RedirectHop[] = [];
  /** Ends the flight identical requests wait on, when this request leads one. */
  settle: SettleFlight | undefined;
  #served: Extract<HookAnswer, { kind: 'served' }> | undefined;
  #redirectTo: string | undefined;

  /**
   * `retryOf`: a retry by the client, which asks the origin again (the store is not read), with the reason
   * its first attempt went there. `passive`: a request core sent itself through the client (its `Send`: a
   * background revalidation, a re-send), which the adapter's hooks let pass; only its redirects are recorded.
   */
  constructor(
    readonly retryOf: ForwardReason | undefined = undefined,
    settle?: SettleFlight,
    readonly passive = false,
  ) {
    this.settle = settle;
  }

  /**
   * The request a new send of the client belongs to: `current` while it follows a redirect (or is
   * passive); otherwise a new one (a new request, a retry, finished options reused), which keeps leading `current`'s flight.
   */
  static next(current: HookedRequest | undefined, retry: boolean): HookedRequest {
    if (current !== undefined && (current.passive || current.#redirectTo !== undefined)) return current;
    const first = current?.lookup;
    const reason = first?.state === 'miss' || first?.state === 'revalidate' ? first.reason : 'miss';
    return new HookedRequest(retry ? (current?.retryOf ?? reason) : undefined, current?.settle);
  }

  /** The client follows a redirect to `to`: that send is a hop of this request, not a new lookup. */
  redirected(hop: RedirectHop, to: string): void {
    this.hops.push(hop);
    this.#redirectTo = to;
  }

  /** Whether this send is a redirect hop: sent as it is, its response handled under the original key. */
  takeHop(): boolean {
    const hop = this.#redirectTo !== undefined;
    this.#redirectTo = undefined;
    return hop;
  }

  /** Looks the request up and plans it ({@link planHookRequest}), as a retry when it is one. */
  async plan<R>(
    engine: Parameters<typeof planHookRequest>[0],
    input: Omit<HookRequest<R>, 'retryOf' | 'leading'>,
  ): Promise<HookPlan<R>> {
    const plan = await planHookRequest(engine, { ...input, retryOf: this.retryOf, leading: this.settle });
    this.lookup = plan.lookup;
    // A stream's flight ends with its body, not with the request.
    if (plan.action !== 'tee') this.settle = plan.settle;
    return plan;
  }

  /**
   * Adds the conditional headers the request does not set itself to `headers` (the client's own), and
   * to `sent` (a copy the client already made for sending, if it differs).
   */
  addConditions(conditions: Record<string, string>, headers: Record<string, unknown>, sent: object): void {
    for (const [name, value] of Object.entries(conditions)) {
      if (headers[name] !== undefined) continue;
      headers[name] = value;
      (sent as Record<string, unknown>)[name] = value;
      this.added[name] = value;
    }
  }

  /** Takes the added conditional headers off `headers` again (those the client did not change since). */
  removeConditions(headers: Record<string, unknown>): void {
    for (const name of Object.keys(this.added)) {
      if (headers[name] === this.added[name]) delete headers[name];
    }
  }

  /**
   * Plans the request ({@link HookedRequest.plan}) and carries the plan out: serves the cache's answer,
   * sends a streamed miss keeping a copy of its body ({@link sendTeed}), or sends the request
   * ({@link HookedRequest.send}).
   */
  async run<R>(
    engine: Parameters<typeof planHookRequest>[0] & Parameters<typeof sendTeed>[0],
    input: Omit<HookRequest<R>, 'retryOf' | 'leading'>,
    sending: HookSending<R>,
  ): Promise<unknown> {
    const plan = await this.plan(engine, input);
    switch (plan.action) {
      case 'serve':
        return sending.serve(plan.outcome);
      case 'tee': {
        const { settle } = plan;
        const start = sending.start ?? sending.send;
        return sendTeed(engine, plan.lookup, start, { url: input.request.url, redirects: this.hops, settle });
      }
      case 'send':
        return this.send(plan, sending);
    }
  }

  /**
   * Carries out a `send` plan: adds its conditional headers ({@link HookedRequest.addConditions}); when
   * core has an answer for a connection error (RFC 9111 §4.2.4 stale-if-error, a 504), sends the request
   * with {@link driveClientRequest}, so that the error becomes that answer; otherwise `sending.send()`.
   */
  send<R>(plan: Extract<HookPlan<R>, { action: 'send' }>, sending: HookSending<R>): unknown {
    this.addConditions(plan.headers, sending.headers, sending.sent);
    const { answerError } = plan;
    if (answerError === undefined || sending.start === undefined) return sending.send();
    return driveClientRequest(sending.start, {
      deadlineMs: sending.deadlineMs,
      answerError: () => {
        const outcome = answerError();
        return outcome === undefined ? undefined : sending.serve(outcome);
      },
    });
  }

  /**
   * The cache's answer to this request as a {@link ResponseStream} with its cache fields; its description
   * (`engine.describe`) is formatted when first read. Remembered for {@link HookedRequest.respond}.
   */
  serve<R>(
    engine: Pick<CacheEngine, 'describe' | 'settings'>,
    outcome: Outcome<R>,
    target: { method: string; url: string },
    rawBody?: (raw: R) => Uint8Array | undefined,
  ): ResponseStream {
    const served = servedResponse(outcome, rawBody);
    const stream = new ResponseStream(served, target.url);
    const { info } = outcome;
    let description: string | undefined;
    const describe = (): string => {
      description ??= engine.describe(info, target, served.status, served.body.byteLength);
      return description;
    };
    stream.setCacheFields(info, describe);
    const ignored = engine.settings.parsed.ignoredParameters;
    const location = served.entry === undefined ? undefined : locationOf(served.entry, target.url, ignored);
    this.#served = { kind: 'served', info, describe, location };
    return stream;
  }

  /**
   * Offers the client's response to the cache (`engine.handleResponse`; `resend` sends the request again
   * without conditions) and says what it becomes. Ends the flight this request leads with a cached
   * answer or a success, not with an error status: the client may still retry that, and identical
   * requests wait for its final answer.
   */
  async respond<R>(
    engine: Pick<CacheEngine, 'handleResponse' | 'describe'>,
    response: NetworkResponse<R>,
    resend: () => Promise<NetworkResponse<R>>,
    target: { method: string; url: string },
    rawBody: (raw: R) => Uint8Array | undefined,
  ): Promise<HookAnswer> {
    // Served with an identical request's answer (no lookup of its own): that answer is complete.
    if (this.lookup === undefined) return { kind: 'unhandled' };
    if (this.#served !== undefined) return this.#served;
    const outcome = await engine.handleResponse(this.lookup, response, resend);
    if (outcome.source === 'not-cached') return { kind: 'unhandled' };
    const { info } = outcome;
    // Described as the request asked for it (the client's options hold the last redirect's URL), as hits are.
    const asked = this.lookup.state === 'bypass' ? this.lookup.request : this.lookup.ctx.request;
    target = { method: target.method, url: asked.url };
    if (outcome.source === 'cache') {
      this.settle?.(outcome);
      const served = servedResponse(outcome);
      const describe = () => engine.describe(info, target, served.status, served.body.byteLength);
      return { kind: 'replaced', info, describe, served, fromCache: true };
    }
    const resent = outcome.response.raw !== response.raw;
    const served = resent ? servedResponse(outcome, rawBody) : undefined;
    const status = served?.status ?? response.status;
    const body = served?.body ?? outcome.body ?? rawBody(response.raw) ?? new Uint8Array();
    if (status >= 200 && status < 300) this.settle?.({ ...outcome, body });
    const describe = () => engine.describe(info, target, status, body.byteLength);
    if (served === undefined) return { kind: 'network', info, describe };
    return { kind: 'replaced', info, describe, served, fromCache: false };
  }
}

/**
 * Where a served entry says it came from, when it was reached through redirects: the URLs redirected to
 * after the requested one (an intermediate hop's alias lists only the hops after it).
 */
function locationOf(
  entry: CacheEntry,
  requestUrl: string,
  ignored: readonly string[],
): ServedLocation | undefined {
  const { url, redirected } = entryLocation(entry, requestUrl, ignored);
  if (!redirected || entry.history.length === 0) return undefined;
  const requested = redactUrl(requestUrl, ignored);
  const at = entry.history.findIndex((hop) => hop.url === requested);
  const after = entry.history
    .slice(at === -1 ? 1 : at + 1)
    .map((hop) => restoreParameters(hop.url, requestUrl, ignored));
  return { url, redirectUrls: [...after, url] };
}
