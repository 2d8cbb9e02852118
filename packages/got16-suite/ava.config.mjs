// `pnpm test`: the got adapter's tests that pass on got 16. `--pending` (ava.pending.config.mjs): the rest.
export default {
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx', '--import=./test/use-got16.mjs'],
  workerThreads: false,
  files: ['test/**/*.test.ts'],
  timeout: '60s',
};
