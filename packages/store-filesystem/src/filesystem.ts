import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdir, open, readdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ALIAS_VALUE_PREFIX,
  formatKeyvRecord,
  isExpiredRecord,
  type KeyvRecord,
  parseKeyvRecord,
} from './keyv-record.js';

/** Options of {@link FileStore}. */
export interface FileStoreOptions {
  /** The cache directory (created when first written). */
  directory: string;
  /** The extension of entry files, without the dot. @default 'json' */
  extension?: string;
  /**
   * The least-recently-used size bound in bytes (requests-cache's `max_cache_bytes`): before a write
   * that would pass it, the least recently read or written files are deleted; a file larger than the
   * bound is not stored. @default undefined (no bound)
   */
  maxBytes?: number;
}

/** The index of redirect aliases in the cache directory. */
export const REDIRECTS_FILE = 'redirects.json';

/** One redirect alias in `redirects.json`: the key of the final response, and the store TTL. */
interface RedirectRecord {
  target: string;
  /** Epoch ms, or null for no TTL. */
  expires: number | null;
}

/** An entry file: the key, the store TTL, and the entry made readable (or the value as Keyv gave it). */
interface EntryFile {
  key: string;
  expires: number | null;
  entry?: Record<string, unknown>;
  value?: unknown;
}

/** Keys used as file names as they are: lower case, digits, `-` and `_` (others are hashed). */
const SAFE_KEY = /^[a-z0-9_-]{1,200}$/;

/** Content types whose bodies are written as text in entry files (when they are valid UTF-8). */
const TEXT_TYPE =
  /^(text\/|application\/([\w.+-]*\+)?(json|xml|javascript|ecmascript|x-www-form-urlencoded)\b)/i;

const utf8 = new TextDecoder('utf-8', { fatal: true });

let tmpSequence = 0;

/**
 * The user cache directory: `$XDG_CACHE_HOME` or `~/.cache` on Linux, `~/Library/Caches` on macOS,
 * `%LOCALAPPDATA%` on Windows (as Python's platformdirs, which requests-cache's `use_cache_dir` uses).
 */
export function userCacheDirectory(): string {
  if (process.platform === 'win32') return process.env['LOCALAPPDATA'] || join(homedir(), 'AppData', 'Local');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches');
  const xdg = process.env['XDG_CACHE_HOME'];
  return xdg !== undefined && isAbsolute(xdg) ? xdg : join(homedir(), '.cache');
}

/**
 * The directory of a filesystem cache: `cacheName` (`~` expanded) relative to the working directory,
 * to the user cache directory (`useCacheDir`) or to the temporary directory (`useTemp`); an absolute
 * `cacheName` is used as is.
 */
export function fileCacheDirectory(
  cacheName: string,
  options: { useCacheDir?: boolean; useTemp?: boolean } = {},
): string {
  let name = cacheName;
  if (name === '~' || name.startsWith('~/') || name.startsWith('~\\')) name = join(homedir(), name.slice(1));
  if (isAbsolute(name)) return name;
  if (options.useCacheDir) return join(userCacheDirectory(), name);
  if (options.useTemp) return join(tmpdir(), name);
  return resolve(name);
}

/**
 * A Keyv store keeping one file per response in a directory, as requests-cache's `FileCache`:
 * `<key>.json`, pretty-printed, with the entry readable (and editable) by a person — the body as text
 * when it is text, base64 otherwise. Redirect aliases live in `redirects.json` beside them. Every
 * write goes to a temporary file in the same directory, then is renamed over the entry, so a reader
 * or a crash never sees half a file. With `maxBytes`, a least-recently-used size bound: file mtimes
 * are the access times (reads touch them), so every process sharing the directory sees them.
 */
export class FileStore extends EventEmitter {
  /** Keyv reads `opts` and sets `namespace`; a directory is one cache, so keys are not prefixed. */
  readonly opts: { dialect: 'filesystem'; url: string };
  namespace: string | undefined;
  readonly directory: string;
  readonly extension: string;
  readonly maxBytes: number | undefined;
  readonly #redirects: RedirectIndex;
  readonly #lru: LruIndex | undefined;
  /** Writes of one file in this process, in call order (the last write called is the one kept). */
  readonly #writing = new Map<string, Promise<void>>();
  #created: Promise<void> | undefined;

