/**
 * A cached axios client in a few lines.
 * Run: node --import tsx examples/basic.ts [base URL]
 * Without a base URL it starts this repository's local httpbin-like origin (`@reqcache/test-server`) on
 * 127.0.0.1, so it needs no network; with one, it calls that server (anything with httpbin's `/get`
 * and `/uuid`).
 */
import { startTestServer } from '@reqcache/test-server';
import axios from 'axios';
// In your project: import { setupCache } from '@reqcache/axios';
import { setupCache } from '../src/index.js';

const given = process.argv[2];
const origin = given === undefined ? await startTestServer() : undefined;
const baseURL = given ?? (origin?.url as string);
const client = setupCache(axios.create({ baseURL }), { backend: 'memory', expireAfter: '1h' });

const first = await client.get('/get', { params: { q: 'reqcache' } });
console.log(`first: ${first.status} fromCache=${first.fromCache}`);

const second = await client.get('/get', { params: { q: 'reqcache' } });
console.log(`second: ${second.status} fromCache=${second.fromCache}`);
console.log(second.cacheDescription);

const refreshed = await client.get('/get', { params: { q: 'reqcache' }, cache: { forceRefresh: true } });
console.log(`forceRefresh: fromCache=${refreshed.fromCache}`);

const bypassed = await client.get('/uuid', { cache: false });
console.log(`cache false: fromCache=${bypassed.fromCache}`);

console.log(`stored responses: ${await client.cache.responseCount()}`);
await client.cache.close();
await origin?.close();
