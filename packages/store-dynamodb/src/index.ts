/**
 * `@reqcache/store-dynamodb`: a Keyv store over one DynamoDB table, reqcache's `backend: 'dynamodb'`.
 * @module @reqcache/store-dynamodb
 */
export type { DynamoSdk, DynamoStoreOptions } from './dynamodb.js';
export { DYNAMODB_MAX_ITEM_BYTES, DynamoStore } from './dynamodb.js';
