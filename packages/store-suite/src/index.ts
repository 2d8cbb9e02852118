/**
 * `@reqcache/store-suite`: the conformance suite every reqcache storage backend passes, and the
 * helpers its test files share.
 * @packageDocumentation
 */
export type { BehaviourStore } from './behaviour.js';
export { registerBehaviourOnStore } from './behaviour.js';
export type { FetchedResponse } from './client.js';
export { fetchThrough } from './client.js';
export type { ChildJob, ChildResult, CrossProcessStore } from './cross-process.js';
export { registerCrossProcessCase, runChild } from './cross-process.js';
export {
  type DynamoForTests,
  dropDynamoTable,
  freePort,
  type MongoForTests,
  startDynamo,
  startMongo,
} from './servers.js';
export type { StoreSuiteOptions } from './suite.js';
export { makeEntry, registerStoreSuite, uniqueCacheName } from './suite.js';
