/** setupCache on the default `axios` instance (alone in this file: it changes a process-wide object). */
import { createTestServer } from '@reqcache/test-server';
import test from 'ava';
import axios from 'axios';
import { ejectCache, setupCache } from '../src/index.js';

test.serial(
  'the default axios instance: axios.get and axios() are cached; ejectCache restores it',
  async (t) => {
    const server = await createTestServer(t);
    const cached = setupCache(axios, { backend: 'memory' });
    const { cache } = cached;
    t.teardown(async () => {
      ejectCache(axios);
      await cache.close();
    });
    t.true(Object.is(cached, axios));
    t.is(typeof cached.create, 'function', 'still typed as AxiosStatic');

    const miss = await axios.get(`${server.url}/get`);
    const hit = await axios({ url: `${server.url}/get` });
    const viaCached = await cached.request({ url: `${server.url}/get` });
    t.false(miss.fromCache);
    t.true(hit.fromCache);
    t.true(viaCached.fromCache);
    t.deepEqual(hit.data, miss.data);
    t.is(server.hits('/get'), 1);

    const created = axios.create();
    t.is(
      (await created.get(`${server.url}/get`)).fromCache,
      undefined,
      'axios.create() makes an uncached instance',
    );

    ejectCache(axios);
    t.is((await axios.get(`${server.url}/get`)).fromCache, undefined);
    t.is(server.hits('/get'), 3);
  },
);
