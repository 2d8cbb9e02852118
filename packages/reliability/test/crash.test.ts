/**
 * Crash safety: a process writing a burst of entries to SQLite is killed with SIGKILL mid-burst. The
 * database opens afterwards, passes `PRAGMA integrity_check`, and every entry it holds decodes and
 * matches its URL: no partial entry is ever served.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CacheEngine, type ReqcacheError } from '@reqcache/core';
import { fetchThrough } from '@reqcache/store-suite';
import test from 'ava';
import { bodyFor, urlFor } from './helpers/crash.js';
import { removeSqliteFile, temporaryDirectory } from './helpers/stores.js';

const writer = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url));
const packageDirectory = fileURLToPath(new URL('..', import.meta.url));

/** Starts the writer, kills it with SIGKILL once it has written `killAfter` entries; resolves the count seen. */
function writeAndKill(path: string, killAfter: number): Promise<{ written: number; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, path], {
      cwd: packageDirectory,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let written = 0;
    let buffered = '';
    let stderr = '';
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      written += lines.filter((line) => line.startsWith('written ')).length;
      if (written >= killAfter && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (signal !== 'SIGKILL') reject(new Error(`the writer exited by itself (${code}): ${stderr}`));
      else resolve({ written, signal });
    });
  });
}

for (const [label, killAfter] of [
  ['early', 20],
  ['mid-burst', 300],
] as const) {
  test(`crash safety (${label}): a writer SIGKILLed mid-burst leaves a SQLite file that opens, passes integrity_check, and serves only whole entries`, async (t) => {
    const path = join(temporaryDirectory(t), 'crash.sqlite');
    t.teardown(() => removeSqliteFile(path));
    const { written, signal } = await writeAndKill(path, killAfter);
    t.is(signal, 'SIGKILL');
    t.true(written >= killAfter);

    const engine = new CacheEngine({ backend: 'sqlite', cacheName: path });
    const errors: ReqcacheError[] = [];
    engine.on('error', (error) => errors.push(error));
    t.teardown(() => engine.cache.close());
    const sqlite = engine.keyv.store as { query(sql: string): Promise<Array<Record<string, unknown>>> };
    t.deepEqual(await sqlite.query('PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);

    // Every stored entry decodes and matches its URL and key.
    let stored = 0;
    for await (const item of engine.cache.filter({ invalid: true })) {
      if (item.invalid) {
        t.fail(`an undecodable entry survived the crash: ${item.error.message}`);
        continue;
      }
      const index = Number(item.url.split('/').pop());
      t.is(item.url, urlFor(index));
      t.is(item.cacheKey, engine.createKey({ method: 'GET', url: item.url, headers: {} }));
      t.true(Buffer.from(item.body).equals(Buffer.from(bodyFor(index))), `body of ${item.url}`);
      stored++;
    }
    t.true(
      stored >= written,
      `every acknowledged write survived (${stored} stored, ${written} acknowledged)`,
    );

    // Served through the engine (never the network): each answer is the whole entry or a 504, never a part.
    const limit = stored + 16;
    let served = 0;
    for (let index = 0; index < limit; index++) {
      const response = await fetchThrough(engine, urlFor(index), { cache: { onlyIfCached: true } });
      if (!response.fromCache || response.status === 504) continue;
      t.is(response.status, 200);
      t.true(Buffer.from(response.body).equals(Buffer.from(bodyFor(index))), `served ${urlFor(index)}`);
      served++;
    }
    t.is(served, stored);
    t.deepEqual(
      errors.map((error) => error.message),
      [],
    );
  });
}
