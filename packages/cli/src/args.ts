import { parseArgs } from 'node:util';
import { DEFAULT_IGNORED_PARAMETERS } from '@reqcache/core';
import { parseDurationMs, redactUrl } from '@reqcache/core/internal';
import { CliError, EXIT, usageError } from './errors.js';

/** The commands of `reqcache`. */
export const COMMANDS = ['list', 'show', 'stats', 'delete', 'clear'] as const;
export type CommandName = (typeof COMMANDS)[number];

/** The backends the CLI can open by name (the persistent ones of `@reqcache/core`). */
export const CLI_BACKENDS = ['sqlite', 'redis', 'postgres', 'mongodb'] as const;
export type CliBackend = (typeof CLI_BACKENDS)[number];

/** Where the cache is: the same `backend`, `cacheName` and `backendOptions.url` the adapters take. */
export interface StoreArgs {
  backend: CliBackend;
  /** `cacheName`: the SQLite file (`<name>.sqlite`), Redis namespace, Postgres table or Mongo database. */
  cacheName: string;
  /** The server's connection URL (`backendOptions.url`); `sqlite://path` for SQLite. */
  url?: string;
  /** The serializer the cache was written with (part of every key). @default 'json' */
  serializer?: string;
}

/** The command line, parsed and checked. */
export interface ParsedArgs {
  command: CommandName | undefined;
  help: boolean;
  version: boolean;
  json: boolean;
  store: StoreArgs;
  positionals: string[];
  list: { limit?: number; filter: 'all' | 'expired' | 'valid' };
  show: { method: string; full: boolean };
  delete: { expired: boolean; invalid: boolean; olderThanMs?: number; urls: string[]; dryRun: boolean };
  clear: { yes: boolean };
}

const OPTIONS = {
  backend: { type: 'string', short: 'b' },
  'cache-name': { type: 'string', short: 'n' },
  namespace: { type: 'string' },
  url: { type: 'string', short: 'u', multiple: true },
  serializer: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
  limit: { type: 'string', short: 'l' },
  expired: { type: 'boolean' },
  valid: { type: 'boolean' },
  method: { type: 'string', short: 'X' },
  full: { type: 'boolean' },
  'older-than': { type: 'string' },
  invalid: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
} as const;

type OptionName = keyof typeof OPTIONS;

const GLOBAL_OPTIONS: readonly OptionName[] = [
  'backend',
  'cache-name',
  'namespace',
  'url',
  'serializer',
  'json',
  'help',
  'version',
];

const COMMAND_OPTIONS: Record<CommandName, readonly OptionName[]> = {
  list: ['limit', 'expired', 'valid'],
  show: ['method', 'full'],
  stats: [],
  delete: ['expired', 'older-than', 'invalid', 'dry-run'],
  clear: ['yes'],
};

/** Schemes of connection URLs, by backend; any other `--url` is a URL glob (for `delete`). */
const CONNECTION_SCHEMES: Record<string, CliBackend> = {
  'redis:': 'redis',
  'rediss:': 'redis',
  'postgres:': 'postgres',
  'postgresql:': 'postgres',
  'mongodb:': 'mongodb',
  'mongodb+srv:': 'mongodb',
  'sqlite:': 'sqlite',
};

/** The backend a connection URL is for, or undefined when the value is not a connection URL. */
export function connectionBackend(value: string): CliBackend | undefined {
  const match = /^([a-z][a-z0-9+.-]*:)\/\//i.exec(value);
  return match === null ? undefined : CONNECTION_SCHEMES[match[1]!.toLowerCase()];
}

/**
 * Parses `reqcache` arguments. Options may come before or after the command.
 * @throws CliError with exit code 2 for bad usage.
 */
