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
const ava = spawnSync('ava', [], { stdio: 'inherit' });
process.exit(ava.status ?? 1);
