/**
 * reqcache demo: one SQLite cache (the default backend) shared by got, axios and fetch.
 *
 * Starts a local origin, sends the same requests through the three clients, and prints what happened
 * to each (hit, miss or revalidated, time, expiry), then what the cache holds.
 */
import { setupCache } from '@reqcache/axios';
import { type CacheInfo, type CacheOptions, type HttpCache, NEVER_EXPIRE } from '@reqcache/core';
import { withCache } from '@reqcache/fetch';
import { gotCache } from '@reqcache/got';
import { startTestServer } from '@reqcache/test-server';
import axios from 'axios';
import got from 'got';

const cacheName = process.env['REQCACHE_DEMO_CACHE'] ?? 'demo_cache';
const options: CacheOptions = {
  cacheName, // one SQLite file, demo_cache.sqlite, for all three clients
  expireAfter: '5m',
  urlsExpireAfter: { '*/etag/*': 0, '*/json': NEVER_EXPIRE },
  autoclose: true,
};

type Send = (url: string) => Promise<{ status: number; info: CacheInfo }>;

async function main(): Promise<void> {
  const origin = await startTestServer();
  const cachedFetch = withCache(fetch, options);
  const gotPlugin = gotCache(options);
  const gotClient = got.extend(gotPlugin);
  const axiosClient = setupCache(axios.create(), options);
  await cachedFetch.cache.clear();

  const clients: Record<string, Send> = {
    fetch: async (url) => {
      const response = await cachedFetch(url);
      await response.arrayBuffer();
      return { status: response.status, info: response };
    },
    got: async (url) => {
      const response = await gotClient(url);
      return { status: response.statusCode, info: response as unknown as CacheInfo };
    },
    axios: async (url) => {
      const response = await axiosClient.get(url);
      return { status: response.status, info: response as unknown as CacheInfo };
    },
  };

  const rows: string[][] = [['URL', 'client', 'result', 'time', 'expires']];
  const paths = ['/json', '/cache/60', '/etag/demo', '/bytes/2048'];
  for (const path of paths) {
    for (const [name, send] of Object.entries(clients)) {
      const started = performance.now();
      const { status, info } = await send(origin.url + path);
      const ms = performance.now() - started;
      const result = info.revalidated ? 'revalidated (304)' : info.fromCache ? 'hit' : 'miss';
      rows.push([path, name, `${status} ${result}`, `${ms.toFixed(2)} ms`, formatExpires(info.expires)]);
    }
  }
  console.log(`\nreqcache demo: got, axios and fetch sharing one SQLite cache (${cacheName}.sqlite)\n`);
  printTable(rows);
  console.log(`\nRequests that reached the origin: ${origin.totalHits()} of ${paths.length * 3}\n`);
  await printCache(cachedFetch.cache);

  await Promise.all([cachedFetch.cache.close(), gotPlugin.cache.close(), axiosClient.cache.close()]);
  await origin.close();
}

async function printCache(cache: HttpCache): Promise<void> {
  const rows: string[][] = [['cached URL', 'status', 'size', 'expires']];
  for await (const response of cache.values()) {
    rows.push([
      new URL(response.url).pathname,
      String(response.status),
      `${response.size} bytes`,
      formatExpires(response.expires),
    ]);
  }
  console.log(`What the cache holds (${await cache.responseCount()} responses):\n`);
  printTable(rows);
}

function formatExpires(expires: Date | null): string {
  if (expires === null) return 'never';
  const seconds = Math.round((expires.getTime() - Date.now()) / 1000);
  return seconds <= 0 ? 'now (revalidate)' : `in ${seconds} s`;
}

function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ');
  console.log(line(rows[0]!));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows.slice(1)) console.log(line(row));
}

await main();
