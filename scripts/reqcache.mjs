#!/usr/bin/env node
// `pnpm reqcache <command> ...` inside the repository: builds the CLI (and what it depends on) when its
// sources changed, then runs it in the directory pnpm was called from, as `npx @reqcache/cli` would.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const build = spawnSync(
  'pnpm',
  ['exec', 'turbo', 'run', 'build', '--filter=@reqcache/cli...', '--output-logs=errors-only'],
  {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);
if (build.status !== 0) {
  console.error('reqcache: building the CLI failed (run `pnpm build` to see why)');
  process.exit(build.status ?? 1);
}
const bin = fileURLToPath(new URL('../packages/cli/dist/bin.js', import.meta.url));
const run = spawnSync(process.execPath, [bin, ...process.argv.slice(2)], {
  cwd: process.env.INIT_CWD ?? process.cwd(),
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
