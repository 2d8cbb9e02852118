/** Where the filesystem store's tests keep their caches. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CacheEngine } from '@reqcache/core';
import type { StoreSuiteOptions } from '@reqcache/store-suite';

/** A temporary directory holding filesystem caches (one subdirectory per cache name), removed by `remove()`. */
export function cacheDirectories(): { path: string; dir(cacheName: string): string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'reqcache-files-'));
  return {
    path,
    dir: (cacheName) => join(path, cacheName),
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

/** The store suite on the filesystem backend, one temporary directory per cache name. */
export function filesystemSuite(): StoreSuiteOptions {
  const directories = cacheDirectories();
  return {
    name: 'filesystem',
    createEngine: (options) =>
      new CacheEngine({ ...options, backend: 'filesystem', cacheName: directories.dir(options.cacheName) }),
    cleanup: (cacheName) => rmSync(directories.dir(cacheName), { recursive: true, force: true }),
  };
}
