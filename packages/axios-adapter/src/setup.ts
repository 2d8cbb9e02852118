/**
 * `setupCache(instance, options)`: a request interceptor swaps `config.adapter` for a caching adapter that
 * wraps the one axios would have used (a later `config.adapter = …` changes what it wraps), so it sees the
 * final config. The engine decides; the network is reached only through the original adapter.
 * @module
 */
import {
  CACHE_HANDLE_NAMES,
  CacheEngine,
  type CacheOptions,
  cacheHandle,
  type Explanation,
  InvalidOptionError,
  type NetworkResponse,
  normalizeRequestOptions,
  type Outcome,
  type RedirectHop,
  ReqcacheError,
  type Send,
} from '@reqcache/core';
import axios, {
  type AxiosAdapter,
  AxiosHeaders,
  type AxiosInstance,
  type AxiosRequestConfig,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
  isAxiosError,
} from 'axios';
import { cacheRequest, toNetwork } from './request.js';
import { settle, userResponse } from './response.js';
import type { AxiosCacheProperties } from './types.js';

type AdapterSpec = AxiosRequestConfig['adapter'];

/** Marks a caching adapter and keeps the adapter configuration it wraps. */
const WRAPPED = Symbol('reqcache.wrappedAdapter');
/** Set by `explain(config)`: a function the caching adapter hands the explanation to, out of band. */
const EXPLAIN = '__reqcacheExplain';
/** Marks a config a caching adapter is already sending: another caching adapter under it passes it on. */
const THROUGH = Symbol('reqcache.through');
/** Marks an instance set up with `setupCache`; holds the id of its request interceptor. */
const INSTALLED = Symbol('reqcache.axios');

interface CachingAdapter extends AxiosAdapter {
  [WRAPPED]: AdapterSpec;
}

/**
 * Adds an HTTP cache to an axios instance (`axios` itself or one from `axios.create()`) and returns the
 * same instance, typed, with core's `CacheHandle` members (`.cache`, `.settings`, `.engine`, …) and
 * `explain`. Responses carry core's `CacheFields` (`fromCache`, `reason`, `cacheDescription`, …);
 * per-request options go in `config.cache` (`false` bypasses the cache).
 *
 * @param instance An axios instance; it is changed in place (one request interceptor is added).
 * @param options The cache options, the same in every reqcache adapter. Validated at once.
 * @throws {InvalidOptionError | UnknownOptionError} For a bad option, or an instance already set up.
 * @example
 * const client = setupCache(axios.create({ baseURL: 'https://api.example.com' }), { expireAfter: '1h' });
 * const res = await client.get('/users');
 * res.fromCache; // false, then true
 */
export function setupCache<I extends AxiosInstance>(
  instance: I,
  options: CacheOptions = {},
): I & AxiosCacheProperties {
  if (!isAxiosInstance(instance)) {
    throw new InvalidOptionError('instance', instance, 'an axios instance (axios or axios.create())');
  }
  if (INSTALLED in instance) {
    throw new InvalidOptionError(
      'instance',
      instance,
      'an axios instance without a cache (setupCache was already called on it; see ejectCache)',
    );
  }
  const engine = new CacheEngine(options);
  const interceptorId = instance.interceptors.request.use(
    (config) => {
      const wrap = (spec: AdapterSpec) => cachingAdapter(engine, unwrap(spec ?? instance.defaults.adapter));
      let adapter = wrap(config.adapter);
      // Interceptors that run later (registered earlier) and set `config.adapter` change what is wrapped.
      Object.defineProperty(config, 'adapter', {
        get: () => adapter,
        set: (spec: AdapterSpec) => {
          adapter = wrap(spec);
        },
        enumerable: true,
        configurable: true,
      });
      return config;
    },
    null,
    { synchronous: true },
  );
  // Through the instance's defaults and interceptors, as it would be sent, to the caching adapter.
  const explain = async (config: AxiosRequestConfig = {}): Promise<Explanation> => {
    const answers: Promise<Explanation>[] = []; // from the caching adapter, out of band
    const report = (answer: Promise<Explanation>) => answers.push(answer);
    const request = instance.request({ ...config, [EXPLAIN]: report } as AxiosRequestConfig);
    const failed = await request.then(() => undefined).catch((error: unknown) => ({ error }));
    if (answers[0] !== undefined) return answers[0]; // whatever response interceptors made of the response
    // Not reached: a request interceptor failed (its error), or another adapter sent the request.
    const sent = isAxiosError(failed?.error) && (failed.error.request ?? failed.error.response);
    if (failed !== undefined && !sent) throw failed.error;
    throw new ReqcacheError(
      'ERR_INVALID_OPTION',
      'explain() never reached the cache: the request went to another adapter (a request interceptor that returns ' +
        'a new config object with its own `adapter` bypasses the cache; set `adapter` on the config it is given)',
      { option: 'adapter', cause: failed?.error },
    );
  };
  Object.defineProperties(instance, {
    ...cacheHandle(engine),
    explain: { value: explain, configurable: true },
    [INSTALLED]: { value: interceptorId, configurable: true },
  });
  return instance as I & AxiosCacheProperties;
}

