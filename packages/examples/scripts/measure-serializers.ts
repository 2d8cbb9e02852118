/**
 * Measures each built-in serializer: dumps + loads time and size, for a 1 kB JSON response, a 100 kB
 * binary (incompressible) response and a ~50 kB JSON (compressible) response. "stored" is what a Keyv store keeps (Keyv writes bytes as base64 text).
 * Run: pnpm --filter @reqcache/examples measure:serializers
 */
import { randomBytes } from 'node:crypto';
import { type CacheEntry, ENTRY_VERSION, type SerializerName, serializerByName } from '@reqcache/core';
import { hasZstd } from '@reqcache/core/internal';
import { Keyv } from 'keyv';

function entry(contentType: string, body: Uint8Array): CacheEntry {
  const now = Date.now();
  return {
    v: ENTRY_VERSION,
    status: 200,
    statusText: 'OK',
    headers: {
      'content-type': contentType,
      'content-length': String(body.byteLength),
      date: new Date(now).toUTCString(),
      etag: '"5f3c-1a2b3c"',
      'cache-control': 'max-age=300',
      'set-cookie': ['session=abc; Path=/; HttpOnly', 'theme=dark; Path=/'],
    },
    body,
    url: 'https://api.example.com/v1/items?page=2',
    request: {
      method: 'GET',
      url: 'https://api.example.com/v1/items?page=2',
      headers: { accept: 'application/json', 'user-agent': 'reqcache-bench' },
    },
    history: [],
    createdAt: now,
    expiresAt: now + 300_000,
    requestedAt: now,
    receivedAt: now,
  };
}

const items = Array.from({ length: 12 }, (_, i) => ({
  id: i,
  name: `item ${i}`,
  price: 9.99 + i,
  tags: ['a', 'b'],
}));
const json1k = new TextEncoder().encode(JSON.stringify({ page: 2, items }).padEnd(1024, ' '));
const binary100k = new Uint8Array(randomBytes(100 * 1024));
const json100k = new TextEncoder().encode(
  JSON.stringify(
    Array.from({ length: 800 }, (_, i) => ({ id: i, name: `item ${i}`, price: i * 1.5, tags: ['a'] })),
  ),
);
const samples = {
  '1 kB JSON': entry('application/json', json1k),
  '100 kB binary': entry('application/octet-stream', binary100k),
  [`${Math.round(json100k.byteLength / 1024)} kB JSON`]: entry('application/json', json100k),
};

const names: SerializerName[] = [
  'json',
  'yaml',
  'bson',
  'msgpack',
  'json+gzip',
  'json+brotli',
  'msgpack+gzip',
  'bson+gzip',
];
if (hasZstd()) names.push('json+zstd', 'msgpack+zstd');

async function storedSize(data: string | Uint8Array): Promise<number> {
  const map = new Map<string, unknown>();
  const keyv = new Keyv({ store: map });
  await keyv.set('k', data);
  return String([...map.values()][0]).length;
}

console.log(`Node ${process.versions.node}; median of 7 runs; µs per dumps+loads`);
console.log('| serializer | sample | dumps+loads µs | serialized bytes | stored bytes (Keyv) |');
console.log('|---|---|---:|---:|---:|');
for (const name of names) {
  const serializer = serializerByName(name);
  for (const [label, sample] of Object.entries(samples)) {
    const iterations = label === '1 kB JSON' ? 300 : 10;
    for (let i = 0; i < 5; i++) serializer.loads(serializer.dumps(sample)); // warm-up
    const runs: number[] = [];
    for (let run = 0; run < 7; run++) {
      const started = process.hrtime.bigint();
      for (let i = 0; i < iterations; i++) serializer.loads(serializer.dumps(sample));
      runs.push(Number(process.hrtime.bigint() - started) / 1000 / iterations);
    }
    runs.sort((a, b) => a - b);
    const data = serializer.dumps(sample);
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    console.log(`| ${name} | ${label} | ${runs[3]!.toFixed(1)} | ${bytes} | ${await storedSize(data)} |`);
  }
}
