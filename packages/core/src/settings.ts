/**
 * `CacheSettings`: the run-time settings of a cached client, validated at every assignment, guarded against unknown and construction-only names, and shown by `util.inspect`.
 * @module
 */
import { inspect } from 'node:util';
import { createDebugLog, type DebugLog } from './debug.js';
import { ConstructionOnlyOptionError, UnknownOptionError } from './errors.js';
import type { ExpireAfter } from './expire-after.js';
import {
  CONSTRUCTION_ONLY_NAMES,
  OPTION_NAMES,
  PARSED_FIELD,
  parseSetting,
  SETTING_DEFAULTS,
  SETTING_NAMES,
  type SettingName,
} from './option-checks.js';
import {
  type CoalesceMode,
  DEFAULT_IGNORED_PARAMETERS,
  type FilterResponse,
  type KeyFunction,
  type ParsedSettings,
  type SettingsOptions,
} from './option-types.js';

export class CacheSettings implements Required<Omit<SettingsOptions, 'filter' | 'keyFn'>> {
  readonly #values: Record<SettingName, unknown> = { ...SETTING_DEFAULTS };
  readonly #parsed: ParsedSettings;
  readonly #debug: DebugLog | undefined;
  /** Whether the debug warning about a user `ignoredParameters` without `Authorization` was written. */
  #warnedCredentials = false;

  /**
   * @param options The settings (other options are ignored here; `normalizeOptions()` checks them).
   * @param debug Where the one-time debug warnings go. @internal @default the `reqcache` debug log
   */
  constructor(options: SettingsOptions = {}, debug: DebugLog | undefined = createDebugLog()) {
    const parsed: Record<string, unknown> = {};
    for (const name of SETTING_NAMES) {
      const given = options[name];
      const value = given === undefined ? SETTING_DEFAULTS[name] : given;
      parsed[PARSED_FIELD[name]] = parseSetting(name, value);
      this.#values[name] = value;
    }
    parsed['expireAfterExplicit'] = options.expireAfter !== undefined;
    parsed['allowableCodesExplicit'] = options.allowableCodes !== undefined;
    this.#parsed = parsed as unknown as ParsedSettings;
    this.#debug = debug;
    if (options.ignoredParameters !== undefined) this.#checkCredentials();
    // Assignments of unknown or construction-only names throw instead of adding an ignored property.
    // biome-ignore lint/correctness/noConstructorReturn: the guard must be what `new` returns.
    return new Proxy(this, SETTINGS_GUARD);
  }

