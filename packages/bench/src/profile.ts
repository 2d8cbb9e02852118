/**
 * Runs one row alone in a loop, for a profiler:
 * `node --cpu-prof --import tsx src/profile.ts <client> <kind>[:<store>] <payload> [requests]`
 * e.g. `fetch hit:memory bin-100k 20000`.
 * @module
 */
import { buildRows, type ClientName, removeTempDir } from './clients.js';
import { type PayloadName, startOrigin } from './origin.js';

const [client = 'fetch', which = 'hit:memory', payload = 'json-1k', count = '20000'] = process.argv.slice(2);
const [kind, store] = which.split(':');
const origin = await startOrigin();
try {
  const rows = await buildRows(client as ClientName, payload as PayloadName, {
    origin,
    warmUrls: 100,
    runId: `profile-${process.pid}`,
    stores: store === undefined ? ['memory'] : [store as 'memory'],
  });
  const row = rows.find(
    (r) => r.kind === kind && (store === undefined || r.store === undefined || r.store === store),
  );
  if (row === undefined) throw new Error(`No row ${which} for ${client}`);
  const n = Number(count);
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    await row.run();
    if (row.afterBatch !== undefined && i % 50 === 49) await row.afterBatch();
  }
  const elapsed = performance.now() - started;
  process.stderr.write(
    `${client} ${row.label} ${payload}: ${((elapsed / n) * 1000).toFixed(1)} µs/request (mean)\n`,
  );
  for (const r of rows) await r.close();
} finally {
  await origin.close();
  removeTempDir();
}
