/**
 * The store's backoff, on a clock the test drives: skipped for 1 s after a failure, the window doubling
 * after each failed probe up to 30 s, one report per outage, one recovery, and a flapping store that
 * keeps backing off instead of starting over.
 */
import { STORE_RETRY_INITIAL_MS, STORE_RETRY_MAX_MS, StoreHealth } from '@reqcache/core/internal';
import test from 'ava';

function healthAt() {
  const clock = { now: 0 };
  return { clock, health: new StoreHealth(() => clock.now) };
}

test('backoff: after a failure the store is skipped for 1 s, then probed; failed probes double the window up to 30 s', (t) => {
  const { clock, health } = healthAt();
  t.is(STORE_RETRY_INITIAL_MS, 1000);
  t.is(STORE_RETRY_MAX_MS, 30_000);
  t.truthy(health.begin(), 'up: every call goes through');
  t.true(health.failed(), 'the first failure takes it down (report it)');
  t.false(health.failed(), 'later failures are not reported again');
  t.true(health.down);
  const windows: number[] = [];
  let probedAt = 0;
  for (let probe = 0; probe < 8; probe++) {
    // Find when the next call is let through (10 ms steps): everything before is skipped.
    while (health.begin() === undefined) clock.now += 10;
    windows.push(clock.now - probedAt);
    probedAt = clock.now;
    t.false(health.failed(), 'a failed probe is not reported');
  }
  t.deepEqual(windows, [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
});

test('backoff: a successful probe brings the store back once; a call started before the outage does not', (t) => {
  const { clock, health } = healthAt();
  const early = health.begin();
  t.true(health.failed());
  t.is(health.succeeded(early), undefined, 'a call that started before the failure is no recovery');
  t.true(health.down);
  t.is(health.begin(), undefined);
  clock.now += 1000;
  const probe = health.begin();
  t.truthy(probe);
  t.is(health.begin(), undefined, 'one probe at a time: the others wait for the next window');
  const recovery = health.succeeded(probe);
  t.deepEqual(recovery, { downMs: 1000, skipped: 2 });
  t.false(health.down);
  t.is(health.succeeded(health.begin()), undefined, 'no second recovery');
});

test('backoff: a store that fails again soon after recovering keeps its longer window; after 30 s up it starts over at 1 s', (t) => {
  const { clock, health } = healthAt();
  t.true(health.failed());
  clock.now += 1000;
  t.truthy(health.succeeded(health.begin()));
  t.true(health.failed(), 'a new outage is reported');
  const downAt = clock.now;
  while (health.begin() === undefined) clock.now += 10;
  t.true(clock.now - downAt > 1000, 'flapping: a longer window than the first');
  // Bring it up, keep it up for 30 s, fail again: back to 1 s.
  const { clock: clock2, health: fresh } = healthAt();
  t.true(fresh.failed());
  clock2.now += 1000;
  t.truthy(fresh.succeeded(fresh.begin()));
  clock2.now += STORE_RETRY_MAX_MS;
  t.true(fresh.failed());
  const start = clock2.now;
  while (fresh.begin() === undefined) clock2.now += 10;
  t.is(clock2.now - start, 1000);
});

test('backoff: a probe that fails slowly (a connection timeout) restarts the window when it fails, so the next call does not probe again', (t) => {
  const { clock, health } = healthAt();
  t.true(health.failed());
  clock.now += 1000;
  t.truthy(health.begin(), 'the probe');
  // The probe waits 5 s (longer than its 2 s window) before it fails.
  clock.now += 5000;
  t.false(health.failed());
  t.is(health.begin(), undefined, 'right after the failed probe (the same request writing): skipped');
  const failedAt = clock.now;
  while (health.begin() === undefined) clock.now += 10;
  t.is(clock.now - failedAt, 2000, 'the next probe a whole window after the failed one');
  // A failure while down of a call started before the outage: the probe waits a window after it too.
  const { clock: clock2, health: other } = healthAt();
  t.true(other.failed());
  clock2.now += 500;
  t.false(other.failed());
  t.is(other.begin(), undefined);
  clock2.now += 600;
  t.is(other.begin(), undefined, 'skipped until 1 s after the last failure');
  clock2.now += 400;
  t.truthy(other.begin());
});
