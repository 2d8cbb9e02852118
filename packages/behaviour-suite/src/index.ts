/**
 * `@reqcache/behaviour-suite`: the shared behaviour suite every reqcache adapter passes.
 * @packageDocumentation
 */

export { createCoreClient } from './core-client.js';
export type { HandleSuiteOptions } from './handle.js';
export { RecordingStore, registerHandleCases } from './handle.js';
export type { FakeClock, Harness, HarnessOptions, PathRequest } from './harness.js';
export { createFakeClock, START_MS } from './harness.js';
export { registerAdapterSuite } from './suite.js';
export type { AdapterSuiteOptions, SuiteClient, SuiteRequest, SuiteResponse } from './types.js';
