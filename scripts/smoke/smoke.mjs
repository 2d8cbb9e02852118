// The pack-and-install smoke test's program (scripts/pack-check.mjs copies it into a new npm project
// where the packed tarballs are installed, outside the workspace). It uses the packages as a user
// does: every packed package imports by name; fetch, got and axios each make one request twice
// against a local node:http server through one Redis-backed cache; `npx @reqcache/cli` lists what
// they stored and clears it. Exits non-zero on the first failed check.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';

const checks = [];
async function check(name, fn) {
  await fn();
  checks.push(name);
  console.log(`smoke: ok - ${name}`);
}

for (const name of process.argv.slice(2)) {
  await check(`import ${name}`, async () => {
    const module = await import(name);
    assert.ok(Object.keys(module).length > 0, `${name} exports nothing`);
  });
}

const hits = new Map();
const server = createServer((request, response) => {
  hits.set(request.url, (hits.get(request.url) ?? 0) + 1);
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ path: request.url }));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const namespace = `reqcache_smoke_${process.pid}_${Date.now()}`;
const options = {
  backend: 'redis',
  cacheName: namespace,
  backendOptions: { url: redisUrl },
  expireAfter: '1h',
};

try {
  const { withCache } = await import('@reqcache/fetch');
  const cachedFetch = withCache(fetch, options);
  await check('@reqcache/fetch: the second request is served from the cache', async () => {
    const first = await cachedFetch(`${origin}/fetch`);
    assert.deepEqual(await first.json(), { path: '/fetch' });
    const second = await cachedFetch(`${origin}/fetch`);
    assert.deepEqual(await second.json(), { path: '/fetch' });
    assert.equal(first.fromCache, false);
    assert.equal(second.fromCache, true);
    assert.equal(hits.get('/fetch'), 1);
  });
  await cachedFetch.close();

  const { default: got } = await import('got');
  const { gotCache } = await import('@reqcache/got');
  const plugin = gotCache(options);
  const client = got.extend(plugin);
  await check('@reqcache/got: the second request is served from the cache', async () => {
    const first = await client(`${origin}/got`).json();
    const second = await client(`${origin}/got`);
    assert.deepEqual(first, { path: '/got' });
    assert.deepEqual(JSON.parse(second.body), { path: '/got' });
    assert.equal(second.fromCache, true);
    assert.equal(hits.get('/got'), 1);
  });
  await plugin.close();

  const { default: axios } = await import('axios');
  const { setupCache } = await import('@reqcache/axios');
  const api = setupCache(axios.create(), options);
  await check('@reqcache/axios: the second request is served from the cache', async () => {
    const first = await api.get(`${origin}/axios`);
    const second = await api.get(`${origin}/axios`);
    assert.deepEqual(second.data, first.data);
    assert.equal(first.fromCache, false);
    assert.equal(second.fromCache, true);
    assert.equal(hits.get('/axios'), 1);
  });
  await api.cache.close();

  const cli = (...args) =>
    execFileSync(
      'npx',
      ['--no', '@reqcache/cli', ...args, '--url', redisUrl, '--namespace', namespace, '--json'],
      {
        encoding: 'utf8',
      },
    );
  await check('npx @reqcache/cli list: the three responses are in the shared cache', () => {
    const listed = JSON.parse(cli('list'));
    assert.equal(listed.total, 3);
    assert.deepEqual(listed.responses.map((response) => new URL(response.url).pathname).sort(), [
      '/axios',
      '/fetch',
      '/got',
    ]);
  });
  await check('npx @reqcache/cli clear --yes removes them', () => {
    assert.equal(JSON.parse(cli('clear', '--yes')).responses, 3);
  });
} finally {
  server.close();
}
console.log(`smoke: ${checks.length} checks passed`);
