// @reqcache/got's own plugin tests against got 16: not yet in CI (see scripts/test.mjs); `pnpm test:pending` runs them.
import '../../got-adapter/test/plugin.test.js';
