/**
 * Serializers: pick a built-in one by name, or compose your own `SerializerPipeline` from stages.
 * Built-in names are a format (`json` (default), `yaml`, `bson`, `msgpack`), optionally followed by a
 * compression (`+gzip`, `+brotli`, `+zstd` where Node.js has it). The name is part of every cache key,
 * so caches written with different serializers never read each other's entries.
 */
import { gzipStage, SerializerPipeline, type Stage, signingStage } from '@reqcache/core';
import { entryStage, jsonStage, utf8Stage } from '@reqcache/core/internal';
import { withCache } from '@reqcache/fetch';
import { startOrigin } from './origin.js';

const origin = await startOrigin();

// 1. By name: MessagePack (install `@msgpack/msgpack`), gzip-compressed.
const packed = withCache(fetch, { backend: 'memory', serializer: 'msgpack+gzip' });
await packed(`${origin.url}/items`);
const hit = await packed(`${origin.url}/items`);
console.log(`msgpack+gzip: fromCache=${hit.fromCache}`, await hit.json());

// 2. Your own pipeline: stages run in order on write and in reverse on read (serialize → compress →
//    sign). A stage is any object with dumps/loads; `marker` adds a format marker and checks it on read,
//    `signingStage` makes a tampered entry a reported miss.
const marker: Stage<Uint8Array, Uint8Array> = {
  name: 'marked',
  dumps: (bytes) => Buffer.concat([Buffer.from('RQC1'), bytes]),
  loads: (bytes) => {
    if (Buffer.from(bytes.subarray(0, 4)).toString() !== 'RQC1') throw new Error('not a reqcache entry');
    return bytes.subarray(4);
  },
};
const serializer = new SerializerPipeline([
  entryStage, // CacheEntry → plain object (bodies as base64)
  jsonStage, // → JSON text
  utf8Stage, // → bytes
  gzipStage({ level: 9 }), // → compressed bytes
  marker,
  signingStage({ secretKey: process.env['CACHE_SIGNING_KEY'] ?? 'example key: use 32+ random bytes' }),
]);
console.log(`custom pipeline name: ${serializer.name}`);
const custom = withCache(fetch, { backend: 'memory', serializer });
await custom(`${origin.url}/items`);
const again = await custom(`${origin.url}/items`);
console.log(`custom pipeline: fromCache=${again.fromCache}`, await again.json());

console.log(`requests that reached the server: ${origin.hits}`);
await Promise.all([packed.close(), custom.close()]);
await origin.close();
