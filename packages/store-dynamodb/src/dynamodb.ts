import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

/** The parts of `@aws-sdk/client-dynamodb` the DynamoDB store uses (the package is an optional peer). @internal */
export interface DynamoSdk {
  DynamoDBClient: new (config: Record<string, unknown>) => DynamoClientLike;
  GetItemCommand: CommandClass;
  PutItemCommand: CommandClass;
  DeleteItemCommand: CommandClass;
  BatchGetItemCommand: CommandClass;
  BatchWriteItemCommand: CommandClass;
  ScanCommand: CommandClass;
  DescribeTableCommand: CommandClass;
  CreateTableCommand: CommandClass;
  DescribeTimeToLiveCommand: CommandClass;
  UpdateTimeToLiveCommand: CommandClass;
}

type CommandClass = new (input: Record<string, unknown>) => unknown;

interface DynamoClientLike {
  // biome-ignore lint/suspicious/noExplicitAny: each command has its own output shape
  send(command: unknown): Promise<any>;
  destroy(): void;
}

/** A DynamoDB attribute value, as the low-level API writes it. */
type Attribute = { S: string } | { N: string };
type Item = Record<string, Attribute | undefined>;

/** Options of {@link DynamoStore}. */
export interface DynamoStoreOptions {
  /** The loaded `@aws-sdk/client-dynamodb`. */
  sdk: DynamoSdk;
  /** The table: reqcache's `cacheName`. */
  tableName: string;
  /** DynamoDBClient configuration (`region`, `endpoint`, `credentials`, …). */
  clientConfig: Record<string, unknown>;
  /** Create the table (on-demand billing) when it does not exist. @default true */
  createTable?: boolean;
  /** Turn on the table's TTL on the `expires` attribute, so DynamoDB deletes expired items. @default true */
  ttl?: boolean;
  /** Strongly consistent reads (a write is seen by the next read). @default true */
  consistentRead?: boolean;
  /** Told of each entry refused for its size (the write itself then succeeds, storing nothing). */
  onRefused?: (key: string, message: string) => void;
}

/** DynamoDB's item size limit. */
export const DYNAMODB_MAX_ITEM_BYTES = 400 * 1024;

/**
 * A Keyv store over one DynamoDB table (requests-cache's `DynamoDbCache`): partition key `key` (S),
 * the value in `value` (S) and the store TTL in `expires` (N, epoch seconds), DynamoDB's TTL
 * attribute. Items past their `expires` are never returned, whether or not DynamoDB deleted them yet.
 * An entry larger than DynamoDB's 400 KB item limit is refused: told to `onRefused` (the cache reports
 * it as an `ERR_CACHE_STORE` error and stays up; without `onRefused` the write throws), and any older
 * version of it is deleted.
 */
export class DynamoStore extends EventEmitter {
  readonly opts: { dialect: 'dynamodb'; url: string };
  namespace: string | undefined;
  readonly tableName: string;
  readonly #sdk: DynamoSdk;
  readonly #client: DynamoClientLike;
  readonly #createTable: boolean;
  readonly #ttl: boolean;
  readonly #consistentRead: boolean;
  readonly #onRefused: ((key: string, message: string) => void) | undefined;
  #ready: Promise<void> | undefined;

  constructor(options: DynamoStoreOptions) {
    super();
    this.#sdk = options.sdk;
    this.tableName = options.tableName;
    this.#createTable = options.createTable ?? true;
    this.#ttl = options.ttl ?? true;
    this.#consistentRead = options.consistentRead ?? true;
    this.#onRefused = options.onRefused;
    this.opts = { dialect: 'dynamodb', url: String(options.clientConfig['endpoint'] ?? '') };
    this.#client = new options.sdk.DynamoDBClient(options.clientConfig);
  }

