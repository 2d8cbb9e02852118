#!/usr/bin/env node
// Runs package scripts one after another as timed phases: `node scripts/phases.mjs lint typecheck test`.
// Every phase runs even when an earlier one failed (so one run reports every failure and counts every
// test); the exit code is non-zero when any phase failed. Each phase ends with a line
// "== phase <name>: <seconds>s (ok|failed)" and the run with a summary of all of them.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const phases = process.argv.slice(2);
if (phases.length === 0) {
  console.error('usage: node scripts/phases.mjs <script> [<script> ...]');
  process.exit(2);
}

// REQCACHE_BUILT=1 says every package is built already (CI builds first, then runs other Node versions'
// tests beside this command): turbo then runs typecheck and test `--only`, without its build tasks, which
// would restore dist files from turbo's cache while the other tests read them.
const built = process.env['REQCACHE_BUILT'] === '1';
const ONLY_WHEN_BUILT = new Set(['typecheck', 'test']);

const results = [];
for (const phase of phases) {
  const args = ['run', phase, ...(built && ONLY_WHEN_BUILT.has(phase) ? ['--only'] : [])];
  console.log(`== phase ${phase}: pnpm ${args.join(' ')}`);
  const startedAt = performance.now();
  const run = spawnSync('pnpm', args, { stdio: 'inherit' });
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  const ok = run.status === 0;
  results.push({ phase, seconds, ok });
  console.log(`== phase ${phase}: ${seconds}s (${ok ? 'ok' : 'failed'})`);
  // REQCACHE_PHASE_DIR: a file per finished phase, for a caller that starts other work after one (CI
  // starts the other Node versions' tests once this Node's tests are done).
  if (process.env['REQCACHE_PHASE_DIR'])
    writeFileSync(join(process.env['REQCACHE_PHASE_DIR'], `${phase}.done`), '');
}

console.log('== phases:');
for (const { phase, seconds, ok } of results)
  console.log(`   ${phase.padEnd(16)} ${seconds.padStart(7)}s  ${ok ? 'ok' : 'FAILED'}`);
process.exit(results.every((result) => result.ok) ? 0 : 1);