export function parseCliArgs(argv: readonly string[]): ParsedArgs {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError(cleanParseError(error));
  }
  const { values } = parsed;
  const positionals = [...parsed.positionals];
  let commandWord = positionals.shift();
  let help = values.help === true;
  // `reqcache help [command]`
  if (commandWord === 'help') {
    help = true;
    commandWord = positionals.shift();
  }
  let command: CommandName | undefined;
  if (commandWord !== undefined) {
    if (!(COMMANDS as readonly string[]).includes(commandWord)) {
      throw usageError(
        `Unknown command ${shown(commandWord)} (commands: ${COMMANDS.join(', ')})`,
        'ERR_UNKNOWN_COMMAND',
      );
    }
    command = commandWord as CommandName;
  }

  // Options that belong to another command.
  for (const name of Object.keys(values) as OptionName[]) {
    if (GLOBAL_OPTIONS.includes(name)) continue;
    if (command === undefined || !COMMAND_OPTIONS[command].includes(name)) {
      const owners = COMMANDS.filter((c) => COMMAND_OPTIONS[c].includes(name));
      throw usageError(
        command === undefined
          ? `--${name} needs a command (it is an option of ${owners.join(', ')})`
          : `--${name} is not an option of "${command}" (it is an option of ${owners.join(', ')})`,
      );
    }
  }

  // --url: connection URLs by scheme, URL globs (delete) otherwise.
  const connectionUrls: string[] = [];
  const urlGlobs: string[] = [];
  for (const value of values.url ?? []) {
    (connectionBackend(value) === undefined ? urlGlobs : connectionUrls).push(value);
  }
  if (connectionUrls.length > 1) throw usageError('Give the server URL (--url) once');
  if (urlGlobs.length > 0 && command !== 'delete' && !help) {
    throw usageError(
      `--url ${shown(urlGlobs[0]!)} is not a server URL (redis://, rediss://, postgres://, ` +
        'postgresql://, mongodb://, mongodb+srv://, sqlite://); URL globs select responses for "delete --url"',
    );
  }
  const connectionUrl = connectionUrls[0];

  const backendName =
    values.backend ?? (connectionUrl === undefined ? 'sqlite' : connectionBackend(connectionUrl));
  if (!(CLI_BACKENDS as readonly string[]).includes(backendName ?? '')) {
    const hint =
      backendName === 'memory' ? ' (a memory cache lives inside its process: there is nothing to open)' : '';
    throw new CliError(
      'ERR_UNKNOWN_BACKEND',
      `Unknown backend ${shown(backendName ?? '')}${hint}: use one of ${CLI_BACKENDS.join(', ')}`,
      { exitCode: EXIT.usage },
    );
  }
  const backend = backendName as CliBackend;
  if (connectionUrl !== undefined && connectionBackend(connectionUrl) !== backend) {
    throw usageError(`--url ${redactUrlPassword(connectionUrl)} is not a ${backend} URL`);
  }
  if (
    values['cache-name'] !== undefined &&
    values.namespace !== undefined &&
    values['cache-name'] !== values.namespace
  ) {
    throw usageError('--cache-name and --namespace name the same thing: give one');
  }
  const cacheName = values['cache-name'] ?? values.namespace ?? 'http_cache';
  if (cacheName === '') throw usageError('--cache-name must not be empty');
  const store: StoreArgs = { backend, cacheName };
  if (connectionUrl !== undefined) store.url = connectionUrl;
  if (values.serializer !== undefined) store.serializer = values.serializer;

  const result: ParsedArgs = {
    command,
    help,
    version: values.version === true,
    json: values.json === true,
    store,
    positionals,
    list: { filter: 'all' },
    show: { method: (values.method ?? 'GET').toUpperCase(), full: values.full === true },
    delete: {
      expired: values.expired === true,
      invalid: values.invalid === true,
      urls: urlGlobs,
      dryRun: values['dry-run'] === true,
    },
    clear: { yes: values.yes === true },
  };
  if (help || result.version || command === undefined) return result;

  switch (command) {
    case 'list': {
      if (values.expired && values.valid) throw usageError('--expired and --valid exclude each other');
      result.list.filter = values.expired ? 'expired' : values.valid ? 'valid' : 'all';
      if (values.limit !== undefined) {
        if (!/^[0-9]+$/.test(values.limit) || Number(values.limit) < 1) {
          throw usageError(`--limit must be a positive whole number, not ${shown(values.limit)}`);
        }
        result.list.limit = Number(values.limit);
      }
      expectPositionals(command, positionals, 0);
      break;
    }
    case 'show':
      if (positionals.length === 0) throw usageError('show needs a key, a key prefix or a URL');
      expectPositionals(command, positionals, 1);
      if (!/^[A-Z]+$/.test(result.show.method))
        throw usageError(`--method ${shown(values.method ?? '')} is not an HTTP method`);
      break;
    case 'delete': {
      if (values['older-than'] !== undefined) result.delete.olderThanMs = parseAge(values['older-than']);
      const d = result.delete;
      if (!d.expired && !d.invalid && d.olderThanMs === undefined && d.urls.length === 0) {
        throw usageError(
          'Say what to delete: --expired, --older-than <duration>, --url <glob> or --invalid (`reqcache clear` removes everything)',
        );
      }
      expectPositionals(command, positionals, 0);
      break;
    }
    case 'stats':
    case 'clear':
      expectPositionals(command, positionals, 0);
      break;
  }
  return result;
}

/** `7d`, `12h`, `1h30m`, `90s` or a number of seconds, as milliseconds. */
function parseAge(value: string): number {
  const ms = /^[0-9]+(\.[0-9]+)?$/.test(value.trim()) ? Number(value) * 1000 : parseDurationMs(value);
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) {
    throw usageError(
      `--older-than must be a duration such as 7d, 12h, 30m or 90s (or seconds), not ${shown(value)}`,
    );
  }
  return ms;
}

function expectPositionals(command: CommandName, positionals: readonly string[], max: number): void {
  if (positionals.length > max) {
    throw usageError(`Unexpected argument ${shown(positionals[max]!)} for "${command}"`);
  }
}

function cleanParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Node's messages end with advice about "--" that does not apply here.
  return message.replace(/\. To specify a positional argument.*$/s, '').replace(/\s+$/, '');
}

/**
 * A command-line value as messages quote it: when it is (or holds) a URL, its password and the values of
 * the ignored parameters are `REDACTED` with core's `redactUrl`, as the cache stores URLs. The CLI opens
 * every cache with core's default `ignoredParameters`, so those are the names redacted here.
 */
function shown(value: string): string {
  return JSON.stringify(redactUrl(value, DEFAULT_IGNORED_PARAMETERS));
}

/** A connection URL with its password hidden, for messages. */
export function redactUrlPassword(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*:)[^/@]*@/i, '$1***@');
}
