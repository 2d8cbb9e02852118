import {
  type CachedResponse,
  type CacheEngine,
  NEVER_EXPIRE,
  normalizeUrl,
  type RedirectHop,
  type ResponseHeaders,
} from '@reqcache/core';
import { compileUrlPatterns, contentTypeOf, matchUrlPattern, redactUrl } from '@reqcache/core/internal';
import { CliError, EXIT, usageError } from './errors.js';
import { Progress } from './progress.js';
import { decodeUtf8, isTextBody } from './render.js';

/** One stored response in `list`, `delete --dry-run` and `--json` output. */
export interface ResponseSummary {
  /** The full cache key. */
  key: string;
  method: string;
  /** The response's final URL (redacted as stored). */
  url: string;
  status: number;
  /** Body size in bytes. */
  size: number;
  /** ISO 8601, UTC. */
  createdAt: string;
  /** ISO 8601, UTC; null for never. */
  expires: string | null;
  expired: boolean;
}

/** A progress bar that draws nothing. */
const NO_PROGRESS = new Progress({ write: () => true }, { enabled: false });

function summarize(item: CachedResponse): ResponseSummary {
  return {
    key: item.cacheKey,
    method: item.request.method,
    url: item.url,
    status: item.status,
    size: item.size,
    createdAt: item.createdAt.toISOString(),
    expires: item.expires === null ? null : item.expires.toISOString(),
    expired: item.isExpired,
  };
}

/** Newest first; then by URL and key, so the order is stable whatever the store's order. */
function byNewest(a: ResponseSummary, b: ResponseSummary): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  if (a.url !== b.url) return a.url < b.url ? -1 : 1;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

// ---- list -----------------------------------------------------------------------------------------

/** Options of {@link listResponses}. */
export interface ListOptions {
  /** At most this many responses (the newest). */
  limit?: number;
  /** Which responses: all, only expired, only fresh. @default 'all' */
  filter?: 'all' | 'expired' | 'valid';
}

/** What `reqcache list --json` prints. */
export interface ListResult {
  /** The store: `sqlite (./http_cache.sqlite)`, `redis (api_cache)`, … */
  backend: string;
  /** Responses matching the filter. */
  total: number;
  /** The responses shown (at most `limit`), newest first. */
  responses: ResponseSummary[];
  /** Entries that could not be decoded (see `delete --invalid`). */
  invalid: number;
}

/** The stored responses, newest first (the engine of `reqcache list`). */
export async function listResponses(
  engine: CacheEngine,
  options: ListOptions = {},
  progress: Progress = NO_PROGRESS,
): Promise<ListResult> {
  const filter = options.filter ?? 'all';
  const all: ResponseSummary[] = [];
  let invalid = 0;
  progress.start('Reading');
  try {
    for await (const item of engine.cache.filter({
      valid: filter !== 'expired',
      expired: filter !== 'valid',
      invalid: true,
    })) {
      progress.tick();
      if (item.invalid) invalid++;
      else all.push(summarize(item));
    }
  } finally {
    progress.stop();
  }
  all.sort(byNewest);
  return {
    backend: engine.backendName,
    total: all.length,
    responses: options.limit === undefined ? all : all.slice(0, options.limit),
    invalid,
  };
}

// ---- show -----------------------------------------------------------------------------------------

/** A body in `--json` output: UTF-8 `text` when it is text, else `base64`. */
export interface BodyDocument {
  size: number;
  /** The Content-Type without parameters ('' when absent). */
  contentType: string;
  binary: boolean;
  text?: string;
  base64?: string;
}

