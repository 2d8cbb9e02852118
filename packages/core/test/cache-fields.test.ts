/** The cache fields on adapters' responses, their description formatted only when read. */
import test from 'ava';
import { attachCacheFields, cacheFields, DescribedResponse } from '../src/cache-fields.js';
import type { CacheInfo } from '../src/contract.js';

const INFO: CacheInfo = {
  fromCache: true,
  createdAt: new Date(0),
  expires: null,
  isExpired: false,
  revalidated: false,
  cacheKey: 'k',
  reason: 'fresh',
  cacheStatus: 'reqcache; hit',
};
const FIELDS = ['fromCache', 'createdAt', 'expires', 'isExpired', 'revalidated', 'cacheKey', 'reason'];

function counted(text: string): { describe: () => string; calls: () => number } {
  let calls = 0;
  return {
    describe: () => {
      calls += 1;
      return text;
    },
    calls: () => calls,
  };
}

test('attachCacheFields: own fields after the object’s own, cacheStatus left out, description lazy', (t) => {
  const { describe, calls } = counted('one line');
  const response = attachCacheFields({ status: 200 }, INFO, describe);
  t.deepEqual(Object.keys(response), ['status', ...FIELDS, 'cacheDescription']);
  t.false('cacheStatus' in response);
  t.is(calls(), 0);
  const fields = response as typeof response & { cacheDescription: string };
  t.is(fields.cacheDescription, 'one line');
  t.is(fields.cacheDescription, 'one line');
  t.is(calls(), 1);
  fields.cacheDescription = 'set';
  t.is(fields.cacheDescription, 'set');
});

class Built extends DescribedResponse {
  status: number;
  constructor(info: CacheInfo, describe: () => string) {
    super();
    this.status = 200;
    this.setCacheFields(info, describe);
  }
}

test('DescribedResponse: the subclass’s fields first, then the cache fields; description on the prototype', (t) => {
  const { describe, calls } = counted('one line');
  const response = new Built(INFO, describe);
  t.deepEqual(Object.keys(response), ['status', ...FIELDS]);
  t.is(Object.getOwnPropertyDescriptor(response, 'cacheDescription'), undefined);
  t.is(calls(), 0);
  t.is(response.cacheDescription, 'one line');
  t.is(response.cacheDescription, 'one line');
  t.is(calls(), 1);
  response.cacheDescription = 'set';
  t.is(response.cacheDescription, 'set');
});

test('cacheFields: the fields of a cached response as a plain object; undefined for any other', (t) => {
  const response = attachCacheFields({ status: 200 }, INFO, () => 'described');
  // Every field but cacheStatus, which attachCacheFields leaves to the headers.
  const { cacheStatus: _inHeaders, ...fields } = INFO;
  t.deepEqual(cacheFields(response), { ...fields, cacheDescription: 'described' });
  // Where the client keeps Cache-Status on the response itself (got), it is one of the fields.
  t.is(cacheFields({ ...response, cacheStatus: 'reqcache; hit' })?.cacheStatus, 'reqcache; hit');
  for (const other of [undefined, null, 'text', {}, { fromCache: true }, { status: 200 }]) {
    t.is(cacheFields(other), undefined);
  }
});
