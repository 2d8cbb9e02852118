/** The parts of `@keyv/sqlite`'s adapter the iterator uses. */
interface SqliteQueryable {
  opts: { table: string; iterationLimit?: unknown };
  query(sql: string, ...parameters: unknown[]): Promise<Array<Record<string, unknown>>>;
}

/**
 * An `iterator(namespace)` for `@keyv/sqlite` that pages by key (`key > last ORDER BY key LIMIT n`, on the
 * primary key's index) instead of `LIMIT n OFFSET m`. With OFFSET each page steps again over every row
 * before it (100 000 rows: quadratic, minutes per listing), and a row deleted during the listing (Keyv
 * deletes expired values as it lists them) shifts the pages, so rows are skipped. Keys are matched by the
 * exact prefix `<namespace>:` (a range on the index), not by `LIKE`.
 * @internal
 */
export function sqliteKeysetIterator(
  store: SqliteQueryable,
): (namespace?: string) => AsyncGenerator<[string, unknown], void> {
  return async function* iterator(namespace?: string): AsyncGenerator<[string, unknown], void> {
    const limit = Number.parseInt(String(store.opts.iterationLimit), 10) || 10;
    const table = store.opts.table;
    const prefix = namespace ? `${namespace}:` : '';
    // The first string after every key that starts with the prefix: the prefix with its last character + 1.
    const end =
      prefix === ''
        ? undefined
        : prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
    let after: string | undefined;
    while (true) {
      const conditions = [after === undefined ? 'key >= ?' : 'key > ?'];
      const parameters: unknown[] = [after ?? prefix];
      if (end !== undefined) {
        conditions.push('key < ?');
        parameters.push(end);
      }
      parameters.push(limit);
      const rows = await store.query(
        `SELECT key, value FROM ${table} WHERE ${conditions.join(' AND ')} ORDER BY key LIMIT ?`,
        parameters,
      );
      for (const row of rows) yield [String(row['key']), row['value']];
      if (rows.length < limit) return;
      after = String(rows[rows.length - 1]?.['key']);
    }
  };
}