/** What `reqcache show --json` prints. */
export interface ShowResult {
  key: string;
  /** How the argument was resolved. */
  matchedBy: 'key' | 'prefix' | 'url';
  /** The key of the redirected request that led here (a redirect alias), when there was one. */
  aliasKey?: string;
  request: {
    method: string;
    url: string;
    /** As stored: secrets are `REDACTED`. */
    headers: Record<string, string>;
    body: BodyDocument | null;
  };
  response: {
    status: number;
    statusText: string;
    /** The final URL, after redirects. */
    url: string;
    /** Repeated fields (`set-cookie`) are arrays. */
    headers: Record<string, string | string[]>;
    /** Redirect hops before the final response. */
    history: RedirectHop[];
  };
  body: BodyDocument;
  createdAt: string;
  expires: string | null;
  expired: boolean;
}

/** Smallest key prefix `show` accepts. */
export const MIN_PREFIX_LENGTH = 8;

/**
 * One stored response, found by its key, a unique key prefix (at least 8 characters) or a URL (looked up
 * with the key the adapters give `method url`, following a redirect alias; then by stored URL).
 * @throws CliError: not found or ambiguous (exit 1), prefix too short (exit 2).
 */
export async function showResponse(
  engine: CacheEngine,
  target: string,
  options: { method?: string } = {},
): Promise<ShowResult> {
  const method = (options.method ?? 'GET').toUpperCase();
  const found = await resolveTarget(engine, target, method);
  const item = await engine.cache.responses.get(found.key);
  if (item === undefined) {
    if (!(await engine.cache.responses.has(found.key))) throw notFound(shownTarget(engine, target), method);
    throw new CliError(
      'ERR_UNDECODABLE',
      `The entry under the key ${found.key} could not be decoded (written with another --serializer? reqcache delete --invalid removes it)`,
      { exitCode: EXIT.failure },
    );
  }
  const entry = item.entry;
  const result: ShowResult = {
    key: found.key,
    matchedBy: found.matchedBy,
    request: {
      method: entry.request.method,
      url: entry.request.url,
      headers: { ...entry.request.headers },
      body:
        entry.request.body === undefined || entry.request.body.byteLength === 0
          ? null
          : bodyDocument(entry.request.body, entry.request.headers),
    },
    response: {
      status: entry.status,
      statusText: entry.statusText,
      url: entry.url,
      headers: { ...entry.headers },
      history: entry.history.map((hop) => ({ ...hop })),
    },
    body: bodyDocument(entry.body, entry.headers),
    createdAt: item.createdAt.toISOString(),
    expires: item.expires === null ? null : item.expires.toISOString(),
    expired: item.isExpired,
  };
  if (found.aliasKey !== undefined) result.aliasKey = found.aliasKey;
  return result;
}

function bodyDocument(body: Uint8Array, headers: Readonly<ResponseHeaders>): BodyDocument {
  const contentType = contentTypeOf(headers);
  const text = isTextBody(body, headers) ? decodeUtf8(body) : undefined;
  return text === undefined
    ? { size: body.byteLength, contentType, binary: true, base64: Buffer.from(body).toString('base64') }
    : { size: body.byteLength, contentType, binary: false, text };
}

interface Resolved {
  key: string;
  matchedBy: ShowResult['matchedBy'];
  aliasKey?: string;
}

const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * A target as messages print it: a URL's secrets (passwords, values of `ignoredParameters`) `REDACTED`,
 * exactly as the cache stores them. Anything else comes back unchanged.
 */
function shownTarget(engine: CacheEngine, target: string): string {
  return redactUrl(target, engine.settings.parsed.ignoredParameters);
}

