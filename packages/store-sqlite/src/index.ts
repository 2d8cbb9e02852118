/**
 * `@reqcache/store-sqlite`: a synchronous SQLite store for Keyv, on `node:sqlite` (Node 22.13+) or
 * `better-sqlite3` 12 — reqcache's default `backend: 'sqlite'`.
 * @module @reqcache/store-sqlite
 */
export type { Database, DriverName, Row, Statement } from './driver.js';
export { loadDriver, SqliteError } from './driver.js';
export type { KeyvRecord, KeyvSqliteOptions } from './store.js';
export { KeyvSqlite, ROW_FORMAT, UnreadableRowError } from './store.js';