  constructor(options: FileStoreOptions) {
    super();
    const extension = (options.extension ?? 'json').replace(/^\./, '');
    if (extension === '' || /[\\/]/.test(extension))
      throw new TypeError(`extension must be a file extension, got ${JSON.stringify(options.extension)}`);
    this.directory = options.directory;
    this.extension = extension;
    this.maxBytes = options.maxBytes;
    this.opts = { dialect: 'filesystem', url: options.directory };
    this.#redirects = new RedirectIndex(join(this.directory, REDIRECTS_FILE), () => this.#ensureDirectory());
    this.#lru = options.maxBytes === undefined ? undefined : new LruIndex(this, options.maxBytes);
  }

  /** The path of a key's entry file. */
  pathOf(key: string): string {
    return join(this.directory, this.#fileName(key));
  }

  async get(key: string): Promise<string | undefined> {
    const path = this.pathOf(key);
    const text = await readText(path);
    if (text === undefined) {
      const redirect = (await this.#redirects.read()).get(key);
      return redirect === undefined
        ? undefined
        : formatKeyvRecord(ALIAS_VALUE_PREFIX + redirect.target, redirect.expires);
    }
    if (this.#lru !== undefined) await this.#lru.touch(this.#fileName(key), path);
    return decodeEntryFile(text);
  }

  async set(key: string, raw: unknown): Promise<void> {
    const record = parseKeyvRecord(raw);
    if (typeof record.value === 'string' && record.value.startsWith(ALIAS_VALUE_PREFIX)) {
      const redirect = {
        target: record.value.slice(ALIAS_VALUE_PREFIX.length),
        expires: record.expires ?? null,
      };
      await this.#redirects.update((map) => {
        map.set(key, redirect);
        return true;
      });
      await this.#removeFile(key);
      return;
    }
    const text = `${JSON.stringify(encodeEntryFile(key, record), null, 2)}\n`;
    const name = this.#fileName(key);
    const previous = this.#writing.get(name) ?? Promise.resolve();
    const write = previous.then(() => this.#writeEntry(key, name, text));
    const settled = write.catch(() => undefined);
    this.#writing.set(name, settled);
    void settled.then(() => {
      if (this.#writing.get(name) === settled) this.#writing.delete(name);
    });
    await write;
  }

  async #writeEntry(key: string, name: string, text: string): Promise<void> {
    const size = Buffer.byteLength(text);
    if (this.#lru !== undefined && !(await this.#lru.admit(name, size))) {
      // Larger than the whole bound: not stored (and an older version of it is not served instead).
      await this.#removeFile(key);
      return;
    }
    await this.#ensureDirectory();
    await writeAtomic(join(this.directory, name), text);
    this.#lru?.record(name, size);
    if ((await this.#redirects.read()).has(key)) {
      await this.#redirects.update((map) => map.delete(key));
    }
  }

  async delete(key: string): Promise<boolean> {
    const removed = await this.#removeFile(key);
    if (!(await this.#redirects.read()).has(key)) return removed;
    await this.#redirects.update((map) => map.delete(key));
    return true;
  }

  async deleteMany(keys: string[]): Promise<boolean> {
    let any = false;
    for (const key of keys) {
      if (await this.#removeFile(key)) any = true;
    }
    const redirects = await this.#redirects.read();
    if (keys.some((key) => redirects.has(key))) {
      await this.#redirects.update((map) => {
        for (const key of keys) if (map.delete(key)) any = true;
        return true;
      });
    }
    return any;
  }

  async has(key: string): Promise<boolean> {
    const text = await readText(this.pathOf(key));
    if (text !== undefined) return !isExpiredRecord(parseKeyvRecord(decodeEntryFile(text)), Date.now());
    const redirect = (await this.#redirects.read()).get(key);
    return redirect !== undefined && (redirect.expires === null || redirect.expires >= Date.now());
  }

  async getMany(keys: string[]): Promise<Array<string | undefined>> {
    return Promise.all(keys.map((key) => this.get(key)));
  }

  /** Every entry file and redirect alias, as Keyv's records. Unreadable files are yielded as invalid values. */
  async *iterator(_namespace?: string): AsyncGenerator<[string, string]> {
    for (const name of await this.entryFiles()) {
      const text = await readText(join(this.directory, name));
      if (text === undefined) continue;
      const key = keyOfFile(text) ?? name.slice(0, -(this.extension.length + 1));
      if (this.#fileName(key) !== name) continue; // a hashed name whose file is unreadable
      yield [key, decodeEntryFile(text)];
    }
    for (const [key, redirect] of await this.#redirects.read()) {
      yield [key, formatKeyvRecord(ALIAS_VALUE_PREFIX + redirect.target, redirect.expires)];
    }
  }

  /** Removes every entry file, the redirect index and temporary files left by a crash. */
  async clear(): Promise<void> {
    for (const name of await this.#listDirectory()) {
      if (this.#isEntryFile(name) || name === REDIRECTS_FILE || /^\..*\.tmp$/.test(name)) {
        await unlinkIfPresent(join(this.directory, name));
      }
    }
    this.#redirects.forget();
    this.#lru?.reset();
  }

  async disconnect(): Promise<void> {
    // Files need no closing; every write has completed when its promise resolved.
  }

  /** The names of the entry files in the directory. @internal */
  async entryFiles(): Promise<string[]> {
    return (await this.#listDirectory()).filter((name) => this.#isEntryFile(name));
  }

  #isEntryFile(name: string): boolean {
    return !name.startsWith('.') && name !== REDIRECTS_FILE && name.endsWith(`.${this.extension}`);
  }

  async #listDirectory(): Promise<string[]> {
    try {
      return (await readdir(this.directory)).sort();
    } catch (error) {
      if (isNotFound(error)) return [];
      throw error;
    }
  }

  #fileName(key: string): string {
    const safe = SAFE_KEY.test(key) && key !== 'redirects';
    return `${safe ? key : `~${createHash('sha256').update(key).digest('hex')}`}.${this.extension}`;
  }

  async #removeFile(key: string): Promise<boolean> {
    const name = this.#fileName(key);
    const removed = await unlinkIfPresent(join(this.directory, name));
    if (removed) this.#lru?.forget(name);
    return removed;
  }

  #ensureDirectory(): Promise<void> {
    this.#created ??= mkdir(this.directory, { recursive: true }).then(
      () => undefined,
      (error: unknown) => {
        this.#created = undefined;
        throw error;
      },
    );
    return this.#created;
  }
}

// ---- entry files ------------------------------------------------------------------------------------

/** Keyv's record → the readable entry file: reqcache's JSON entry parsed, its body as text when it is text. */
function encodeEntryFile(key: string, record: KeyvRecord): EntryFile {
  const expires = record.expires ?? null;
  const entry = readableEntry(record.value);
  return entry === undefined ? { key, expires, value: record.value } : { key, expires, entry };
}

/** The entry file's text → Keyv's record; text that is not an entry file becomes an undecodable value. */
function decodeEntryFile(text: string): string {
  let file: unknown;
  try {
    file = JSON.parse(text);
  } catch {
    return formatKeyvRecord(text, undefined);
  }
  if (typeof file !== 'object' || file === null) return formatKeyvRecord(text, undefined);
  const { entry, value, expires } = file as Partial<EntryFile>;
  if (typeof entry === 'object' && entry !== null) {
    return formatKeyvRecord(JSON.stringify(storedEntry(entry)), expires);
  }
  return formatKeyvRecord(value === undefined ? text : value, expires);
}

function keyOfFile(text: string): string | undefined {
  try {
    const key: unknown = (JSON.parse(text) as { key?: unknown }).key;
    return typeof key === 'string' ? key : undefined;
  } catch {
    return undefined;
  }
}

/** A JSON-serialized reqcache entry, parsed, with `body` (base64) as `bodyText` when it is text. */
function readableEntry(value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== 'string' || !value.startsWith('{')) return undefined;
  let entry: unknown;
  try {
    entry = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return undefined;
  const document = entry as Record<string, unknown>;
  const body = document['body'];
  if (typeof body !== 'string' || !isTextType(document['headers'])) return document;
  const bytes = Buffer.from(body, 'base64');
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return document;
  }
  if (!Buffer.from(text, 'utf8').equals(bytes) || bytes.toString('base64') !== body) return document;
  // Same field order, `bodyText` where `body` was.
  const readable: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(document)) {
    if (name === 'body') readable['bodyText'] = text;
    else readable[name] = field;
  }
  return readable;
}

