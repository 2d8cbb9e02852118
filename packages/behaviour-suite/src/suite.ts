import type { TestFn } from 'ava';
import { registerClientCases } from './cases/client.js';
import { registerExpirationCases } from './cases/expiration.js';
import { registerMaintenanceCases } from './cases/maintenance.js';
import { registerMatchingCases } from './cases/matching.js';
import { registerParityCases } from './cases/parity.js';
import { registerRevalidationCases } from './cases/revalidation.js';
import { registerRfc9111Cases } from './cases/rfc9111.js';
import { registerRfc9111ConformanceCases } from './cases/rfc9111-conformance.js';
import { createSuiteContext } from './harness.js';
import type { AdapterSuiteOptions } from './types.js';

/**
 * Registers the behaviour every reqcache adapter must show, as ava tests titled
 * `${options.name}: <case>`. Each test starts its own test server and its own client (with a memory
 * store unless `options.backend` says otherwise, and a fake clock it advances to test expiry), and
 * asserts both on the responses and on what reached the origin.
 *
 * @param test - ava's `test` (taken as a parameter, like `@keyv/test-suite`).
 * @param options - The adapter under test.
 * @example
 * import test from 'ava';
 * import { registerAdapterSuite } from '@reqcache/behaviour-suite';
 * registerAdapterSuite(test, { name: 'axios', createClient: (options) => createAxiosSuiteClient(options) });
 */
export function registerAdapterSuite(test: TestFn, options: AdapterSuiteOptions): void {
  const context = createSuiteContext(test, options);
  registerExpirationCases(context);
  registerRevalidationCases(context);
  registerMatchingCases(context);
  registerClientCases(context);
  registerMaintenanceCases(context);
  registerRfc9111Cases(context);
  registerRfc9111ConformanceCases(context);
  registerParityCases(context);
}
