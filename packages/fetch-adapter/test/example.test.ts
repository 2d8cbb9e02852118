import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import test from 'ava';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));

test('examples/basic.ts runs: the second fetch comes from the cache', async (t) => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/basic.ts'], {
    cwd: packageDir,
    timeout: 30_000,
  });
  t.regex(stdout, /fetch #1: fromCache=false body=\{"served":1\}/);
  t.regex(stdout, /fetch #2: fromCache=true body=\{"served":1\}/);
  t.regex(stdout, /request: GET http:\/\/127\.0\.0\.1:\d+\/data, response: 200 \(12 bytes\).*from cache/);
  t.regex(stdout, /requests that reached the server: 1/);
});
