/** The entries the crash-safety writer writes: a URL and a body that can be recomputed from an index. */
import { createHash } from 'node:crypto';

export function urlFor(index: number): string {
  return `https://crash.example/entry/${index}`;
}

/** 1 KiB to 64 KiB of bytes derived from the URL, so a body can be checked against its URL. */
export function bodyFor(index: number): Uint8Array {
  const seed = createHash('sha256').update(urlFor(index)).digest();
  const length = 1024 + (seed.readUInt16BE(0) % 63) * 1024;
  const body = new Uint8Array(length);
  for (let i = 0; i < length; i += 32) {
    body.set(
      createHash('sha256')
        .update(seed)
        .update(String(i))
        .digest()
        .subarray(0, Math.min(32, length - i)),
      i,
    );
  }
  return body;
}
