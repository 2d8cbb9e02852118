import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import test from 'ava';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** A port that is free now, for both runs of one test (the demo's origin listens on a fixed port). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function demo(env: Record<string, string>): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/demo.ts'], {
    env: { ...process.env, ...env },
  });
  return stdout;
}

function row(stdout: string, path: string, client: string): string {
  return stdout.split('\n').find((line) => line.startsWith(`${path} `) && line.includes(` ${client} `)) ?? '';
}

test('the demo shares one SQLite cache between fetch, got and axios, and a second run is answered from it', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'reqcache-demo-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const env = { REQCACHE_DEMO_CACHE: join(dir, 'demo_cache'), REQCACHE_DEMO_PORT: String(await freePort()) };

  const first = await demo(env);
  t.regex(first, /demo_cache\.sqlite is empty: this run fills it\. Run `pnpm demo` again/);
  t.regex(row(first, '/json', 'fetch'), /200 miss/);
  t.regex(row(first, '/json', 'got'), /200 hit {2}/);
  t.regex(row(first, '/json', 'axios'), /200 hit/);
  t.regex(row(first, '/etag/demo', 'got'), /revalidated \(304\)/);
  t.regex(row(first, '/bytes/2048', 'axios'), /200 hit/);
  t.regex(first, /Requests that reached the origin \(http:\/\/127\.0\.0\.1:\d+\): 6 of 12/);
  t.regex(first, /What the cache holds \(4 responses\)/);

  const second = await demo(env);
  t.regex(second, /already holds 4 responses from an earlier run: they answer this one/);
  for (const client of ['fetch', 'got', 'axios']) {
    t.regex(row(second, '/json', client), /200 hit \(stored by an earlier run\)/, `/json through ${client}`);
    t.regex(row(second, '/bytes/2048', client), /200 hit \(stored by an earlier run\)/);
    t.regex(row(second, '/etag/demo', client), /revalidated \(304, stored by an earlier run\)/);
  }
  t.regex(
    second,
    /Requests that reached the origin \(http:\/\/127\.0\.0\.1:\d+\): 3 of 12/,
    'only the revalidations',
  );
});

test('the demo prints the options it used', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'reqcache-demo-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const cacheName = join(dir, 'demo_cache');
  const stdout = await demo({ REQCACHE_DEMO_CACHE: cacheName, REQCACHE_DEMO_PORT: String(await freePort()) });
  t.regex(stdout, /Options \(the same object for the three clients\):\n\{\n/);
  t.true(stdout.includes(`cacheName: '${cacheName}'`));
  t.true(stdout.includes("expireAfter: '5m'"));
  t.true(stdout.includes("urlsExpireAfter: { '*/etag/*': 0, '*/json': -1 }"));
  t.true(stdout.includes('autoclose: true'));
});

test("the demo's closing hint is a root script that lists what the demo stored", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'reqcache-demo-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const stdout = await demo({
    REQCACHE_DEMO_CACHE: join(dir, 'demo_cache'),
    REQCACHE_DEMO_PORT: String(await freePort()),
  });
  const hint = /\n {2}(pnpm reqcache list --cache-name (\S+))\n/.exec(stdout);
  t.truthy(hint, 'the hint is printed');
  const [, , cacheFile] = hint ?? [];

  // `pnpm reqcache <args>` runs the root package.json's script with the arguments appended.
  const root = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const script = root.scripts['reqcache'] ?? '';
  t.regex(script, /^node scripts\/reqcache\.mjs$/, 'builds the CLI, then runs it');
  const listed = await run(
    process.execPath,
    ['packages/cli/dist/bin.js', 'list', '--cache-name', cacheFile ?? ''],
    {
      cwd: repoRoot,
    },
  );
  for (const path of ['/json', '/cache/60', '/etag/demo', '/bytes/2048'])
    t.true(listed.stdout.includes(path), path);
});

test('pnpm demo builds the CLI too, so the hint works right after it', async (t) => {
  const root = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  t.regex(root.scripts['demo'] ?? '', /--filter=@reqcache\/cli\.\.\./);
});
