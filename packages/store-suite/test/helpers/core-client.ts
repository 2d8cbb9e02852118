/** The behaviour suite's client over the core engine alone (`node:http`), shared with the behaviour suite. */
export { createCoreClient } from '@reqcache/behaviour-suite';
