/**
 * Cases about the object each adapter hands its user (cachedFetch, got's plugin, the axios instance):
 * its `close()` and what its package exports. Registered from each adapter's `test/parity.test.ts`, a
 * file of its own because the debug case sets `DEBUG` for the whole process.
 */
import { EventEmitter } from 'node:events';
import * as core from '@reqcache/core';
import { createTestServer } from '@reqcache/test-server';
import type { TestFn } from 'ava';
import { createFakeClock } from './harness.js';
import type { SuiteClient } from './types.js';

/** A Keyv store that records its writes and its disconnection, in order. */
export class RecordingStore extends EventEmitter {
  readonly opts = {};
  readonly events: string[] = [];
  readonly #map = new Map<string, unknown>();
  async get<Value>(key: string): Promise<Value | undefined> {
    return this.#map.get(key) as Value | undefined;
  }
  async set(key: string, value: unknown): Promise<boolean> {
    this.events.push('set');
    this.#map.set(key, value);
    return true;
  }
  async delete(key: string): Promise<boolean> {
    return this.#map.delete(key);
  }
  async clear(): Promise<void> {
    this.#map.clear();
  }
  async disconnect(): Promise<void> {
    this.events.push('disconnect');
  }
}

export interface HandleSuiteOptions {
  /** Shown in test titles. */
  name: string;
  /** The adapter package's exports (`import * as pkg from '../src/index.js'`). */
  exports: Record<string, unknown>;
  /** A client whose `close()` is the adapter's own (`cachedFetch.close`, `plugin.close`, `instance.close`). */
  createClient(options: core.CacheOptions): SuiteClient | Promise<SuiteClient>;
  /**
   * Whether the adapter's `close()` waits for background revalidations before closing the store.
   * @default true
   */
  closeSettles?: boolean;
}

/**
 * Registers, as serial tests: the adapter re-exports core's constants users spread into options; a user
 * `ignoredParameters` without Authorization writes one debug line; `close()` closes the store only with
 * `autoclose`, after background work. Sets `process.env.DEBUG = 'reqcache'`: call it from a file of its own.
 */
export function registerHandleCases(test: TestFn, options: HandleSuiteOptions): void {
  process.env['DEBUG'] = 'reqcache';
  const title = (text: string): string => `${options.name}: ${text}`;

  test.serial(title('exports DEFAULT_IGNORED_PARAMETERS, ALL_METHODS and the option errors of core'), (t) => {
    t.is(options.exports['DEFAULT_IGNORED_PARAMETERS'], core.DEFAULT_IGNORED_PARAMETERS);
    t.is(options.exports['ALL_METHODS'], core.ALL_METHODS);
    t.is(options.exports['NEVER_EXPIRE'], core.NEVER_EXPIRE);
    t.is(options.exports['UnknownOptionError'], core.UnknownOptionError);
    t.is(options.exports['ConstructionOnlyOptionError'], core.ConstructionOnlyOptionError);
  });

  test.serial(title('ignoredParameters without Authorization: one debug warning per client'), async (t) => {
    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      const text = typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk);
      if (text.includes('ignoredParameters')) lines.push(text);
      else return write(chunk, ...rest);
      return true;
    }) as typeof process.stderr.write;
    t.teardown(() => {
      process.stderr.write = write;
    });
    const server = await createTestServer(t);
    const extended = await options.createClient({
      backend: 'memory',
      ignoredParameters: [...core.DEFAULT_IGNORED_PARAMETERS, 'token'],
    });
    t.teardown(() => extended.close());
    const replaced = await options.createClient({ backend: 'memory', ignoredParameters: ['token'] });
    t.teardown(() => replaced.close());
    replaced.settings.ignoredParameters = ['other'];
    await replaced.send({ url: `${server.url}/get`, headers: { authorization: 'Bearer x' } });
    t.is(lines.length, 1, 'one line, from the client whose list replaced the defaults');
    t.regex(
      lines[0] ?? '',
      /^REQCACHE \d+: warning: ignoredParameters \["token"\] replaces the defaults and leaves out Authorization, .*\[\.\.\.DEFAULT_IGNORED_PARAMETERS, "token"\]\n$/,
    );
  });

  test.serial(title('close() closes the store with autoclose, and leaves it open without'), async (t) => {
    const server = await createTestServer(t);
    const owned = new RecordingStore();
    const client = await options.createClient({ backend: owned });
    await client.send({ url: `${server.url}/get` });
    await client.close();
    t.deepEqual(owned.events, ['set', 'disconnect']);

    const shared = new RecordingStore();
    const sharing = await options.createClient({ backend: shared, autoclose: false });
    await sharing.send({ url: `${server.url}/get` });
    await sharing.close();
    t.deepEqual(shared.events, ['set'], 'autoclose: false leaves a shared store open');
  });

  if (options.closeSettles ?? true) {
    test.serial(title('close() waits for a background revalidation before closing the store'), async (t) => {
      const server = await createTestServer(t);
      const clock = createFakeClock();
      const store = new RecordingStore();
      const client = await options.createClient({
        backend: store,
        clock: clock.now,
        expireAfter: 1,
        staleWhileRevalidate: true,
      });
      await client.send({ url: `${server.url}/get` });
      clock.advance(5);
      const stale = await client.send({ url: `${server.url}/get` });
      t.true(stale.fromCache);
      await client.close();
      t.is(server.hits('/get'), 2, 'the background revalidation reached the origin');
      t.deepEqual(store.events, ['set', 'set', 'disconnect']);
    });
  }
}
