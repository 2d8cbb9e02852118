/** The README's example runs as documented and prints what it says, with no network beyond 127.0.0.1. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createTestServer } from '@reqcache/test-server';
import test from 'ava';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

test('examples/basic.ts runs against a local origin', async (t) => {
  const server = await createTestServer(t);
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'examples/basic.ts', server.url],
    { cwd: packageDir, timeout: 30_000 },
  );
  const lines = stdout.trim().split('\n');
  t.is(lines[0], 'first: 200 fromCache=false');
  t.is(lines[1], 'second: 200 fromCache=true');
  t.regex(
    lines[2] ?? '',
    new RegExp(`^request: GET ${server.url}/get\\?q=reqcache, response: 200 .*\\(fresh\\), from cache$`),
  );
  t.is(lines[3], 'forceRefresh: fromCache=false');
  t.is(lines[4], 'cache false: fromCache=false');
  t.is(lines[5], 'stored responses: 1');
  t.is(server.hits('/get'), 2);
  t.is(server.hits('/uuid'), 1);
});

test('examples/basic.ts without a base URL starts its own local origin', async (t) => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'examples/basic.ts'], {
    cwd: packageDir,
    timeout: 30_000,
  });
  const lines = stdout.trim().split('\n');
  t.is(lines[0], 'first: 200 fromCache=false');
  t.is(lines[1], 'second: 200 fromCache=true');
  t.regex(
    lines[2] ?? '',
    /^request: GET http:\/\/127\.0\.0\.1:\d+\/get\?q=reqcache, response: 200 .*\(fresh\), from cache$/,
  );
  t.is(lines[3], 'forceRefresh: fromCache=false');
  t.is(lines[4], 'cache false: fromCache=false');
  t.is(lines[5], 'stored responses: 1');
  t.is(lines.length, 6);
});
