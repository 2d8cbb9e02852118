import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';

const run = promisify(execFile);

test('the demo shares one SQLite cache between fetch, got and axios', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'reqcache-demo-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/demo.ts'], {
    env: { ...process.env, REQCACHE_DEMO_CACHE: join(dir, 'demo_cache') },
  });
  const row = (path: string, client: string) =>
    stdout.split('\n').find((line) => line.startsWith(`${path} `) && line.includes(` ${client} `)) ?? '';
  t.regex(row('/json', 'fetch'), /200 miss/);
  t.regex(row('/json', 'got'), /200 hit/);
  t.regex(row('/json', 'axios'), /200 hit/);
  t.regex(row('/etag/demo', 'got'), /revalidated \(304\)/);
  t.regex(row('/bytes/2048', 'axios'), /200 hit/);
  t.regex(stdout, /Requests that reached the origin: 6 of 12/);
  t.regex(stdout, /What the cache holds \(4 responses\)/);
});
