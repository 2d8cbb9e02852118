/** The DynamoDB endpoint of the store's tests. Override with DYNAMODB_ENDPOINT. */
import { CacheEngine } from '@reqcache/core';
import { dropDynamoTable, type StoreSuiteOptions, startDynamo } from '@reqcache/store-suite';
import type { TestFn } from 'ava';

export { type DynamoForTests, dropDynamoTable, startDynamo } from '@reqcache/store-suite';

/** The store suite on DynamoDB: one endpoint for the test file, stopped after its last test. */
export function dynamoSuite(test: TestFn): StoreSuiteOptions {
  const dynamo = startDynamo();
  test.after.always(async () => (await dynamo).stop());
  return {
    name: 'dynamodb',
    // dynalite is slow under load: one case at a time, so the store-TTL case's writes stay within its TTL.
    serial: !process.env['DYNAMODB_ENDPOINT'],
    createEngine: async (options) =>
      new CacheEngine({ ...options, backend: 'dynamodb', backendOptions: (await dynamo).backendOptions }),
    cleanup: async (cacheName) => dropDynamoTable(await dynamo, cacheName),
  };
}
