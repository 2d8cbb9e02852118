import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setupCache } from '@reqcache/axios';
import { CacheEngine, type CacheOptions } from '@reqcache/core';
import { withCache } from '@reqcache/fetch';
import { gotCache } from '@reqcache/got';
import { createTestServer, type TestServer } from '@reqcache/test-server';
import axios from 'axios';
import got, { type Got } from 'got';

export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The command to run: the build (`dist/bin.js`, fast to start) when it is newer than every source file,
 * else the source through tsx, so a test never runs stale code.
 */
function binCommand(): string[] {
  const built = join(PACKAGE_DIR, 'dist', 'bin.js');
  const sources = join(PACKAGE_DIR, 'src');
  if (existsSync(built)) {
    const builtAt = statSync(built).mtimeMs;
    const newest = Math.max(...readdirSync(sources).map((file) => statSync(join(sources, file)).mtimeMs));
    if (builtAt >= newest) return [built];
  }
  return ['--import', 'tsx', join(sources, 'bin.ts')];
}
const BIN = binCommand();

/** What a run of the CLI printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the `reqcache` command in a child process (see {@link binCommand}). `preload`: CommonJS files to `--require` first; `env`: extra environment.
 */
export function runCli(
  args: readonly string[],
  options: { preload?: readonly string[]; env?: Record<string, string> } = {},
): Promise<CliRun> {
  const nodeArgs = [...(options.preload ?? []).flatMap((file) => ['--require', file]), ...BIN];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...nodeArgs, ...args],
      { cwd: PACKAGE_DIR, env: { ...process.env, NO_COLOR: '1', ...options.env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') {
          reject(error);
          return;
        }
        resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr });
      },
    );
  });
}

/** Runs the CLI with `--json` and parses stdout. */
export async function runJson<T = Record<string, unknown>>(
  args: readonly string[],
): Promise<{ run: CliRun; json: T }> {
  const run = await runCli([...args, '--json']);
  try {
    return { run, json: JSON.parse(run.stdout) as T };
  } catch {
    throw new Error(`stdout is not JSON (exit ${run.code}): ${run.stdout}\nstderr: ${run.stderr}`);
  }
}

type Teardown = { teardown(fn: () => void | Promise<void>): void };

/** A cache location for the adapters and the same one as CLI arguments. */
export interface StoreUnderTest {
  name: 'sqlite' | 'redis';
  /** Adapter options selecting this cache. */
  options: CacheOptions;
  /** The CLI's arguments selecting this cache. */
  args: string[];
  /** How the CLI describes it (`sqlite (…/http_cache.sqlite)`, `redis (…)`). */
  description: string;
}

/** A fresh SQLite cache in a temporary directory, removed in teardown. */
export function sqliteStore(t: Teardown): StoreUnderTest {
  const dir = mkdtempSync(join(tmpdir(), 'reqcache-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const cacheName = join(dir, 'http_cache');
  return {
    name: 'sqlite',
    options: { backend: 'sqlite', cacheName },
    args: ['--cache-name', cacheName],
    description: `sqlite (${cacheName}.sqlite)`,
  };
}

/** A fresh Redis namespace, cleared in teardown. */
export function redisStore(t: Teardown): StoreUnderTest {
  const namespace = `reqcache-cli-test-${randomUUID()}`;
  t.teardown(async () => {
    const engine = new CacheEngine({
      backend: 'redis',
      cacheName: namespace,
      backendOptions: { url: REDIS_URL },
    });
    try {
      await engine.cache.clear();
    } finally {
      await engine.cache.close();
    }
  });
  return {
    name: 'redis',
    options: { backend: 'redis', cacheName: namespace, backendOptions: { url: REDIS_URL } },
    args: ['--backend', 'redis', '--url', REDIS_URL, '--namespace', namespace],
    description: `redis (${namespace})`,
  };
}

export const TEN_DAYS_MS = 10 * 24 * 3600 * 1000;

/** The responses {@link populate} stores, by path, with what the CLI should show. */
export interface Populated {
  server: TestServer;
  store: StoreUnderTest;
  url(path: string): string;
  /** Responses stored: 9 (7 fresh, 2 expired and 10 days old). */
  total: number;
  fresh: number;
  expired: number;
}

/**
 * Fills a cache through the three adapters against a real test server, then closes them:
 * - fetch: `/json`, `/get?b=2&a=1` (with an `Authorization` header, stored redacted), `/image/png`;
 * - got: `/html`, `/redirect/2` (stored with redirect aliases for `/redirect/1` and `/get`);
 * - axios: `/bytes/2000`, `/anything/search?q=1&api_key=s3cret` (expires in a day);
 * - fetch with a clock 10 days back and `expireAfter: '1h'`: `/etag/old-1` and `/etag/old-2` (expired, kept
 *   in the store because they have a validator).
 */
export async function populate(t: Teardown, store: StoreUnderTest): Promise<Populated> {
  const server = await createTestServer(t);
  const url = (path: string) => server.url + path;
  // Real time, but strictly increasing: no two responses share a creation time, so "newest first" is exact.
  let lastMs = 0;
  const clock = () => {
    lastMs = Math.max(Date.now(), lastMs + 1);
    return lastMs;
  };
  const options: CacheOptions = { ...store.options, clock };

  const cachedFetch = withCache(fetch, options);
  try {
    for (const path of ['/json', '/get?b=2&a=1', '/image/png']) {
      const response = await cachedFetch(url(path), { headers: { authorization: 'Bearer s3cret' } });
      await response.arrayBuffer();
    }
  } finally {
    await cachedFetch.cache.close();
  }

  const plugin = gotCache(options);
  try {
    const client = got.extend(plugin) as unknown as Got;
    await client(url('/html'));
    await client(url('/redirect/2'));
  } finally {
    await plugin.close();
  }

  const api = setupCache(axios.create(), { ...options, expireAfter: '1d' });
  try {
    await api.get(url('/bytes/2000'), { responseType: 'arraybuffer' });
    await api.get(url('/anything/search?q=1&api_key=s3cret'));
  } finally {
    await api.cache.close();
  }

  const oldFetch = withCache(fetch, {
    ...store.options,
    expireAfter: '1h',
    clock: () => Date.now() - TEN_DAYS_MS,
  });
  try {
    for (const path of ['/etag/old-1', '/etag/old-2']) await (await oldFetch(url(path))).arrayBuffer();
  } finally {
    await oldFetch.cache.close();
  }
  return { server, store, url, total: 9, fresh: 7, expired: 2 };
}
