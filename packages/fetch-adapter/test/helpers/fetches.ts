import type { FetchLike, FetchResponseLike } from '../../src/index.js';

/** A recorded call to a wrapped fetch. */
export interface FetchCall {
  input: string | URL;
  init: Record<string, unknown> | undefined;
}

/** Wraps a fetch so a test can see every call that reached it (what the cache let through). */
export function recordingFetch(impl: FetchLike = globalThis.fetch): FetchLike & { calls: FetchCall[] } {
  const calls: FetchCall[] = [];
  const recorded = async (
    input: string | URL,
    init?: Record<string, unknown>,
  ): Promise<FetchResponseLike> => {
    calls.push({ input, init });
    return impl(input, init);
  };
  return Object.assign(recorded, { calls });
}

/** A fake clock for expiry tests (never sleep). */
export function fakeClock(startMs = Date.UTC(2025, 0, 1, 12)): {
  now: () => number;
  advance(seconds: number): void;
} {
  let nowMs = startMs;
  return {
    now: () => nowMs,
    advance(seconds) {
      nowMs += seconds * 1000;
    },
  };
}
