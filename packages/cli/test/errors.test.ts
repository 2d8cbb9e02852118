import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { populate, runCli, runJson, sqliteStore } from './helpers/cli.js';

const HIDE_STORES = fileURLToPath(new URL('fixtures/hide-store-packages.cjs', import.meta.url));
const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** A TCP port on 127.0.0.1 where nothing listens. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

test('a wrong backend name is exit code 2 and lists the valid ones', async (t) => {
  const run = await runCli(['list', '--backend', 'redsi']);
  t.is(run.code, 2);
  t.is(run.stdout, '');
  t.is(run.stderr, 'reqcache: Unknown backend "redsi": use one of sqlite, redis, postgres, mongodb\n');
  const memory = await runJson(['stats', '--backend', 'memory']);
  t.is(memory.run.code, 2);
  t.like(memory.json, { error: { code: 'ERR_UNKNOWN_BACKEND', exitCode: 2 } });
  t.regex(memory.run.stderr, /a memory cache lives inside its process/);
});

test('a missing store package is exit code 1 with what to install', async (t) => {
  const run = await runCli(['list', '--backend', 'redis', '--url', 'redis://127.0.0.1:6379'], {
    preload: [HIDE_STORES],
    env: { REQCACHE_TEST_HIDDEN_PACKAGES: '@keyv/redis' },
  });
  t.is(run.code, 1);
  t.is(
    run.stderr,
    'reqcache: The store package "@keyv/redis" could not be loaded: install it with `npm install @keyv/redis`\n',
  );
  const sqlite = sqliteStore(t);
  const { store } = await populate(t, sqlite);
  const json = await runCli(['stats', '--json', ...store.args], {
    preload: [HIDE_STORES],
    env: { REQCACHE_TEST_HIDDEN_PACKAGES: '@reqcache/store-sqlite' },
  });
  t.is(json.code, 1);
  t.like(JSON.parse(json.stdout), { error: { code: 'ERR_MISSING_DEPENDENCY', exitCode: 1 } });
  t.regex(json.stderr, /npm install @reqcache\/store-sqlite/);
});

test('an unreachable server is exit code 1 naming where', async (t) => {
  const port = await closedPort();
  const redis = await runCli(['stats', '--url', `redis://127.0.0.1:${port}`, '--namespace', 'nowhere']);
  t.is(redis.code, 1);
  t.regex(
    redis.stderr,
    new RegExp(`^reqcache: Cannot use Redis at redis://127\\.0\\.0\\.1:${port} \\(namespace nowhere\\): `),
  );
  const postgres = await runJson([
    'list',
    '--backend',
    'postgres',
    '--url',
    `postgres://user:hunter2@127.0.0.1:${port}/db`,
  ]);
  t.is(postgres.run.code, 1);
  t.like(postgres.json, { error: { code: 'ERR_STORE_UNREACHABLE', exitCode: 1 } });
  t.regex(
    postgres.run.stderr,
    new RegExp(
      `Cannot use PostgreSQL at postgres://user:\\*\\*\\*@127\\.0\\.0\\.1:${port}/db \\(table http_cache\\): .*ECONNREFUSED`,
    ),
  );
  t.notRegex(postgres.run.stderr, /hunter2/);
});

