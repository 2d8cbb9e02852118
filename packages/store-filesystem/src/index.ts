/**
 * `@reqcache/store-filesystem`: a Keyv store of one readable JSON file per cached response, reqcache's
 * `backend: 'filesystem'`.
 * @module @reqcache/store-filesystem
 */
export type { FileStoreOptions } from './filesystem.js';
export { FileStore, fileCacheDirectory, REDIRECTS_FILE, userCacheDirectory } from './filesystem.js';
