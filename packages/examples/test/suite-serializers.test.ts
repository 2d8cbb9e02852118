/**
 * The whole adapter behaviour suite through the fetch adapter with other serializers than the default
 * (json runs in @reqcache/fetch's own suite): each must behave exactly as json does.
 */
import { registerAdapterSuite } from '@reqcache/behaviour-suite';
import type { SerializerName } from '@reqcache/core';
import { withCache } from '@reqcache/fetch';
import test from 'ava';
// The fetch adapter's own suite client (as the reliability suite uses it).
import { fetchSuiteClient } from '../../fetch-adapter/test/helpers/suite-client.js';

const serializers: SerializerName[] = ['json', 'msgpack', 'yaml+gzip', 'bson+brotli'];

for (const serializer of serializers) {
  registerAdapterSuite(test, {
    name: `fetch, serializer ${serializer}`,
    redirectHops: false, // fetch does not expose the hops of a redirect chain
    createClient: (options) => fetchSuiteClient(withCache(globalThis.fetch, { ...options, serializer })),
  });
}