test('a SQLite cache that does not exist is exit code 1 (and is not created)', async (t) => {
  const { args } = sqliteStore(t);
  const run = await runCli(['list', ...args]);
  t.is(run.code, 1);
  t.regex(run.stderr, /^reqcache: No SQLite cache at .*http_cache\.sqlite \(--cache-name names the file/);
  const again = await runCli(['list', ...args]);
  t.is(again.code, 1);
});

test('bad arguments are exit code 2 with the usage', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [[], /^reqcache: inspect and maintain/],
    [
      ['lsit'],
      /^reqcache: Unknown command "lsit" \(commands: list, show, stats, delete, clear\)\nUsage: reqcache <command>/,
    ],
    [['list', '--frobnicate'], /^reqcache: Unknown option '--frobnicate'.*\nUsage: reqcache list /],
    [['list', '--limit'], /^reqcache: .*--limit.*\nUsage: reqcache list/],
    [['list', '--limit', '0'], /--limit must be a positive whole number, not "0"/],
    [['list', '--expired', '--valid'], /--expired and --valid exclude each other/],
    [['list', 'extra'], /Unexpected argument "extra" for "list"/],
    [['stats', '--limit', '3'], /--limit is not an option of "stats" \(it is an option of list\)/],
    [['show'], /show needs a key, a key prefix or a URL\nUsage: reqcache show/],
    [['delete'], /Say what to delete: --expired, --older-than <duration>, --url <glob> or --invalid/],
    [['delete', '--older-than', 'last week'], /--older-than must be a duration such as 7d/],
    [
      ['list', '--url', 'example.com/*'],
      /is not a server URL .*URL globs select responses for "delete --url"/,
    ],
    [['list', '--backend', 'sqlite', '--url', 'redis://x'], /--url redis:\/\/x is not a sqlite URL/],
    [['list', '--cache-name', 'a', '--namespace', 'b'], /--cache-name and --namespace name the same thing/],
    [
      ['stats', '--url', 'redis://127.0.0.1:6379', '--serializer', 'nope'],
      /^reqcache: Invalid value for --serializer: "nope"/,
    ],
  ];
  for (const [args, expected] of cases) {
    const run = await runCli(args);
    t.is(run.code, 2, args.join(' '));
    t.is(run.stdout, '', args.join(' '));
    t.regex(run.stderr, expected, args.join(' '));
  }
  const json = await runJson(['delete', '--json']);
  t.is(json.run.code, 2);
  t.like(json.json, { error: { code: 'ERR_USAGE', exitCode: 2 } });
});

test('a URL in bad arguments is printed with its secrets REDACTED, as the cache stores it', async (t) => {
  const secret = 'http://example.com/x?api_key=TOPSECRET';
  const redacted = JSON.stringify('http://example.com/x?api_key=REDACTED');
  const cases: Array<[string[], string]> = [
    [[secret], `Unknown command ${redacted}`],
    [['list', secret], `Unexpected argument ${redacted} for "list"`],
    [['show', 'abcdef12', secret], `Unexpected argument ${redacted} for "show"`],
    [['show', '--url', secret], `--url ${redacted} is not a server URL`],
    [['list', '--limit', secret], `--limit must be a positive whole number, not ${redacted}`],
    [['delete', '--older-than', secret], `or seconds), not ${redacted}`],
    [['show', 'abcdef12', '--method', secret], `--method ${redacted} is not an HTTP method`],
    [['list', '--backend', secret], `Unknown backend ${redacted}`],
  ];
  for (const [args, expected] of cases) {
    const run = await runJson(args);
    t.is(run.run.code, 2, args.join(' '));
    t.true(run.run.stderr.includes(expected), run.run.stderr);
    t.notRegex(run.run.stderr, /TOPSECRET/);
    t.notRegex(run.run.stdout, /TOPSECRET/);
  }
});

test('--help, <command> --help, help <command> and --version', async (t) => {
  const main = await runCli(['--help']);
  t.is(main.code, 0);
  t.regex(
    main.stdout,
    /^reqcache: inspect and maintain reqcache HTTP caches\n\nUsage: reqcache <command> \[options\]/,
  );
  for (const command of ['list', 'show', 'stats', 'delete', 'clear'])
    t.regex(main.stdout, new RegExp(`\\n {2}${command} `));
  t.regex(main.stdout, /--backend <name> +sqlite \(default\), redis, postgres or mongodb/);
  const list = await runCli(['list', '--help']);
  t.regex(list.stdout, /^Usage: reqcache list \[--limit N\] \[--expired \| --valid\]/);
  t.regex(list.stdout, /--cache-name <name>/);
  const show = await runCli(['help', 'show']);
  t.regex(show.stdout, /^Usage: reqcache show <key \| key prefix \| URL>/);
  const deleteHelp = await runCli(['delete', '-h']);
  t.regex(deleteHelp.stdout, /--older-than <age>/);
  t.is(deleteHelp.code, 0);
  const version = await runCli(['--version']);
  t.is(version.stdout, `${VERSION}\n`);
  t.is((await runJson(['-V'])).json['version'], VERSION);
});
