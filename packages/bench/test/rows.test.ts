import test from 'ava';
import { buildRows, type ClientName, removeTempDir } from '../src/clients.js';
import { BIN_BODY, JSON_BODY, startOrigin } from '../src/origin.js';

test('the origin serves the fixed payloads, and 304 to a matching If-None-Match on /rev', async (t) => {
  const origin = await startOrigin();
  t.teardown(() => origin.close());
  t.is(JSON_BODY.byteLength, 1024);
  t.is(BIN_BODY.byteLength, 102_400);
  const json = await fetch(`${origin.url}/json/1`);
  t.is(json.headers.get('cache-control'), 'public, max-age=3600');
  t.deepEqual(new Uint8Array(await json.arrayBuffer()), new Uint8Array(JSON_BODY));
  const bin = await fetch(`${origin.url}/bin/u7`);
  t.is((await bin.arrayBuffer()).byteLength, 102_400);
  const first = await fetch(`${origin.url}/rev/json/1`);
  await first.arrayBuffer();
  t.is(first.headers.get('cache-control'), 'no-cache');
  const etag = first.headers.get('etag') ?? '';
  const second = await fetch(`${origin.url}/rev/json/1`, { headers: { 'if-none-match': etag } });
  t.is(second.status, 304);
  t.is((await fetch(`${origin.url}/nothing`)).status, 404);
  t.is(origin.hits('/json'), 1);
  t.is(origin.hits('/rev/json'), 2);
  t.is(origin.hits(''), 5);
});

for (const client of ['fetch', 'got', 'axios'] as ClientName[]) {
  test.serial(
    `${client}: after warming, hit, peer and floor rows never reach the origin; the others always do`,
    async (t) => {
      const origin = await startOrigin();
      t.teardown(() => origin.close());
      t.teardown(() => removeTempDir());
      const rows = await buildRows(client, 'json-1k', {
        origin,
        warmUrls: 3,
        runId: `test-${process.pid}`,
        stores: ['memory', 'sqlite'],
      });
      t.teardown(async () => {
        for (const row of rows) await row.close();
      });
      const kinds = rows.map((row) => row.kind);
      t.deepEqual([...new Set(kinds)], ['uncached', 'hit', 'miss', 'revalidate', 'peer', 'floor']);
      for (const row of rows) {
        const before = origin.hits('');
        for (let i = 0; i < 6; i++) await row.run();
        await row.afterBatch?.();
        const reached = origin.hits('') - before;
        const cached = row.kind === 'hit' || row.kind === 'peer' || row.kind === 'floor';
        t.is(reached, cached ? 0 : 6, `${row.label}: ${reached} requests reached the origin`);
      }
      // Rows alternate in a run: a miss row emptying its store between batches must not empty a hit row's.
      for (const row of rows.filter((r) => r.kind === 'hit')) {
        const before = origin.hits('');
        for (let i = 0; i < 6; i++) await row.run();
        t.is(origin.hits('') - before, 0, `${row.label}, after the other rows' batches: still hits`);
      }
    },
  );
}
