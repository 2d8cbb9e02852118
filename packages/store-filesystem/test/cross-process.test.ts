import { rmSync } from 'node:fs';
import { registerCrossProcessCase, uniqueCacheName } from '@reqcache/store-suite';
import test from 'ava';
import { cacheDirectories } from './helpers.js';

const directories = cacheDirectories();
test.after.always(() => directories.remove());

registerCrossProcessCase(test, 'filesystem', () => {
  const path = directories.dir(uniqueCacheName());
  return {
    options: { backend: 'filesystem', cacheName: path },
    cleanup: () => rmSync(path, { recursive: true, force: true }),
  };
});