/**
 * Removes what {@link setupCache} added: the interceptor and the `.cache`, `.settings`, `.engine` and
 * `.close` properties. It does not close the store: `await instance.close()` first if nothing else uses it.
 * Requests already under way finish with the cache.
 * @returns false when the instance had no cache.
 */
export function ejectCache(instance: AxiosInstance): boolean {
  const interceptorId = (instance as AxiosInstance & { [INSTALLED]?: number })[INSTALLED];
  if (interceptorId === undefined) return false;
  instance.interceptors.request.eject(interceptorId);
  const target = instance as unknown as Record<PropertyKey, unknown>;
  for (const name of [...CACHE_HANDLE_NAMES, 'explain', INSTALLED]) delete target[name];
  return true;
}

function isAxiosInstance(value: unknown): value is AxiosInstance {
  const candidate = value as Partial<AxiosInstance> | null | undefined;
  return (
    typeof candidate?.interceptors?.request?.use === 'function' && typeof candidate.defaults === 'object'
  );
}

/** A config re-sent by a retry interceptor still names the caching adapter: wrap what it wraps. */
function unwrap(spec: AdapterSpec): AdapterSpec {
  return typeof spec === 'function' && WRAPPED in spec ? (spec as CachingAdapter)[WRAPPED] : spec;
}

function cachingAdapter(engine: CacheEngine, spec: AdapterSpec): CachingAdapter {
  const adapter = ((config: InternalAxiosRequestConfig) => handle(engine, spec, config)) as CachingAdapter;
  adapter[WRAPPED] = spec;
  return adapter;
}

/** One request through the cache: axios's config to core's request, the outcome to axios's response. */
async function handle(
  engine: CacheEngine,
  spec: AdapterSpec,
  config: InternalAxiosRequestConfig,
): Promise<AxiosResponse> {
  // The adapter axios would have used, resolved only when the network is needed (never on a hit).
  let resolved: AxiosAdapter | undefined;
  const original: AxiosAdapter = (networkConfig) => {
    resolved ??= axios.getAdapter(spec ?? axios.defaults.adapter, config);
    return resolved(networkConfig);
  };
  if (THROUGH in config) return original(config);
  const prepared = prepare(config);
  const report = (config as { [EXPLAIN]?: unknown })[EXPLAIN];
  if (typeof report === 'function') {
    const explanation = prepared.then(({ request, options }) => engine.explain(request, options));
    report(explanation);
    return { data: await explanation, status: 200, statusText: 'OK', headers: {}, config, request: {} };
  }
  const { request, options } = await prepared;
  const { method, url } = request;
  // A request the cache will not use is sent as the user configured it (streaming and all).
  let untouched: AxiosResponse | undefined;
  const sendFn: Send<AxiosResponse> = async (extraHeaders, bypass) => {
    if (!bypass) return send(original, config, url, extraHeaders);
    untouched = await original({ ...config, validateStatus: () => true, [THROUGH]: true } as typeof config);
    untouched.config = config;
    return toNetwork(untouched, url);
  };
  let outcome: Outcome<AxiosResponse>;
  try {
    outcome = await engine.request(request, options, sendFn);
  } catch (error) {
    throw restoreConfig(error, config);
  }
  return settle(userResponse(engine, config, { method, url }, outcome, untouched));
}

/** Core's options and request for a config (a bad `config.cache` rejects). */
async function prepare(config: InternalAxiosRequestConfig) {
  const options =
    config.cache === false ? { disabled: true } : normalizeRequestOptions(config.cache, 'config.cache');
  return { options, request: await cacheRequest(config) };
}

/**
 * Sends through the original adapter for the raw bytes (`arraybuffer`, decompressed, any status, no
 * transforms): `responseType`, `transformResponse` and `validateStatus` apply afterwards, as on hits.
 */
async function send(
  original: AxiosAdapter,
  config: InternalAxiosRequestConfig,
  url: string,
  extraHeaders: Record<string, string> | undefined,
): Promise<NetworkResponse<AxiosResponse>> {
  const headers = new AxiosHeaders(config.headers);
  if (extraHeaders !== undefined) headers.set(extraHeaders);
  const redirects: RedirectHop[] = [];
  let current = url;
  const userBeforeRedirect = config.beforeRedirect;
  const networkConfig: InternalAxiosRequestConfig & { [THROUGH]: true } = {
    ...config,
    headers,
    responseType: 'arraybuffer',
    transformResponse: [],
    validateStatus: () => true,
    decompress: true,
    [THROUGH]: true,
    beforeRedirect: (options, responseDetails, requestDetails) => {
      redirects.push({ url: requestDetails?.url ?? current, status: responseDetails.statusCode });
      current = typeof options['href'] === 'string' ? options['href'] : current;
      userBeforeRedirect?.(options, responseDetails, requestDetails);
    },
  };
  const raw = await original(networkConfig);
  raw.config = config;
  return toNetwork(raw, current, redirects);
}

/** A network error carries the internal copy of the config: give it the user's (retry interceptors re-send it). */
function restoreConfig(error: unknown, config: InternalAxiosRequestConfig): unknown {
  if (isAxiosError(error)) {
    error.config = config;
    if (error.response !== undefined) error.response.config = config;
  }
  return error;
}
