/**
 * Cross-process cases: a response cached by one process (a child running `cross-process-child`) is
 * served to another. Store packages register the case for their own backend.
 * @module
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CacheEngine, type CacheOptions } from '@reqcache/core';
import { createTestServer, pseudoRandomBytes } from '@reqcache/test-server';
import type { TestFn } from 'ava';
import { fetchThrough } from './client.js';
import type { ChildJob, ChildResult } from './cross-process-child.js';

export type { ChildJob, ChildResult } from './cross-process-child.js';

const run = promisify(execFile);

/** The child script: the build's `.js`, or the source `.ts` when the suite runs from source. */
function childScript(): string {
  const built = fileURLToPath(new URL('./cross-process-child.js', import.meta.url));
  return existsSync(built) ? built : fileURLToPath(new URL('./cross-process-child.ts', import.meta.url));
}

/**
 * Runs one job in a child process (`node --import tsx`), in the working directory of the calling test
 * (so it loads the same store packages), and returns what it printed.
 */
export async function runChild(job: ChildJob): Promise<ChildResult> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', childScript(), JSON.stringify(job)], {
    cwd: process.cwd(),
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ChildResult;
}

/** A store for {@link registerCrossProcessCase}: options for a fresh cache, and how to remove it. */
export type CrossProcessStore = () => { options: CacheOptions; cleanup(): Promise<void> | void };

/** Registers "a response cached by another process is served without reaching the origin" for one store. */
export function registerCrossProcessCase(test: TestFn, name: string, store: CrossProcessStore): void {
  test(`${name}: a response cached by another process is served without reaching the origin`, async (t) => {
    const server = await createTestServer(t);
    const { options, cleanup } = store();
    t.teardown(cleanup);
    const url = `${server.url}/bytes/1500?seed=11`;
    const written = await runChild({ options, fetch: url });
    t.deepEqual(written, { fromCache: false, errors: [] });
    t.is(server.hits('/bytes/1500'), 1);
    const engine = new CacheEngine(options);
    t.teardown(() => engine.cache.close());
    const served = await fetchThrough(engine, url);
    t.true(served.fromCache);
    t.deepEqual(Buffer.from(served.body), pseudoRandomBytes(1500, 11));
    t.is(server.hits('/bytes/1500'), 1);
  });
}
