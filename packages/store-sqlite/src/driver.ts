import { createRequire } from 'node:module';

/** A row as the drivers return it. */
export type Row = Record<string, unknown>;

/** A prepared statement: the part both drivers share. */
export interface Statement {
  get(...parameters: unknown[]): Row | undefined;
  all(...parameters: unknown[]): Row[];
  run(...parameters: unknown[]): { changes: number | bigint };
}

/** An open database, whichever driver runs it. */
export interface Database {
  /** The driver that opened it. */
  readonly driver: DriverName;
  prepare(sql: string): Statement;
  exec(sql: string): void;
  /** Runs any statement and returns its rows (none for statements that return no data). */
  query(sql: string, parameters: readonly unknown[]): Row[];
  close(): void;
}

/** The SQLite drivers the store runs on. */
export type DriverName = 'node:sqlite' | 'better-sqlite3';

const require = createRequire(import.meta.url);

interface NodeSqlite {
  DatabaseSync: new (
    path: string,
  ) => {
    prepare(sql: string): Statement;
    exec(sql: string): void;
    close(): void;
  };
}

interface BetterSqliteStatement extends Statement {
  readonly reader: boolean;
}

type BetterSqlite = new (
  path: string,
) => {
  prepare(sql: string): BetterSqliteStatement;
  exec(sql: string): void;
  close(): void;
};

/**
 * The driver to use: `node:sqlite` where the running Node has it without a flag (22.13+), else
 * `better-sqlite3` (12.x, an optional dependency: Node 20). Throws, naming both, when neither loads.
 */
export function loadDriver(prefer: DriverName | 'auto' = 'auto'): DriverName {
  if (prefer !== 'auto' && prefer !== 'node:sqlite' && prefer !== 'better-sqlite3')
    throw new TypeError(`driver must be "auto", "node:sqlite" or "better-sqlite3", got "${String(prefer)}"`);
  const order: DriverName[] = prefer === 'auto' ? ['node:sqlite', 'better-sqlite3'] : [prefer];
  const failures: string[] = [];
  for (const name of order) {
    try {
      load(name);
      return name;
    } catch (error) {
      failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new Error(
    `No SQLite driver could be loaded (node:sqlite needs Node 22.13 or later; else install better-sqlite3 12): ${failures.join('; ')}`,
  );
}

const loaded = new Map<DriverName, NodeSqlite | BetterSqlite>();

function load(name: DriverName): NodeSqlite | BetterSqlite {
  let module = loaded.get(name);
  if (module === undefined) {
    if (name === 'node:sqlite') {
      // Loaded this way so Node versions without it (or with it behind a flag) fail here, not at import.
      module = require('node:sqlite') as NodeSqlite;
      if (typeof module.DatabaseSync !== 'function') throw new Error('node:sqlite has no DatabaseSync');
    } else {
      const exported = require('better-sqlite3') as BetterSqlite | { default: BetterSqlite };
      module = 'default' in exported ? exported.default : exported;
      // Its native addon loads on first open: a build for another Node (ABI) fails here, not later.
      new module(':memory:').close();
    }
    loaded.set(name, module);
  }
  return module;
}

/**
 * A failure of SQLite, the same from either driver: a native `Error` whose message starts with SQLite's
 * result code name (`SQLITE_CANTOPEN: unable to open database file`), the driver's error as `cause`.
 */
export class SqliteError extends Error {
  /** SQLite's primary result code name: `SQLITE_BUSY`, `SQLITE_READONLY`, `SQLITE_CANTOPEN`, … */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options);
    this.name = 'SqliteError';
    this.code = code;
  }
}

/** Names of SQLite's primary result codes (node:sqlite gives the number, better-sqlite3 the name). */
const RESULT_CODES: Record<number, string> = {
  1: 'SQLITE_ERROR',
  3: 'SQLITE_PERM',
  5: 'SQLITE_BUSY',
  6: 'SQLITE_LOCKED',
  8: 'SQLITE_READONLY',
  10: 'SQLITE_IOERR',
  11: 'SQLITE_CORRUPT',
  13: 'SQLITE_FULL',
  14: 'SQLITE_CANTOPEN',
  19: 'SQLITE_CONSTRAINT',
  26: 'SQLITE_NOTADB',
};

function asSqliteError(error: unknown): SqliteError {
  if (error instanceof SqliteError) return error;
  const { code, errcode, message } = (error ?? {}) as {
    code?: unknown;
    errcode?: unknown;
    message?: unknown;
  };
  const name =
    typeof code === 'string' && code.startsWith('SQLITE_')
      ? code
      : typeof errcode === 'number'
        ? (RESULT_CODES[errcode & 0xff] ?? `SQLITE_${errcode}`)
        : 'SQLITE_ERROR';
  return new SqliteError(name, typeof message === 'string' ? message : String(error), { cause: error });
}

/** Runs a driver call, its failures as {@link SqliteError}. */
function guard<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw asSqliteError(error);
  }
}

function guarded(statement: Statement): Statement {
  return {
    get: (...parameters) => guard(() => statement.get(...parameters)),
    all: (...parameters) => guard(() => statement.all(...parameters)),
    run: (...parameters) => guard(() => statement.run(...parameters)),
  };
}

/** Opens a database file (or `:memory:`) with the given driver; failures are {@link SqliteError}s. */
export function openDatabase(path: string, driver: DriverName): Database {
  if (driver === 'node:sqlite') {
    const { DatabaseSync } = load('node:sqlite') as NodeSqlite;
    const db = guard(() => new DatabaseSync(path));
    return {
      driver,
      prepare: (sql) => guarded(guard(() => db.prepare(sql))),
      exec: (sql) => guard(() => db.exec(sql)),
      // node:sqlite returns rows with a null prototype: plain objects for callers.
      query: (sql, parameters) =>
        guard(() =>
          db
            .prepare(sql)
            .all(...parameters)
            .map((row) => ({ ...row })),
        ),
      close: () => guard(() => db.close()),
    };
  }
  const BetterSqlite3 = load('better-sqlite3') as BetterSqlite;
  const db = guard(() => new BetterSqlite3(path));
  return {
    driver,
    prepare: (sql) => guarded(guard(() => db.prepare(sql))),
    exec: (sql) => guard(() => db.exec(sql)),
    query: (sql, parameters) =>
      guard(() => {
        const statement = db.prepare(sql);
        if (statement.reader) return statement.all(...parameters);
        statement.run(...parameters);
        return [];
      }),
    close: () => guard(() => db.close()),
  };
}
