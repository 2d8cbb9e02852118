// Makes every `import ... from 'got'` in the process (the adapter's source and its tests included)
// load this package's got 16 instead of the got 14 that @reqcache/got develops against.
import { register } from 'node:module';

register('./got16-hooks.mjs', import.meta.url);