  /**
   * One debug line, once per client, when a user list of `ignoredParameters` leaves out `Authorization`:
   * requests-cache's replace semantics then store the header's value as sent.
   */
  #checkCredentials(): void {
    if (this.#warnedCredentials || this.#debug === undefined) return;
    const names = this.#parsed.ignoredParameters;
    if (names.some((name) => name.toLowerCase() === 'authorization')) return;
    this.#warnedCredentials = true;
    const extra = names.filter(
      (name) => !DEFAULT_IGNORED_PARAMETERS.some((known) => known.toLowerCase() === name.toLowerCase()),
    );
    this.#debug(
      'warning: ignoredParameters %j replaces the defaults and leaves out Authorization, so its value is stored as sent (not REDACTED); to add names to the defaults use [...DEFAULT_IGNORED_PARAMETERS%s]',
      names,
      extra.map((name) => `, ${JSON.stringify(name)}`).join(''),
    );
  }

  /** The validated settings, as the engine reads them. @internal */
  get parsed(): Readonly<ParsedSettings> {
    return this.#parsed;
  }

  #set(name: SettingName, value: unknown): void {
    const actual = value === undefined ? SETTING_DEFAULTS[name] : value;
    const parsed = parseSetting(name, actual);
    (this.#parsed as unknown as Record<string, unknown>)[PARSED_FIELD[name]] = parsed;
    this.#values[name] = actual;
    if (name === 'expireAfter') this.#parsed.expireAfterExplicit = value !== undefined;
    if (name === 'allowableCodes') this.#parsed.allowableCodesExplicit = value !== undefined;
    if (name === 'ignoredParameters' && value !== undefined) this.#checkCredentials();
  }

  get expireAfter(): ExpireAfter {
    return this.#values.expireAfter as ExpireAfter;
  }
  set expireAfter(value: ExpireAfter) {
    this.#set('expireAfter', value);
  }
  get urlsExpireAfter(): Record<string, ExpireAfter> | Map<string | RegExp, ExpireAfter> {
    return this.#values.urlsExpireAfter as Record<string, ExpireAfter>;
  }
  set urlsExpireAfter(value: Record<string, ExpireAfter> | Map<string | RegExp, ExpireAfter>) {
    this.#set('urlsExpireAfter', value);
  }
  get cacheControl(): boolean {
    return this.#parsed.cacheControl;
  }
  set cacheControl(value: boolean) {
    this.#set('cacheControl', value);
  }
  get allowableCodes(): readonly number[] {
    return [...this.#parsed.allowableCodes];
  }
  set allowableCodes(value: readonly number[]) {
    this.#set('allowableCodes', value);
  }
  get allowableMethods(): readonly string[] {
    return [...this.#parsed.allowableMethods];
  }
  set allowableMethods(value: readonly string[]) {
    this.#set('allowableMethods', value);
  }
  get ignoredParameters(): readonly string[] {
    return this.#parsed.ignoredParameters;
  }
  set ignoredParameters(value: readonly string[]) {
    this.#set('ignoredParameters', value);
  }
  get matchHeaders(): boolean | readonly string[] {
    return this.#parsed.matchHeaders;
  }
  set matchHeaders(value: boolean | readonly string[]) {
    this.#set('matchHeaders', value);
  }
  get filter(): ((response: FilterResponse) => boolean) | undefined {
    return this.#parsed.filter;
  }
  set filter(value: ((response: FilterResponse) => boolean) | undefined) {
    this.#set('filter', value ?? null);
  }
  get keyFn(): KeyFunction | undefined {
    return this.#parsed.keyFn;
  }
  set keyFn(value: KeyFunction | undefined) {
    this.#set('keyFn', value ?? null);
  }
  get staleIfError(): boolean | ExpireAfter {
    return this.#values.staleIfError as boolean | ExpireAfter;
  }
  set staleIfError(value: boolean | ExpireAfter) {
    this.#set('staleIfError', value);
  }
  get staleWhileRevalidate(): boolean | ExpireAfter {
    return this.#values.staleWhileRevalidate as boolean | ExpireAfter;
  }
  set staleWhileRevalidate(value: boolean | ExpireAfter) {
    this.#set('staleWhileRevalidate', value);
  }
  get alwaysRevalidate(): boolean {
    return this.#parsed.alwaysRevalidate;
  }
  set alwaysRevalidate(value: boolean) {
    this.#set('alwaysRevalidate', value);
  }
  get readOnly(): boolean {
    return this.#parsed.readOnly;
  }
  set readOnly(value: boolean) {
    this.#set('readOnly', value);
  }
  get onlyIfCached(): boolean {
    return this.#parsed.onlyIfCached;
  }
  set onlyIfCached(value: boolean) {
    this.#set('onlyIfCached', value);
  }
  get autoclose(): boolean {
    return this.#parsed.autoclose;
  }
  set autoclose(value: boolean) {
    this.#set('autoclose', value);
  }
  get disabled(): boolean {
    return this.#parsed.disabled;
  }
  set disabled(value: boolean) {
    this.#set('disabled', value);
  }
  get separateCredentials(): boolean {
    return this.#parsed.separateCredentials;
  }
  set separateCredentials(value: boolean) {
    this.#set('separateCredentials', value);
  }
  get maxEntryBytes(): number {
    return this.#parsed.maxEntryBytes;
  }
  set maxEntryBytes(value: number) {
    this.#set('maxEntryBytes', value);
  }

  get storeTtl(): boolean | ExpireAfter {
    return this.#values.storeTtl as boolean | ExpireAfter;
  }
  set storeTtl(value: boolean | ExpireAfter) {
    this.#set('storeTtl', value);
  }

  get cacheStatus(): boolean | string {
    return this.#values.cacheStatus as boolean | string;
  }
  set cacheStatus(value: boolean | string) {
    this.#set('cacheStatus', value);
  }
  get coalesce(): CoalesceMode {
    return this.#parsed.coalesce;
  }
  set coalesce(value: CoalesceMode) {
    this.#set('coalesce', value);
  }
  get coalesceLeaseMs(): number {
    return this.#parsed.coalesceLeaseMs;
  }
  set coalesceLeaseMs(value: number) {
    this.#set('coalesceLeaseMs', value);
  }

  /** The settings that differ from the defaults, like requests-cache's `repr(settings)`. */
  toJSON(): Partial<SettingsOptions> {
    const out: Record<string, unknown> = {};
    for (const name of SETTING_NAMES) {
      if (!isDefaultValue(this.#values[name], SETTING_DEFAULTS[name])) out[name] = this.#values[name];
    }
    return out as Partial<SettingsOptions>;
  }

  /** Every setting with its current value (what `console.log(settings)` prints). */
  [inspect.custom](depth: number, options: InspectOptionsStylized, show: typeof inspect): string {
    const view = new SettingsView();
    // Through the public accessors: util.inspect calls this on the guard, which has no private fields.
    for (const name of SETTING_NAMES) (view as unknown as Record<string, unknown>)[name] = this[name];
    if (depth < 0) return options.stylize('[CacheSettings]', 'special');
    return show(view, { ...options, depth: options.depth === null ? null : depth });
  }
}

export type InspectOptionsStylized = import('node:util').InspectOptionsStylized;

/** What `util.inspect` prints for a {@link CacheSettings}: a plain record named after it. */
export const SettingsView = class CacheSettings {};

/** Methods of {@link CacheSettings}: read through the guard, they run on the object itself (private fields). */
export const SETTINGS_METHODS: ReadonlySet<PropertyKey> = new Set(
  Reflect.ownKeys(CacheSettings.prototype).filter((key) => {
    const descriptor = Object.getOwnPropertyDescriptor(CacheSettings.prototype, key);
    return key !== 'constructor' && typeof descriptor?.value === 'function';
  }),
);

/** Refuses an assignment `.settings` cannot honour, with the error `normalizeOptions()` would throw. */
export function assertSettingName(name: string, value: unknown): void {
  if ((SETTING_NAMES as readonly string[]).includes(name)) return;
  if (CONSTRUCTION_ONLY_NAMES.includes(name)) throw new ConstructionOnlyOptionError(name, value);
  throw new UnknownOptionError(name, OPTION_NAMES, 'settings');
}

/** The guard around every {@link CacheSettings}: accessors and methods run on the object itself. */
export const SETTINGS_GUARD: ProxyHandler<CacheSettings> = {
  get(target, name) {
    const value: unknown = Reflect.get(target, name, target);
    return SETTINGS_METHODS.has(name) ? (value as (...args: unknown[]) => unknown).bind(target) : value;
  },
  set(target, name, value) {
    if (typeof name === 'string') assertSettingName(name, value);
    return Reflect.set(target, name, value, target);
  },
  defineProperty(target, name, descriptor) {
    if (typeof name !== 'string') return Reflect.defineProperty(target, name, descriptor);
    assertSettingName(name, descriptor.value);
    // A setting is an accessor: an own property would shadow it, so change it by assignment instead.
    return false;
  },
};

/** True for a setting's default or a value equal to it (`[200]`, `{}`); `null` is a cleared function. */
export function isDefaultValue(value: unknown, defaultValue: unknown): boolean {
  if (value === defaultValue || value === null) return true;
  if (Array.isArray(value) && Array.isArray(defaultValue)) {
    return value.length === defaultValue.length && value.every((item, i) => item === defaultValue[i]);
  }
  return isEmptyPlainObject(value) && isEmptyPlainObject(defaultValue);
}

export function isEmptyPlainObject(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.getPrototypeOf(value) === Object.prototype &&
    Object.keys(value).length === 0
  );
}

/** The options that are fixed at construction (not settings), validated. @internal */
