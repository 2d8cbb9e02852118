import { registerBehaviourOnStore } from '@reqcache/store-suite';
import test from 'ava';
import { type DynamoForTests, dropDynamoTable, startDynamo } from './helpers.js';

// The suite's clients are created synchronously from options, so the endpoint is started first.
let dynamo: DynamoForTests | undefined;
test.before(async () => {
  dynamo = await startDynamo();
});
test.after.always(async () => dynamo?.stop());

function endpoint(): DynamoForTests {
  if (dynamo === undefined) throw new Error('the DynamoDB endpoint has not started');
  return dynamo;
}

registerBehaviourOnStore(test, {
  backend: 'dynamodb',
  options: (cacheName) => ({ cacheName, backendOptions: endpoint().backendOptions }),
  cleanup: (cacheName) => dropDynamoTable(endpoint(), cacheName),
});
