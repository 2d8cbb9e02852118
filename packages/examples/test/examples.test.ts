/** Every example runs as a user would run it (`node --import tsx examples/<name>.ts`) and prints what it should. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import test from 'ava';

const execFileAsync = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));

async function run(example: string, env: Record<string, string> = {}) {
  return execFileAsync(process.execPath, ['--import', 'tsx', `examples/${example}`], {
    cwd: packageDir,
    timeout: 60_000,
    env: { ...process.env, NODE_DEBUG: '', DEBUG: '', ...env },
  });
}

test('shared-cache.ts: got and axios are served what fetch stored', async (t) => {
  const { stdout } = await run('shared-cache.ts');
  t.regex(stdout, /^fetch: fromCache=false \{ items: \[ 'apple', 'pear', 'plum' \] \}$/m);
  t.regex(stdout, /^got: {3}fromCache=true \{ items: \[ 'apple', 'pear', 'plum' \] \}$/m);
  t.regex(stdout, /^axios: fromCache=true \{ items: \[ 'apple', 'pear', 'plum' \] \}$/m);
  t.regex(stdout, /^requests that reached the server: 1$/m);
  t.regex(stdout, /^responses in the cache: 1$/m);
});

test('custom-client.ts: the core over node:http revalidates with 304s', async (t) => {
  const { stdout } = await run('custom-client.ts');
  t.regex(stdout, /^GET \/items #1: 200 from network: \{"items":\["apple","pear","plum"\]\}$/m);
  t.regex(stdout, /^GET \/items #2: 200 from cache \(revalidated by a 304\): \{"items"/m);
  t.regex(stdout, /^GET \/items #3: 200 from cache \(revalidated by a 304\): \{"items"/m);
  t.regex(stdout, /^requests that reached the server: 3$/m);
});

test('custom-client.ts is under 60 lines of client code', async (t) => {
  const { readFile } = await import('node:fs/promises');
  const source = await readFile(new URL('../examples/custom-client.ts', import.meta.url), 'utf8');
  const clientEnd = source.indexOf('const origin = await startOrigin()');
  t.true(clientEnd > 0);
  t.true(source.slice(0, clientEnd).split('\n').length < 60);
});

test('ky.ts: ky with a cached fetch, per-request options passed through', async (t) => {
  const { stdout } = await run('ky.ts');
  t.regex(stdout, /^ky #1: user 1, fromCache=false$/m);
  t.regex(stdout, /^ky #2: user 1, fromCache=true$/m);
  t.regex(stdout, /^ky forceRefresh: fromCache=false$/m);
  t.regex(stdout, /^requests that reached the server: 2$/m);
});

test('testing.ts: the node:test tests of code using reqcache pass against MockAgent', async (t) => {
  const { stdout } = await run('testing.ts');
  t.regex(stdout, /^(#|ℹ) pass 3$/m); // TAP (not a terminal) or spec reporter
  t.regex(stdout, /^(#|ℹ) fail 0$/m);
});

test('serializers.ts: a built-in name and a custom pipeline both serve from the cache', async (t) => {
  const { stdout } = await run('serializers.ts');
  t.regex(stdout, /^msgpack\+gzip: fromCache=true \{ items: \[ 'apple', 'pear', 'plum' \] \}$/m);
  t.regex(stdout, /^custom pipeline name: entry\+json\+utf8\+gzip\+marked\+signed$/m);
  t.regex(stdout, /^custom pipeline: fromCache=true /m);
  t.regex(stdout, /^requests that reached the server: 2$/m);
});

test('events.ts: one event per decision, the counters, and NODE_DEBUG lines on stderr', async (t) => {
  const { stdout, stderr } = await run('events.ts', { NODE_DEBUG: 'reqcache' });
  const events = stdout
    .split('\n')
    .filter((line) => /^(hit|miss|stored|stale|revalidated) +[0-9a-f]{8} \//.test(line))
    .map((line) => line.split(/\s+/)[0]);
  t.deepEqual(events, ['miss', 'stored', 'hit', 'miss', 'stored', 'hit', 'miss', 'stored']);
  t.regex(
    stdout,
    /^stats: \{"hits":2,"misses":3,"stale":0,"revalidated":0,"stored":3,"notStored":0,"errors":0,"coalescedWaits":0,"leaseTakeovers":0,"leaseFallbacks":0,"hitRatio":0\.4\}$/m,
  );
  t.regex(stdout, /^hit ratio: 40%$/m);
  t.is(
    stderr.split('\n').filter((line) => /^REQCACHE \d+: (hit|miss|stored) [0-9a-f]{12} http/.test(line))
      .length,
    8,
  );
});