async function resolveTarget(engine: CacheEngine, target: string, method: string): Promise<Resolved> {
  const cache = engine.cache;
  const shown = shownTarget(engine, target);
  if (URL_LIKE.test(target)) {
    const lookup = await lookUpUrl(engine, target, method);
    if (lookup.direct !== undefined) return lookup.direct;
    // Stored under another key (a request with credentials, matched headers or a body, a custom keyFn).
    const matches: string[] = [];
    for await (const item of cache.filter()) {
      if (item.invalid || item.request.method !== method) continue;
      if (lookup.storedAt(item)) matches.push(item.cacheKey);
    }
    if (matches.length === 1) return { key: matches[0]!, matchedBy: 'url' };
    if (matches.length > 1) throw ambiguous(`${method} ${shown}`, matches);
    throw notFound(shown, method);
  }
  const exact = await resolveKey(engine, target, 'key');
  if (exact !== undefined) return exact;
  if (target.length < MIN_PREFIX_LENGTH) {
    throw usageError(
      `"${shown}" is not a stored key; a key prefix needs at least ${MIN_PREFIX_LENGTH} characters, and a URL its scheme (https://…)`,
      'ERR_PREFIX_TOO_SHORT',
    );
  }
  const matches: string[] = [];
  for await (const key of cache.keys()) if (key.startsWith(target)) matches.push(key);
  for await (const key of cache.redirects.keys()) if (key.startsWith(target)) matches.push(key);
  if (matches.length === 1) {
    const resolved = await resolveKey(engine, matches[0]!, 'prefix');
    if (resolved !== undefined) return resolved;
  }
  if (matches.length > 1) throw ambiguous(`key prefix ${shown}`, matches);
  throw new CliError('ERR_NOT_FOUND', `No stored response has a key starting with ${shown}`, {
    exitCode: EXIT.failure,
  });
}

/** How {@link lookUpUrl} finds the responses stored for a URL. */
interface UrlLookup {
  /** The response under the key the adapters give `method url`, or the one its redirect alias names. */
  direct: Resolved | undefined;
  /** Whether a stored response has the URL as its request URL or final URL. */
  storedAt(item: CachedResponse): boolean;
}

/**
 * Looks a URL up as the adapters key it, for `show` and `delete --url` alike: by the key of
 * `method url` (following a redirect alias), else by stored URL. Both compare URLs as keys do (query
 * order, default port, …) with its secrets redacted as the cache redacts them, so the URL as sent, with
 * `api_key=SECRET` or `user:password@`, and its stored form with `REDACTED` find the same responses.
 */
async function lookUpUrl(engine: CacheEngine, url: string, method: string): Promise<UrlLookup> {
  const direct = await resolveKey(engine, engine.createKey({ method, url, headers: {} }), 'url');
  const ignored = engine.settings.parsed.ignoredParameters;
  const comparable = (stored: string) => normalizeUrl(redactUrl(stored, ignored), ignored);
  const wanted = comparable(url);
  return {
    direct,
    storedAt: (item) => comparable(item.request.url) === wanted || comparable(item.url) === wanted,
  };
}

/** A response key, or a redirect alias followed to its response. */
async function resolveKey(
  engine: CacheEngine,
  key: string,
  matchedBy: Resolved['matchedBy'],
): Promise<Resolved | undefined> {
  if (await engine.cache.responses.has(key)) return { key, matchedBy };
  const target = await engine.cache.redirects.get(key);
  if (target !== undefined && (await engine.cache.responses.has(target))) {
    return { key: target, matchedBy, aliasKey: key };
  }
  return undefined;
}

/** `shown`: the target as {@link shownTarget} prints it. */
function notFound(shown: string, method: string): CliError {
  return new CliError(
    'ERR_NOT_FOUND',
    URL_LIKE.test(shown)
      ? `No response stored for ${method} ${shown}`
      : `No response stored under the key ${shown}`,
    { exitCode: EXIT.failure },
  );
}

function ambiguous(what: string, keys: readonly string[]): CliError {
  const shown = keys.slice(0, 10).map((key) => `  ${key}`);
  if (keys.length > 10) shown.push(`  … and ${keys.length - 10} more`);
  return new CliError(
    'ERR_AMBIGUOUS',
    `The ${what} matches ${keys.length} stored responses; give one of their keys:\n${shown.join('\n')}`,
    { exitCode: EXIT.failure },
  );
}

// ---- stats ----------------------------------------------------------------------------------------

