/**
 * `@reqcache/store-suite`: the conformance suite every reqcache storage backend passes, and the
 * helpers its test files share.
 * @packageDocumentation
 */
export type { FetchedResponse } from './client.js';
export { fetchThrough } from './client.js';
export { freePort, type MongoForTests, startMongo } from './servers.js';
export type { StoreSuiteOptions } from './suite.js';
export { makeEntry, registerStoreSuite, uniqueCacheName } from './suite.js';