/** The inverse of {@link readableEntry}. */
function storedEntry(entry: Record<string, unknown>): Record<string, unknown> {
  if (typeof entry['bodyText'] !== 'string') return entry;
  const stored: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(entry)) {
    if (name === 'bodyText') stored['body'] = Buffer.from(field as string, 'utf8').toString('base64');
    else stored[name] = field;
  }
  return stored;
}

function isTextType(headers: unknown): boolean {
  if (typeof headers !== 'object' || headers === null) return false;
  const type = (headers as Record<string, unknown>)['content-type'];
  const value = Array.isArray(type) ? type[0] : type;
  return typeof value === 'string' && TEXT_TYPE.test(value.trim());
}

// ---- files --------------------------------------------------------------------------------------------

/** Writes a file whole or not at all: a temporary file in the same directory, then a rename over the target. */
async function writeAtomic(path: string, text: string): Promise<void> {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const temporary = `${path.slice(0, slash + 1)}.${path.slice(slash + 1)}.${process.pid}.${++tmpSequence}.tmp`;
  try {
    await writeFile(temporary, text, { encoding: 'utf8' });
    await rename(temporary, path);
  } catch (error) {
    await unlinkIfPresent(temporary);
    throw error;
  }
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function unlinkIfPresent(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

// ---- redirects.json ---------------------------------------------------------------------------------

/**
 * `redirects.json`: alias key → `{target, expires}`. Read through a cache checked against the file's
 * identity (a rename makes a new inode), changed under a lock file (`redirects.json.lock`) with a fresh
 * read, then written atomically, so processes sharing the directory do not lose each other's aliases.
 */
class RedirectIndex {
  readonly #path: string;
  readonly #prepare: () => Promise<void>;
  #cached: { identity: string; map: Map<string, RedirectRecord> } | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(path: string, prepare: () => Promise<void>) {
    this.#path = path;
    this.#prepare = prepare;
  }

  async read(): Promise<Map<string, RedirectRecord>> {
    let identity: string;
    try {
      const info = await stat(this.#path);
      identity = `${info.ino}:${info.size}:${info.mtimeMs}`;
    } catch (error) {
      if (!isNotFound(error)) throw error;
      this.#cached = undefined;
      return new Map();
    }
    if (this.#cached?.identity === identity) return this.#cached.map;
    const text = await readText(this.#path);
    const map = parseRedirects(text);
    this.#cached = { identity, map };
    return map;
  }

  /** Changes the index under the lock; `change` returns whether it changed anything. */
  update(change: (map: Map<string, RedirectRecord>) => boolean): Promise<void> {
    const run = this.#queue.then(async () => {
      await this.#prepare();
      const release = await lockFile(`${this.#path}.lock`);
      try {
        this.#cached = undefined;
        const map = parseRedirects(await readText(this.#path));
        if (!change(map)) return;
        const now = Date.now();
        const sorted = [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        const document: Record<string, RedirectRecord> = {};
        for (const [key, record] of sorted) {
          if (record.expires === null || record.expires >= now) document[key] = record;
        }
        await writeAtomic(this.#path, `${JSON.stringify(document, null, 2)}\n`);
      } finally {
        await release();
      }
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  forget(): void {
    this.#cached = undefined;
  }
}

function parseRedirects(text: string | undefined): Map<string, RedirectRecord> {
  const map = new Map<string, RedirectRecord>();
  if (text === undefined) return map;
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return map; // an unreadable index loses its aliases only: responses are still found by their own keys
  }
  if (typeof document !== 'object' || document === null) return map;
  for (const [key, record] of Object.entries(document as Record<string, unknown>)) {
    const { target, expires } = (record ?? {}) as Partial<RedirectRecord>;
    if (typeof target === 'string')
      map.set(key, { target, expires: typeof expires === 'number' ? expires : null });
  }
  return map;
}

/** Takes a lock file (`open(…, 'wx')`), waiting up to 10 s; a lock older than 10 s is from a crash and is taken over. */
async function lockFile(path: string): Promise<() => Promise<void>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.close();
      return async () => {
        await unlinkIfPresent(path);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const info = await stat(path).catch(() => undefined);
      if (info !== undefined && Date.now() - info.mtimeMs > 10_000) {
        await unlinkIfPresent(path);
        continue;
      }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for the lock ${path}`);
      await sleep(5);
    }
  }
}

// ---- least-recently-used bound --------------------------------------------------------------------

/**
 * Sizes and access times of the entry files, for `maxBytes`: built from a scan of the directory (file
 * mtimes are access times), kept in recency order (a Map, least recent first) and rescanned before
 * evicting when another process may have changed the directory since the last scan.
 */
class LruIndex {
  readonly #store: FileStore;
  readonly #maxBytes: number;
  #files = new Map<string, number>();
  #totalBytes = 0;
  #scannedAt = 0;
  #scanning: Promise<void> | undefined;

  constructor(store: FileStore, maxBytes: number) {
    this.#store = store;
    this.#maxBytes = maxBytes;
  }

  get totalBytes(): number {
    return this.#totalBytes;
  }

  /** Makes room for a file of `size` bytes by deleting the least recently used; false when it can never fit. */
  async admit(name: string, size: number): Promise<boolean> {
    if (size > this.#maxBytes) return false;
    await this.#scanIfStale();
    const fits = () => this.#totalBytes - (this.#files.get(name) ?? 0) + size <= this.#maxBytes;
    if (!fits() && Date.now() - this.#scannedAt > 1000) await this.#scan();
    const victims: string[] = [];
    for (const [victim, victimSize] of this.#files) {
      if (fits()) break;
      if (victim === name) continue;
      this.#files.delete(victim);
      this.#totalBytes -= victimSize;
      victims.push(victim);
    }
    for (const victim of victims) await unlinkIfPresent(join(this.#store.directory, victim));
    return true;
  }

  /** Records a file just written, as the most recently used. */
  record(name: string, size: number): void {
    this.forget(name);
    this.#files.set(name, size);
    this.#totalBytes += size;
  }

  /** Marks a file read as the most recently used, here and on disk (its mtime). */
  async touch(name: string, path: string): Promise<void> {
    const size = this.#files.get(name);
    if (size !== undefined) {
      this.#files.delete(name);
      this.#files.set(name, size);
    }
    const now = new Date();
    await utimes(path, now, now).catch(() => undefined);
  }

  forget(name: string): void {
    const size = this.#files.get(name);
    if (size === undefined) return;
    this.#files.delete(name);
    this.#totalBytes -= size;
  }

  reset(): void {
    this.#files.clear();
    this.#totalBytes = 0;
  }

  async #scanIfStale(): Promise<void> {
    if (this.#scannedAt === 0) await this.#scan();
  }

  #scan(): Promise<void> {
    this.#scanning ??= (async () => {
      const found: Array<[string, number, number]> = [];
      for (const name of await this.#store.entryFiles()) {
        const info = await stat(join(this.#store.directory, name)).catch(() => undefined);
        if (info !== undefined) found.push([name, info.size, info.mtimeMs]);
      }
      // Least recently used first: mtimes are access times; ties keep this process's order.
      const rank = new Map([...this.#files.keys()].map((name, i) => [name, i]));
      found.sort(
        ([a, , aTime], [b, , bTime]) =>
          aTime - bTime ||
          (rank.get(a) ?? Number.MAX_SAFE_INTEGER) - (rank.get(b) ?? Number.MAX_SAFE_INTEGER),
      );
      this.#files = new Map(found.map(([name, size]) => [name, size]));
      this.#totalBytes = found.reduce((sum, [, size]) => sum + size, 0);
      this.#scannedAt = Date.now();
    })().finally(() => {
      this.#scanning = undefined;
    });
    return this.#scanning;
  }
}
