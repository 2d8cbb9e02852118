/**
 * Request keys under a cache's current settings, with a memo for the usual request (a bodiless GET
 * whose headers are not part of the key).
 * @module
 */
import {
  carriesCredentials,
  compileNames,
  createKey,
  type IgnoredNames,
  type KeyOptions,
  type KeyRequest,
} from './key.js';
import type { ParsedSettings } from './options.js';

/** How many URL → key pairs are remembered (emptied when full). */
const KEY_MEMO_SIZE = 4096;

/** Keys requests under the settings `settings()` returns at each call (`keyFn` when set). @internal */
export class KeyMaker {
  readonly #settings: () => Readonly<ParsedSettings>;
  readonly #serializerName: string;
  /** Keys of bodiless GET requests by URL, valid for one compiled `ignoredParameters` list. */
  #memo: { ignored: IgnoredNames; keys: Map<string, string> } | undefined;

  constructor(settings: () => Readonly<ParsedSettings>, serializerName: string) {
    this.#settings = settings;
    this.#serializerName = serializerName;
  }

  /** The key of `request`; `matchHeaders` overrides the setting (for a stored response's `Vary`). */
  key(request: KeyRequest, matchHeaders?: boolean | readonly string[]): string {
    const settings = this.#settings();
    const memoizable =
      request.body === undefined &&
      request.method === 'GET' &&
      (matchHeaders ?? settings.matchHeaders) === false &&
      settings.keyFn === undefined &&
      !(settings.separateCredentials && carriesCredentials(request.headers, settings.ignoredParameters));
    if (!memoizable) return this.#create(settings, request, matchHeaders);
    // Emptied whenever `ignoredParameters` changed: the only setting that shapes such keys (with
    // credentials under `separateCredentials` they are not memoized).
    const ignored = compileNames(settings.ignoredParameters);
    if (this.#memo?.ignored !== ignored) this.#memo = { ignored, keys: new Map() };
    const keys = this.#memo.keys;
    const known = keys.get(request.url);
    if (known !== undefined) return known;
    const key = this.#create(settings, request, matchHeaders);
    if (keys.size >= KEY_MEMO_SIZE) keys.clear();
    keys.set(request.url, key);
    return key;
  }

  #create(
    settings: Readonly<ParsedSettings>,
    request: KeyRequest,
    matchHeaders: boolean | readonly string[] | undefined,
  ): string {
    const options: KeyOptions = {
      ignoredParameters: settings.ignoredParameters,
      matchHeaders: matchHeaders ?? settings.matchHeaders,
      serializerName: this.#serializerName,
      separateCredentials: settings.separateCredentials,
    };
    return settings.keyFn ? settings.keyFn(request, options) : createKey(request, options);
  }
}