/** What `reqcache stats --json` prints. */
export interface StatsResult {
  backend: string;
  /** Stored responses (fresh + expired). */
  responses: number;
  fresh: number;
  expired: number;
  /** Redirect aliases (a redirected request's key pointing at its final response). */
  redirects: number;
  /** Entries that cannot be decoded. */
  invalid: number;
  /** Total body bytes of the stored responses. */
  bytes: number;
  /** ISO 8601 creation time of the oldest and newest response; null when empty. */
  oldest: string | null;
  newest: string | null;
  /**
   * Hit ratio, hits and misses: null, "not recorded". Counters live in each client's engine
   * (`engine.stats()`), in memory; the cache does not persist them.
   */
  hitRatio: number | null;
  hits: number | null;
  misses: number | null;
}

/** Counts and sizes of a cache (the engine of `reqcache stats`). */
export async function cacheStats(
  engine: CacheEngine,
  progress: Progress = NO_PROGRESS,
): Promise<StatsResult> {
  const result: StatsResult = {
    backend: engine.backendName,
    responses: 0,
    fresh: 0,
    expired: 0,
    redirects: 0,
    invalid: 0,
    bytes: 0,
    oldest: null,
    newest: null,
    hitRatio: null,
    hits: null,
    misses: null,
  };
  progress.start('Reading');
  try {
    for await (const item of engine.cache.filter({ invalid: true })) {
      progress.tick();
      if (item.invalid) {
        result.invalid++;
        continue;
      }
      result.responses++;
      if (item.isExpired) result.expired++;
      else result.fresh++;
      result.bytes += item.size;
      const created = item.createdAt.toISOString();
      if (result.oldest === null || created < result.oldest) result.oldest = created;
      if (result.newest === null || created > result.newest) result.newest = created;
    }
    result.redirects = await engine.cache.redirects.count();
  } finally {
    progress.stop();
  }
  // Hits and misses are counted per engine, in memory (`engine.stats()`): a cache does not persist them,
  // so a new process has nothing to report. The fields stay in the shape, null, for when it does.
  return result;
}

// ---- delete ---------------------------------------------------------------------------------------

/** What `reqcache delete` selects; a response is deleted when it matches every criterion given. */
export interface DeleteSelection {
  /** Expired (stale) responses. */
  expired?: boolean;
  /** Responses created longer ago than this many milliseconds. */
  olderThanMs?: number;
  /**
   * URL globs (fnmatch-style, as `urlsExpireAfter`): the response's URL or its request URL matches one.
   * Globs are matched with their secrets redacted, as stored URLs are; a full URL (with its scheme) also
   * selects what `show` finds for it: the response a GET of it is stored under (through a redirect alias
   * too), and the responses stored with that URL, normalized as keys are.
   */
  urls?: readonly string[];
  /** Also delete entries that cannot be decoded. */
  invalid?: boolean;
  /** Only report what would be deleted. */
  dryRun?: boolean;
}

/** What `reqcache delete --json` prints. */
export interface DeleteResult {
  dryRun: boolean;
  /** Responses selected. */
  matched: number;
  /** Responses deleted (0 on a dry run). */
  deleted: number;
  /** The selected responses, newest first. */
  responses: ResponseSummary[];
  /** Keys of the undecodable entries selected by `invalid`. */
  invalidKeys: string[];
}

/**
 * Deletes the selected responses (the engine of `reqcache delete`), then the redirect aliases left
 * pointing at nothing. Reads everything first, then deletes one key at a time with a progress bar.
 */
