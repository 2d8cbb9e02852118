/**
 * `@reqcache/store-gridfs`: a Keyv store over MongoDB GridFS (responses of any size), reqcache's
 * `backend: 'gridfs'`.
 * @module @reqcache/store-gridfs
 */
export type { GridFsStoreOptions, MongoDriver } from './gridfs.js';
export { GridFsStore } from './gridfs.js';
