import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import test from 'ava';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** Runs a script with tsx and collects its output. */
function run(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: packageDir });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('examples/basic.ts runs and shows a miss, a hit and a 304 revalidation', async (t) => {
  const { code, stdout, stderr } = await run('examples/basic.ts');
  t.is(code, 0, stderr);
  const lines = stdout.trim().split('\n');
  t.is(lines[0], 'first:  fromCache=false status=200');
  t.is(lines[1], 'second: fromCache=true isFromCache=true');
  t.is(lines[2], 'json:   {"path":"/data","hello":"world"}');
  t.is(lines[3], 'refresh: status=200 revalidated=true');
  t.is(lines[4], 'origin hits: 2');
  t.regex(lines[5] ?? '', /^cached urls: http:\/\/127\.0\.0\.1:\d+\/data$/);
  t.regex(
    lines[6] ?? '',
    /^request: GET http:\/\/127\.0\.0\.1:\d+\/data, response: 200 \(32 bytes\), .*\(fresh\), from cache$/,
  );
});