  async get(key: string): Promise<string | undefined> {
    await this.#prepare();
    const { Item } = await this.#send('GetItemCommand', {
      TableName: this.tableName,
      Key: { key: { S: key } },
      ConsistentRead: this.#consistentRead,
    });
    return liveValue(Item as Item | undefined, nowSeconds());
  }

  async set(key: string, raw: unknown, ttlMs?: number): Promise<void> {
    if (typeof raw !== 'string') throw new TypeError(`expected Keyv's JSON text, got ${typeof raw}`);
    await this.#prepare();
    const item: Item = { key: { S: key }, value: { S: raw } };
    if (typeof ttlMs === 'number') item['expires'] = { N: String(Math.ceil((Date.now() + ttlMs) / 1000)) };
    const size = itemBytes(item);
    if (size > DYNAMODB_MAX_ITEM_BYTES) {
      // Refused, not failed: the store is fine, this entry does not fit. An older version goes, so it
      // is not served in place of the response just received.
      await this.delete(key);
      const message = `The entry for ${key} is ${size} bytes, larger than DynamoDB's 400 KB item limit: not stored`;
      if (this.#onRefused === undefined) throw new RangeError(message);
      this.#onRefused(key, message);
      return;
    }
    await this.#send('PutItemCommand', { TableName: this.tableName, Item: item });
  }

  async delete(key: string): Promise<boolean> {
    await this.#prepare();
    const { Attributes } = await this.#send('DeleteItemCommand', {
      TableName: this.tableName,
      Key: { key: { S: key } },
      ReturnValues: 'ALL_OLD',
    });
    return liveValue(Attributes as Item | undefined, nowSeconds()) !== undefined;
  }

  /** Deletes in batches of 25 (BatchWriteItem's limit), retrying what DynamoDB leaves unprocessed. */
  async deleteMany(keys: string[]): Promise<boolean> {
    if (keys.length === 0) return false;
    await this.#prepare();
    for (let i = 0; i < keys.length; i += 25) {
      let requests: unknown[] = [...new Set(keys.slice(i, i + 25))].map((key) => ({
        DeleteRequest: { Key: { key: { S: key } } },
      }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        const { UnprocessedItems } = await this.#send('BatchWriteItemCommand', {
          RequestItems: { [this.tableName]: requests },
        });
        requests = (UnprocessedItems?.[this.tableName] as unknown[] | undefined) ?? [];
        if (requests.length > 0) await backoff(attempt);
      }
    }
    return true;
  }

  async has(key: string): Promise<boolean> {
    return (await this.get(key)) !== undefined;
  }

  /** Reads in batches of 100 (BatchGetItem's limit), retrying what DynamoDB leaves unprocessed. */
  async getMany(keys: string[]): Promise<Array<string | undefined>> {
    await this.#prepare();
    const found = new Map<string, string>();
    const now = nowSeconds();
    const unique = [...new Set(keys)];
    for (let i = 0; i < unique.length; i += 100) {
      let request: Record<string, unknown> | undefined = {
        Keys: unique.slice(i, i + 100).map((key) => ({ key: { S: key } })),
        ConsistentRead: this.#consistentRead,
      };
      for (let attempt = 0; request !== undefined; attempt++) {
        const { Responses, UnprocessedKeys } = await this.#send('BatchGetItemCommand', {
          RequestItems: { [this.tableName]: request },
        });
        for (const item of (Responses?.[this.tableName] ?? []) as Item[]) {
          const value = liveValue(item, now);
          const key = item['key'];
          if (value !== undefined && key !== undefined && 'S' in key) found.set(key.S, value);
        }
        request = UnprocessedKeys?.[this.tableName];
        if (request !== undefined) await backoff(attempt);
      }
    }
    return keys.map((key) => found.get(key));
  }

  /** Every live item, page by page (a Scan). */
  async *iterator(_namespace?: string): AsyncGenerator<[string, string]> {
    await this.#prepare();
    let startKey: unknown;
    do {
      const page = await this.#send('ScanCommand', {
        TableName: this.tableName,
        ConsistentRead: this.#consistentRead,
        ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
      });
      const now = nowSeconds();
      for (const item of (page.Items ?? []) as Item[]) {
        const value = liveValue(item, now);
        const key = item['key'];
        if (value !== undefined && key !== undefined && 'S' in key) yield [key.S, value];
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
  }

  async clear(): Promise<void> {
    await this.#prepare();
    let startKey: unknown;
    do {
      const page = await this.#send('ScanCommand', {
        TableName: this.tableName,
        ProjectionExpression: '#k',
        ExpressionAttributeNames: { '#k': 'key' },
        ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
      });
      const keys = ((page.Items ?? []) as Item[]).flatMap((item) => {
        const key = item['key'];
        return key !== undefined && 'S' in key ? [key.S] : [];
      });
      if (keys.length > 0) await this.deleteMany(keys);
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
  }

  async disconnect(): Promise<void> {
    this.#client.destroy();
  }

  // biome-ignore lint/suspicious/noExplicitAny: each command has its own output shape
  #send(command: keyof DynamoSdk, input: Record<string, unknown>): Promise<any> {
    const Command = this.#sdk[command] as CommandClass;
    return this.#client.send(new Command(input));
  }

  /** Creates the table (and turns TTL on) once; a failure is retried by the next call. */
  #prepare(): Promise<void> {
    this.#ready ??= this.#prepareTable().catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  async #prepareTable(): Promise<void> {
    if (!this.#createTable) return;
    let created = false;
    try {
      await this.#send('DescribeTableCommand', { TableName: this.tableName });
    } catch (error) {
      if (errorName(error) !== 'ResourceNotFoundException') throw error;
      try {
        await this.#send('CreateTableCommand', {
          TableName: this.tableName,
          KeySchema: [{ AttributeName: 'key', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'key', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
        });
        created = true;
      } catch (createError) {
        // Another process created it meanwhile.
        if (errorName(createError) !== 'ResourceInUseException') throw createError;
      }
    }
    await this.#waitForTable();
    if (this.#ttl) await this.#enableTtl(created);
  }

  async #waitForTable(): Promise<void> {
    const deadline = Date.now() + 120_000;
    for (let attempt = 0; ; attempt++) {
      const { Table } = await this.#send('DescribeTableCommand', { TableName: this.tableName });
      if (Table?.TableStatus === 'ACTIVE') return;
      if (Date.now() > deadline) throw new Error(`DynamoDB table ${this.tableName} did not become active`);
      await backoff(attempt);
    }
  }

  async #enableTtl(created: boolean): Promise<void> {
    try {
      if (!created) {
        const { TimeToLiveDescription } = await this.#send('DescribeTimeToLiveCommand', {
          TableName: this.tableName,
        });
        const status = TimeToLiveDescription?.TimeToLiveStatus;
        if (status === 'ENABLED' || status === 'ENABLING') return;
      }
      await this.#send('UpdateTimeToLiveCommand', {
        TableName: this.tableName,
        TimeToLiveSpecification: { AttributeName: 'expires', Enabled: true },
      });
    } catch (error) {
      // An emulator without TTL support (dynalite), or TTL already on (on another attribute, or racing
      // another process): entries still expire, since expired items are never returned.
      const name = errorName(error);
      if (name === 'UnknownOperationException' || name === 'ValidationException') return;
      throw error;
    }
  }
}

/** The live value of an item, or undefined when absent or past its `expires`. */
function liveValue(item: Item | undefined, nowSeconds: number): string | undefined {
  const value = item?.['value'];
  if (value === undefined || !('S' in value)) return undefined;
  const expires = item?.['expires'];
  if (expires !== undefined && 'N' in expires && Number(expires.N) < nowSeconds) return undefined;
  return value.S;
}

/** DynamoDB's item size: attribute names and values, UTF-8 bytes for strings, about 21 bytes at most per number. */
function itemBytes(item: Item): number {
  let size = 0;
  for (const [name, attribute] of Object.entries(item)) {
    if (attribute === undefined) continue;
    size += Buffer.byteLength(name);
    size += 'S' in attribute ? Buffer.byteLength(attribute.S) : 21;
  }
  return size;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function errorName(error: unknown): string | undefined {
  return (error as { name?: string } | undefined)?.name;
}

function backoff(attempt: number): Promise<void> {
  return sleep(Math.min(50 * 2 ** attempt, 1000)).then(() => undefined);
}
