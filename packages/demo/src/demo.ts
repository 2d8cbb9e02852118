/**
 * reqcache demo: one SQLite cache (the default backend) shared by got, axios and fetch, kept between runs.
 *
 * Starts a local origin on a fixed port (so the same URLs, and so the same cache keys, come back on the
 * next run), sends the same requests through the three clients, and prints what happened to each (hit,
 * miss or revalidated, and whether a hit was stored by an earlier run), then what the cache holds and a
 * command to look at the SQLite file from the shell.
 */
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { setupCache } from '@reqcache/axios';
import { type CacheInfo, type CacheOptions, type HttpCache, NEVER_EXPIRE } from '@reqcache/core';
import { withCache } from '@reqcache/fetch';
import { gotCache } from '@reqcache/got';
import { startTestServer } from '@reqcache/test-server';
import axios from 'axios';
import got from 'got';

/** The origin's port: fixed, so a second run asks for the same URLs and finds them in the SQLite file. */
const DEFAULT_PORT = 18_765;
const port = Number(process.env['REQCACHE_DEMO_PORT'] ?? DEFAULT_PORT);
const cacheName = process.env['REQCACHE_DEMO_CACHE'] ?? 'demo_cache';
const options: CacheOptions = {
  cacheName, // one SQLite file, demo_cache.sqlite, for all three clients
  expireAfter: '5m',
  urlsExpireAfter: { '*/etag/*': 0, '*/json': NEVER_EXPIRE },
  autoclose: true,
};

/** The repository root, where `pnpm reqcache` runs. */
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

type Send = (url: string) => Promise<{ status: number; info: CacheInfo }>;

async function main(): Promise<void> {
  if (!Number.isInteger(port) || port <= 0 || port > 65_535) {
    throw new Error(`REQCACHE_DEMO_PORT must be a port number, not ${JSON.stringify(String(port))}`);
  }
  const origin = await startTestServer({ port }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE') throw error;
    throw new Error(
      `Port ${port} is in use: set REQCACHE_DEMO_PORT to a free port (and keep it for the next run)`,
    );
  });
  const cachedFetch = withCache(fetch, options);
  const gotPlugin = gotCache(options);
  const gotClient = got.extend(gotPlugin);
  const axiosClient = setupCache(axios.create(), options);
  const startedAt = Date.now();
  const storedBefore = await cachedFetch.cache.responseCount();

  console.log('\nreqcache demo: got, axios and fetch sharing one SQLite cache, kept between runs\n');
  console.log(`Options (the same object for the three clients):\n${inspect(options, { depth: 3 })}\n`);
  console.log(
    storedBefore === 0
      ? `${cacheName}.sqlite is empty: this run fills it. Run \`pnpm demo\` again to be answered from it.\n`
      : `${cacheName}.sqlite already holds ${storedBefore} responses from an earlier run: they answer this one.\n`,
  );

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
      const earlier = info.createdAt.getTime() < startedAt ? ', stored by an earlier run' : '';
      const result = info.revalidated
        ? `revalidated (304${earlier})`
        : info.fromCache
          ? `hit${earlier ? ` (${earlier.slice(2)})` : ''}`
          : 'miss';
      rows.push([path, name, `${status} ${result}`, `${ms.toFixed(2)} ms`, formatExpires(info.expires)]);
    }
  }
  printTable(rows);
  console.log(
    `\nRequests that reached the origin (${origin.url}): ${origin.totalHits()} of ${paths.length * 3}\n`,
  );
  await printCache(cachedFetch.cache);

  await Promise.all([cachedFetch.close(), gotPlugin.close(), axiosClient.close()]);
  await origin.close();

  const cacheFile = relative(repoRoot, resolve(cacheName));
  console.log(
    `\nLook at the cache from the shell (in the repository root):\n  pnpm reqcache list --cache-name ${cacheFile}\n`,
  );
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
