/**
 * One cache shared by got, axios and fetch: the same request gets the same key whichever client sends
 * it, so a response stored by one client is served to the others. Here the cache is one SQLite file
 * (the default backend); a Redis or Postgres `backend` is shared across processes the same way.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupCache } from '@reqcache/axios';
import { withCache } from '@reqcache/fetch';
import { type CachedGotResponse, gotCache } from '@reqcache/got';
import axios from 'axios';
import got from 'got';
import { startOrigin } from './origin.js';

const origin = await startOrigin();
const dir = mkdtempSync(join(tmpdir(), 'reqcache-example-'));
const options = { cacheName: join(dir, 'shared_cache'), expireAfter: '1h' }; // → shared_cache.sqlite

const cachedFetch = withCache(fetch, options);
const gotPlugin = gotCache(options);
const gotClient = got.extend(gotPlugin);
const axiosClient = setupCache(axios.create(), options);

const viaFetch = await cachedFetch(`${origin.url}/items`);
console.log(`fetch: fromCache=${viaFetch.fromCache}`, await viaFetch.json());

const viaGot = (await gotClient(`${origin.url}/items`)) as CachedGotResponse;
console.log(`got:   fromCache=${viaGot.fromCache}`, JSON.parse(viaGot.body as string));

const viaAxios = await axiosClient.get(`${origin.url}/items`);
console.log(`axios: fromCache=${viaAxios.fromCache}`, viaAxios.data);

console.log(`requests that reached the server: ${origin.hits}`);
console.log(`responses in the cache: ${await cachedFetch.cache.responseCount()}`);

await Promise.all([cachedFetch.close(), gotPlugin.close(), axiosClient.cache.close()]);
await origin.close();
rmSync(dir, { recursive: true, force: true });
