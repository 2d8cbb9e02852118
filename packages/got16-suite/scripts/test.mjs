// Runs @reqcache/got's test files against got 16. got 16 requires Node >= 22 (its `engines`), so on
// older Node this suite says why it does not run and succeeds; CI runs it on Node 22, 24 and 26
// (`test:matrix`).
import { spawnSync } from 'node:child_process';

const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  console.log(
    `@reqcache/got16-suite: not run on Node ${process.version}: got 16 requires Node >= 22 ` +
      '(CI runs this suite on Node 22, 24 and 26; got 14 is tested on every Node by @reqcache/got)',
  );
  process.exit(0);
}
if (!process.argv.includes('--pending')) {
  console.log(
    '@reqcache/got16-suite: the behaviour suite and stream tests run against got 16; ' +
      'plugin.test.ts and coalescing.test.ts are pending (`pnpm test:pending`) until @reqcache/got and its tests handle ' +
      "got 16: responseType 'buffer' bodies are Uint8Array, not Buffer; the response of a request retried " +
      "by an afterResponse hook's retryWithMergedOptions no longer runs the afterResponse hooks before that " +
      'hook (the plugin never sees it, so it is not stored); CancelError and promise.cancel() are gone (signal, AbortError)',
  );
}
const files = process.argv.includes('--pending') ? ['--config', 'ava.pending.config.mjs'] : [];
const ava = spawnSync('ava', files, { stdio: 'inherit' });
process.exit(ava.status ?? 1);
