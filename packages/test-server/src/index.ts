/**
 * `@reqcache/test-server`: the real HTTP origin every reqcache test talks to.
 * An httpbin-like server on 127.0.0.1 that counts hits per pathname and records every request.
 */
export { DEFAULT_LAST_MODIFIED, JSON_DOCUMENT, PNG_IMAGE, pseudoRandomBytes } from './fixtures.js';
export type { RequestWithBody } from './routes.js';
export {
  createTestServer,
  type RecordedRequest,
  type RouteHandler,
  startTestServer,
  type TestServer,
  type TestServerOptions,
} from './server.js';