export async function deleteResponses(
  engine: CacheEngine,
  selection: DeleteSelection,
  progress: Progress = NO_PROGRESS,
): Promise<DeleteResult> {
  const urls = await urlCriterion(engine, selection.urls ?? []);
  const createdBeforeMs =
    selection.olderThanMs === undefined ? undefined : engine.clock() - selection.olderThanMs;
  const hasCriteria = selection.expired === true || createdBeforeMs !== undefined || urls !== undefined;
  const selected: ResponseSummary[] = [];
  const invalidKeys: string[] = [];
  progress.start('Scanning');
  try {
    for await (const item of engine.cache.filter({
      valid: selection.expired !== true,
      expired: true,
      invalid: selection.invalid === true,
    })) {
      progress.tick();
      if (item.invalid) {
        invalidKeys.push(item.cacheKey);
        continue;
      }
      if (hasCriteria && matches(item, createdBeforeMs, urls)) selected.push(summarize(item));
    }
  } finally {
    progress.stop();
  }
  selected.sort(byNewest);
  const result: DeleteResult = {
    dryRun: selection.dryRun === true,
    matched: selected.length,
    deleted: 0,
    responses: selected,
    invalidKeys,
  };
  if (result.dryRun) return result;
  const invalid = new Set(invalidKeys);
  const keys = [...selected.map((s) => s.key), ...invalidKeys];
  progress.start('Deleting', keys.length);
  try {
    for (const key of keys) {
      const removed = await engine.cache.responses.delete(key);
      if (removed && !invalid.has(key)) result.deleted++;
      progress.tick();
    }
    // Removes the redirect aliases whose response is gone.
    if (keys.length > 0) await engine.cache.delete({});
  } finally {
    progress.stop();
  }
  return result;
}

/** Whether a response matches `delete --url`'s values (any of them); undefined without any. */
type UrlCriterion = ((item: CachedResponse) => boolean) | undefined;

/**
 * `--url` values as one criterion: each is a glob matched against the stored URLs, and a full URL is
 * also looked up as `show` looks it up ({@link lookUpUrl}, as a GET). Globs are compiled redacted, as
 * stored URLs are: `api_key=SECRET` in a glob matches the stored `api_key=REDACTED`, and an invalid
 * glob's message never holds the secret.
 */
async function urlCriterion(engine: CacheEngine, values: readonly string[]): Promise<UrlCriterion> {
  if (values.length === 0) return undefined;
  const ignored = engine.settings.parsed.ignoredParameters;
  const patterns = compileUrlPatterns(
    new Map(values.map((glob) => [redactUrl(glob, ignored), NEVER_EXPIRE])),
    '--url',
  );
  const keys = new Set<string>();
  const lookups: UrlLookup[] = [];
  for (const value of values) {
    if (!URL_LIKE.test(value)) continue;
    const lookup = await lookUpUrl(engine, value, 'GET');
    if (lookup.direct !== undefined) keys.add(lookup.direct.key);
    lookups.push(lookup);
  }
  return (item) =>
    matchUrlPattern(item.url, patterns) !== undefined ||
    matchUrlPattern(item.request.url, patterns) !== undefined ||
    keys.has(item.cacheKey) ||
    lookups.some((lookup) => lookup.storedAt(item));
}

function matches(item: CachedResponse, createdBeforeMs: number | undefined, urls: UrlCriterion): boolean {
  if (createdBeforeMs !== undefined && item.createdAt.getTime() >= createdBeforeMs) return false;
  return urls === undefined || urls(item);
}

// ---- clear ----------------------------------------------------------------------------------------

/** What `reqcache clear --json` prints. */
export interface ClearResult {
  /** Responses removed. */
  responses: number;
  /** Redirect aliases removed. */
  redirects: number;
}

/** How many responses and redirect aliases a cache holds (what `clear` would remove). */
export async function countEntries(engine: CacheEngine): Promise<ClearResult> {
  return { responses: await engine.cache.responses.count(), redirects: await engine.cache.redirects.count() };
}

/** Removes every response and redirect alias of the cache (the engine of `reqcache clear`). */
export async function clearCache(engine: CacheEngine, counts?: ClearResult): Promise<ClearResult> {
  const before = counts ?? (await countEntries(engine));
  await engine.cache.clear();
  return before;
}
