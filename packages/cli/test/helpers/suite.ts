import { CacheEngine } from '@reqcache/core';
import { withCache } from '@reqcache/fetch';
import { PNG_IMAGE } from '@reqcache/test-server';
import type { TestFn } from 'ava';
import type {
  ClearResult,
  DeleteResult,
  ListResult,
  ResponseSummary,
  ShowResult,
  StatsResult,
} from '../../src/index.js';
import { populate, runCli, runJson, type StoreUnderTest } from './cli.js';

type Teardown = { teardown(fn: () => void | Promise<void>): void };

/** Paths of the populated cache, as the CLI lists them (final URLs, secrets redacted). */
const FRESH_PATHS = [
  '/anything/search?q=1&api_key=REDACTED',
  '/bytes/2000',
  '/get',
  '/html',
  '/image/png',
  '/get?b=2&a=1',
  '/json',
];
const EXPIRED_PATHS = ['/etag/old-2', '/etag/old-1'];

function paths(responses: readonly ResponseSummary[], origin: string): string[] {
  return responses.map((r) => r.url.slice(origin.length));
}

/**
 * The CLI's end-to-end tests against one store: caches written by the fetch, got and axios adapters,
 * read and changed by the `reqcache` command in a child process. Serial: each test starts several
 * processes, which is faster one test at a time than all at once.
 */
export function registerCliSuite(test: TestFn, makeStore: (t: Teardown) => StoreUnderTest): void {
  test.serial('list prints a table of every response, newest first, with a footer', async (t) => {
    const { store, server, total } = await populate(t, makeStore(t));
    const run = await runCli(['list', ...store.args]);
    t.is(run.code, 0, run.stderr);
    t.is(run.stderr, '');
    const lines = run.stdout.split('\n');
    t.regex(lines[0]!, /^KEY +METHOD +URL +STATUS +SIZE +CREATED \(UTC\) +EXPIRES \(UTC\)$/);
    t.regex(lines[1]!, /^-+( +-+){6}$/);
    const rows = lines.slice(2, 2 + total);
    t.deepEqual(
      rows.map((row) => row.split(/ +/)[2]!.slice(server.url.length)),
      [...FRESH_PATHS, ...EXPIRED_PATHS].map((p) => p),
    );
    const json = rows[6]!;
    t.regex(
      json,
      /^[0-9a-f]{12} +GET +http:\/\/127\.0\.0\.1:\d+\/json +200 +421 B +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +never \(fresh\)$/,
    );
    t.regex(rows[1]!, / 2\.0 KiB /);
    t.regex(rows[7]!, /\(stale\)$/);
    t.is(lines[2 + total], '');
    t.is(lines[3 + total], `${total} responses in ${store.description}`);
  });

  test.serial('list --json: every response with its full key, dates in ISO 8601', async (t) => {
    const { store, server, total, fresh } = await populate(t, makeStore(t));
    const { run, json } = await runJson<ListResult>(['list', ...store.args]);
    t.is(run.code, 0, run.stderr);
    t.is(json.backend, store.description);
    t.is(json.total, total);
    t.is(json.invalid, 0);
    t.deepEqual(paths(json.responses, server.url), [...FRESH_PATHS, ...EXPIRED_PATHS]);
    const image = json.responses[4]!;
    t.regex(image.key, /^[0-9a-f]{64}$/);
    t.like(image, { method: 'GET', status: 200, size: PNG_IMAGE.byteLength, expires: null, expired: false });
    t.true(Date.parse(image.createdAt) > Date.now() - 600_000);
    t.is(json.responses.filter((r) => !r.expired).length, fresh);
    const old = json.responses[8]!;
    t.true(old.expired);
    t.is(Date.parse(old.expires!) - Date.parse(old.createdAt), 3600_000);
  });

  test.serial('list --limit, --expired and --valid select responses', async (t) => {
    const { store, server, total } = await populate(t, makeStore(t));
    const limited = await runJson<ListResult>(['list', '--limit', '2', ...store.args]);
    t.is(limited.json.total, total);
    t.deepEqual(paths(limited.json.responses, server.url), FRESH_PATHS.slice(0, 2));
    const table = await runCli(['list', '-l', '2', ...store.args]);
    t.regex(table.stdout, new RegExp(`\\n2 of ${total} responses in `));

    const expired = await runJson<ListResult>(['list', '--expired', ...store.args]);
    t.is(expired.json.total, 2);
    t.deepEqual(paths(expired.json.responses, server.url), EXPIRED_PATHS);
    const valid = await runJson<ListResult>(['list', '--valid', ...store.args]);
    t.deepEqual(paths(valid.json.responses, server.url), FRESH_PATHS);
    t.true(valid.json.responses.every((r) => !r.expired));
  });

  test.serial('show <url>: the request as stored (redacted), response headers, text body', async (t) => {
    const { store, url } = await populate(t, makeStore(t));
    const run = await runCli(['show', url('/json'), ...store.args]);
    t.is(run.code, 0, run.stderr);
    t.regex(run.stdout, /^key: +[0-9a-f]{64}\n/);
    t.regex(run.stdout, new RegExp(`\\nrequest: +GET ${escapeRegExp(url('/json'))}\\n`));
    t.regex(run.stdout, /\nstatus: +200 OK\n/);
    t.regex(run.stdout, /\nexpires: +never \(fresh\)\n/);
    t.regex(run.stdout, /\nRequest headers:\n {2}authorization: REDACTED\n/);
    t.notRegex(run.stdout, /s3cret/);
    t.regex(run.stdout, /\nResponse headers:\n(?: {2}.+\n)* {2}content-type: application\/json\n/);
    t.regex(run.stdout, /\nBody \(421 B, application\/json\):\n {2}\{\n/);
    t.regex(run.stdout, /"slideshow"/);

    const { json } = await runJson<ShowResult>(['show', url('/json'), ...store.args]);
    t.is(json.matchedBy, 'url');
    t.deepEqual(json.request, {
      method: 'GET',
      url: url('/json'),
      headers: { authorization: 'REDACTED' },
      body: null,
    });
    t.like(json.response, { status: 200, statusText: 'OK', url: url('/json'), history: [] });
    t.is(json.response.headers['content-type'], 'application/json');
    t.like(json.body, { size: 421, contentType: 'application/json', binary: false });
    t.truthy((JSON.parse(json.body.text!) as { slideshow?: unknown }).slideshow);
    t.is(json.expires, null);
    t.false(json.expired);
  });

  test.serial(
    'show finds a URL the way the adapters key it: normalized query, redacted secrets, redirects',
    async (t) => {
      const { store, url } = await populate(t, makeStore(t));
      const asStored = await runJson<ShowResult>(['show', url('/get?b=2&a=1'), ...store.args]);
      const reordered = await runJson<ShowResult>(['show', url('/get?a=1&b=2'), ...store.args]);
      t.is(reordered.run.code, 0, reordered.run.stderr);
      t.is(reordered.json.key, asStored.json.key);

      const secret = await runJson<ShowResult>([
        'show',
        url('/anything/search?q=1&api_key=another'),
        ...store.args,
      ]);
      t.is(secret.json.request.url, url('/anything/search?q=1&api_key=REDACTED'));
      t.is(secret.json.expired, false);
      t.not(secret.json.expires, null);

      // /redirect/2 was stored with aliases for the hops: each finds the final response.
      const start = await runJson<ShowResult>(['show', url('/redirect/2'), ...store.args]);
      const hop = await runJson<ShowResult>(['show', url('/redirect/1'), ...store.args]);
      t.is(hop.run.code, 0, hop.run.stderr);
      t.is(hop.json.key, start.json.key);
      t.is(typeof hop.json.aliasKey, 'string');
      t.is(hop.json.response.url, url('/get'));
      t.deepEqual(
        hop.json.response.history.map((h) => h.url),
        [url('/redirect/2'), url('/redirect/1')],
      );
      const table = await runCli(['show', url('/redirect/1'), ...store.args]);
      t.regex(table.stdout, /\nredirected from: +[0-9a-f]{64} \(redirect alias\)\n/);
      t.regex(
        table.stdout,
        new RegExp(
          `\\nRedirects:\\n {2}302 ${escapeRegExp(url('/redirect/2'))}\\n {2}302 ${escapeRegExp(url('/redirect/1'))}\\n`,
        ),
      );
    },
  );

  test.serial('show <key prefix>: a binary body as a hex dump (table) and base64 (--json)', async (t) => {
    const { store, url } = await populate(t, makeStore(t));
    const { json: byUrl } = await runJson<ShowResult>(['show', url('/image/png'), ...store.args]);
    const prefix = byUrl.key.slice(0, 8);
    const run = await runCli(['show', prefix, ...store.args]);
    t.is(run.code, 0, run.stderr);
    t.regex(run.stdout, new RegExp(`^key: +${byUrl.key}\\n`));
    t.regex(
      run.stdout,
      /\nBody \(70 B, image\/png, binary\):\n {2}00000000 {2}89 50 4e 47 0d 0a 1a 0a .* {2}\.PNG\.\.\.\.\.\.\.\.IHDR\n/,
    );
    t.regex(run.stdout, / {2}00000040 {2}4e 44 ae 42 60 82 +ND\.B`\.\n$/);

    const { json } = await runJson<ShowResult>(['show', byUrl.key.slice(0, 20), ...store.args]);
    t.is(json.matchedBy, 'prefix');
    t.is(json.key, byUrl.key);
    t.true(json.body.binary);
    t.deepEqual(Buffer.from(json.body.base64!, 'base64'), PNG_IMAGE);

    const full = await runJson<ShowResult>(['show', byUrl.key, ...store.args]);
    t.is(full.json.matchedBy, 'key');
  });

  test.serial('show previews a long body and --full prints it whole', async (t) => {
    const { store, url } = await populate(t, makeStore(t));
    const preview = await runCli(['show', url('/bytes/2000'), ...store.args]);
    t.regex(preview.stdout, /\nBody \(2\.0 KiB, application\/octet-stream, binary\):\n/);
    t.regex(
      preview.stdout,
      /\n {2}… 1744 more bytes \(--full shows the whole body; --json has it in base64\)\n$/,
    );
    const full = await runCli(['show', url('/bytes/2000'), '--full', ...store.args]);
    t.regex(full.stdout, / {2}000007c0 {2}(?:[0-9a-f]{2} ){15}[0-9a-f]{2} {2}.{16}\n$/);
    t.notRegex(full.stdout, /more bytes/);
  });

  test.serial('show: an unknown URL or key is exit code 1', async (t) => {
    const { store, url } = await populate(t, makeStore(t));
    const unknownUrl = await runCli(['show', url('/never-requested'), ...store.args]);
    t.is(unknownUrl.code, 1);
    t.is(unknownUrl.stdout, '');
    t.is(unknownUrl.stderr, `reqcache: No response stored for GET ${url('/never-requested')}\n`);
    const head = await runCli(['show', url('/json'), '--method', 'HEAD', ...store.args]);
    t.is(head.code, 1);
    t.regex(head.stderr, /No response stored for HEAD /);

    const unknownKey = await runJson(['show', 'ffffffffffff', ...store.args]);
    t.is(unknownKey.run.code, 1);
    t.deepEqual(unknownKey.json, {
      error: {
        code: 'ERR_NOT_FOUND',
        message: 'No stored response has a key starting with ffffffffffff',
        exitCode: 1,
      },
    });
    const short = await runCli(['show', 'abc', ...store.args]);
    t.is(short.code, 2);
    t.regex(short.stderr, /a key prefix needs at least 8 characters/);
    t.regex(short.stderr, /Usage: reqcache show/);
  });

  test.serial(
    'show: a URL stored once per credential is ambiguous (exit 1) and lists the keys',
    async (t) => {
      const { store, url } = await populate(t, makeStore(t));
      const cachedFetch = withCache(fetch, store.options);
      try {
        for (const token of ['alice', 'bob']) {
          await (
            await cachedFetch(url('/uuid'), { headers: { authorization: `Bearer ${token}` } })
          ).arrayBuffer();
        }
      } finally {
        await cachedFetch.cache.close();
      }
      const run = await runCli(['show', url('/uuid'), ...store.args]);
      t.is(run.code, 1);
      t.regex(
        run.stderr,
        new RegExp(
          `^reqcache: The GET ${escapeRegExp(url('/uuid'))} matches 2 stored responses; give one of their keys:\\n {2}[0-9a-f]{64}\\n {2}[0-9a-f]{64}\\n$`,
        ),
      );
      const key = /[0-9a-f]{64}/.exec(run.stderr)![0];
      const byKey = await runJson<ShowResult>(['show', key, ...store.args]);
      t.is(byKey.json.request.url, url('/uuid'));
    },
  );

  test.serial(
    'show prints a URL it was given with its secrets REDACTED, as the cache stores it',
    async (t) => {
      const { store, url } = await populate(t, makeStore(t));
      const noSecret = (run: { stdout: string; stderr: string }) => {
        t.notRegex(run.stdout, /TOPSECRET|hunter2/);
        t.notRegex(run.stderr, /TOPSECRET|hunter2/);
      };
      const unknown = await runCli(['show', url('/none?api_key=TOPSECRET&q=1'), ...store.args]);
      t.is(unknown.code, 1);
      t.is(unknown.stderr, `reqcache: No response stored for GET ${url('/none?api_key=REDACTED&q=1')}\n`);
      noSecret(unknown);
      const json = await runJson(['show', url('/none?ACCESS_TOKEN=TOPSECRET'), ...store.args]);
      t.like(json.json, {
        error: {
          code: 'ERR_NOT_FOUND',
          message: `No response stored for GET ${url('/none?ACCESS_TOKEN=REDACTED')}`,
        },
      });
      noSecret(json.run);
      const password = await runCli(['show', url('/none').replace('://', '://user:hunter2@'), ...store.args]);
      t.regex(password.stderr, /No response stored for GET http:\/\/user:REDACTED@127\.0\.0\.1:\d+\/none\n$/);
      noSecret(password);

      // Without a scheme the argument is taken for a key prefix: the message names it redacted too.
      const prefix = await runCli(['show', '127.0.0.1/none?apikey=TOPSECRET', ...store.args]);
      t.is(prefix.code, 1);
      t.is(
        prefix.stderr,
        'reqcache: No stored response has a key starting with 127.0.0.1/none?apikey=REDACTED\n',
      );
      noSecret(prefix);

      // A URL stored once per credential is ambiguous: the message names the URL redacted.
      const cachedFetch = withCache(fetch, store.options);
      try {
        for (const token of ['alice', 'bob']) {
          await (
            await cachedFetch(url('/uuid?api_key=TOPSECRET'), {
              headers: { authorization: `Bearer ${token}` },
            })
          ).arrayBuffer();
        }
      } finally {
        await cachedFetch.cache.close();
      }
      const ambiguous = await runCli(['show', url('/uuid?api_key=TOPSECRET'), ...store.args]);
      t.is(ambiguous.code, 1);
      t.regex(
        ambiguous.stderr,
        new RegExp(
          `^reqcache: The GET ${escapeRegExp(url('/uuid?api_key=REDACTED'))} matches 2 stored responses`,
        ),
      );
      noSecret(ambiguous);
    },
  );

  test.serial('stats: entries, bytes, expired, redirects; hit ratio not recorded', async (t) => {
    const { store, total, fresh, expired } = await populate(t, makeStore(t));
    const { json: list } = await runJson<ListResult>(['list', ...store.args]);
    const bytes = list.responses.reduce((sum, r) => sum + r.size, 0);
    const { run, json } = await runJson<StatsResult>(['stats', ...store.args]);
    t.is(run.code, 0, run.stderr);
    t.deepEqual(json, {
      backend: store.description,
      responses: total,
      fresh,
      expired,
      redirects: 2,
      invalid: 0,
      bytes,
      oldest: list.responses.at(-1)!.createdAt,
      newest: list.responses[0]!.createdAt,
      hitRatio: null,
      hits: null,
      misses: null,
    });
    const table = await runCli(['stats', ...store.args]);
    t.is(table.code, 0);
    t.regex(table.stdout, new RegExp(`^cache: +${escapeRegExp(store.description)}\\n`));
    t.regex(table.stdout, new RegExp(`\\nresponses: +${total} \\(${fresh} fresh, ${expired} expired\\)\\n`));
    t.regex(table.stdout, new RegExp(`\\nsize: +4\\.\\d KiB \\(${bytes} bytes of bodies\\)\\n`));
    t.regex(table.stdout, /\nredirects: +2 \(aliases\)\n/);
    t.regex(table.stdout, /\nhit ratio: +not recorded\n$/);
  });

  test.serial('delete --expired: --dry-run lists and keeps, then deletes and prints the count', async (t) => {
    const { store, server, total, expired } = await populate(t, makeStore(t));
    const dry = await runCli(['delete', '--expired', '--dry-run', ...store.args]);
    t.is(dry.code, 0, dry.stderr);
    t.regex(dry.stdout, /^KEY +METHOD +URL /);
    t.regex(dry.stdout, /\/etag\/old-1 /);
    t.notRegex(dry.stdout, /\/json /);
    t.regex(dry.stdout, /\nWould delete 2 responses \(dry run: nothing deleted\)\n$/);
    t.is((await runJson<ListResult>(['list', ...store.args])).json.total, total);

    const { json: dryJson } = await runJson<DeleteResult>([
      'delete',
      '--expired',
      '--dry-run',
      ...store.args,
    ]);
    t.like(dryJson, { dryRun: true, matched: expired, deleted: 0, invalidKeys: [] });
    t.deepEqual(paths(dryJson.responses, server.url), EXPIRED_PATHS);

    const run = await runCli(['delete', '--expired', ...store.args]);
    t.is(run.code, 0, run.stderr);
    t.is(run.stdout, `Deleted ${expired} responses\n`);
    const { json: after } = await runJson<ListResult>(['list', ...store.args]);
    t.deepEqual(paths(after.responses, server.url), FRESH_PATHS);
    const again = await runJson<DeleteResult>(['delete', '--expired', ...store.args]);
    t.like(again.json, { dryRun: false, matched: 0, deleted: 0, responses: [] });
  });

  test.serial('delete --older-than 7d deletes only responses created before', async (t) => {
    const { store, server, total } = await populate(t, makeStore(t));
    const { run, json } = await runJson<DeleteResult>(['delete', '--older-than', '7d', ...store.args]);
    t.is(run.code, 0, run.stderr);
    t.like(json, { dryRun: false, matched: 2, deleted: 2 });
    t.deepEqual(paths(json.responses, server.url), EXPIRED_PATHS);
    t.is((await runJson<ListResult>(['list', ...store.args])).json.total, total - 2);
    const none = await runCli(['delete', '--older-than', '11d', ...store.args]);
    t.is(none.stdout, 'Deleted 0 responses\n');
  });

  test.serial('delete criteria combine: a response goes when it matches every one', async (t) => {
    const { store, server } = await populate(t, makeStore(t));
    const matched = async (...criteria: string[]) => {
      const { run, json } = await runJson<DeleteResult>(['delete', ...criteria, '--dry-run', ...store.args]);
      t.is(run.code, 0, run.stderr);
      return paths(json.responses, server.url);
    };
    t.deepEqual(await matched('--expired', '--older-than', '7d'), EXPIRED_PATHS);
    t.deepEqual(await matched('--expired', '--older-than', '11d'), []);
    t.deepEqual(await matched('--expired', '--url', '*/json'), []);
    t.deepEqual(await matched('--expired', '--url', '*/etag/old-1', '--url', '*/json'), ['/etag/old-1']);
  });

  test.serial('undecodable entries: counted by list and stats, removed by delete --invalid', async (t) => {
    const { store, total } = await populate(t, makeStore(t));
    const engine = new CacheEngine(store.options);
    try {
      await engine.keyv.set('not-an-entry', 'garbage written by something else');
    } finally {
      await engine.cache.close();
    }
    const list = await runCli(['list', ...store.args]);
    t.is(list.code, 0, list.stderr);
    t.true(
      list.stdout.endsWith(
        `\n${total} responses in ${store.description}\n` +
          '1 entry could not be decoded (written with another --serializer? reqcache delete --invalid removes them)\n',
      ),
      list.stdout,
    );
    t.is((await runJson<ListResult>(['list', ...store.args])).json.invalid, 1);
    t.like((await runJson<StatsResult>(['stats', ...store.args])).json, { responses: total, invalid: 1 });

    const show = await runJson(['show', 'not-an-entry', ...store.args]);
    t.is(show.run.code, 1);
    t.like(show.json, { error: { code: 'ERR_UNDECODABLE' } });
    t.regex(show.run.stderr, /^reqcache: The entry under the key not-an-entry could not be decoded/);

    const dry = await runJson<DeleteResult>(['delete', '--invalid', '--dry-run', ...store.args]);
    t.like(dry.json, { matched: 0, invalidKeys: ['not-an-entry'] });
    const run = await runCli(['delete', '--invalid', ...store.args]);
    t.is(run.stdout, 'Deleted 0 responses and 1 undecodable entry\n');
    t.like((await runJson<StatsResult>(['stats', ...store.args])).json, { responses: total, invalid: 0 });
  });

  test.serial(
    'delete --url <glob>: fnmatch-style globs over stored URLs, redirect aliases pruned',
    async (t) => {
      const { store, server, url, total } = await populate(t, makeStore(t));
      const dry = await runJson<DeleteResult>([
        'delete',
        '--url',
        '127.0.0.1:*/get*',
        '--dry-run',
        ...store.args,
      ]);
      t.deepEqual(paths(dry.json.responses, server.url), ['/get', '/get?b=2&a=1']);

      const one = await runCli(['delete', '--url', url('/image'), ...store.args]);
      t.is(one.stdout, 'Deleted 1 response\n');
      const two = await runJson<DeleteResult>([
        'delete',
        '--url',
        '*/json',
        '--url',
        '*/etag/old-?',
        ...store.args,
      ]);
      t.is(two.json.deleted, 3);
      t.deepEqual(paths(two.json.responses, server.url), ['/json', '/etag/old-2', '/etag/old-1']);

      // The stored response reached through /redirect/2 matches by its request URL too; its aliases go with it.
      const redirect = await runJson<DeleteResult>(['delete', '--url', '*/redirect/2', ...store.args]);
      t.is(redirect.json.deleted, 1);
      const { json: stats } = await runJson<StatsResult>(['stats', ...store.args]);
      t.is(stats.responses, total - 5);
      t.is(stats.redirects, 0);
      const nothing = await runCli(['delete', '--url', 'example.com/*', ...store.args]);
      t.is(nothing.stdout, 'Deleted 0 responses\n');
    },
  );

  test.serial(
    'delete --url <URL>: the URL as sent (secrets and all) or redacted selects what show finds',
    async (t) => {
      const { store, server, url, total } = await populate(t, makeStore(t));
      const noSecret = (run: { stdout: string; stderr: string }) => {
        t.notRegex(run.stdout, /s3cret|TOPSECRET/);
        t.notRegex(run.stderr, /s3cret|TOPSECRET/);
      };
      const raw = url('/anything/search?q=1&api_key=s3cret');
      const { json: shown } = await runJson<ShowResult>(['show', raw, ...store.args]);
      const dry = await runCli(['delete', '--url', raw, '--dry-run', ...store.args]);
      t.is(dry.code, 0, dry.stderr);
      t.true(dry.stdout.includes(` ${url('/anything/search?q=1&api_key=REDACTED')} `), dry.stdout);
      t.regex(dry.stdout, /\nWould delete 1 response \(dry run: nothing deleted\)\n$/);
      noSecret(dry);
      const dryJson = await runJson<DeleteResult>(['delete', '--url', raw, '--dry-run', ...store.args]);
      t.deepEqual(
        dryJson.json.responses.map((r) => r.key),
        [shown.key],
      );
      noSecret(dryJson.run);
      const deleted = await runCli(['delete', '--url', raw, ...store.args]);
      t.is(deleted.stdout, 'Deleted 1 response\n');
      noSecret(deleted);
      const gone = await runCli(['show', raw, ...store.args]);
      t.is(gone.code, 1);
      noSecret(gone);

      const cachedFetch = withCache(fetch, store.options);
      try {
        for (const path of ['/html?api_key=TOPSECRET', '/json?lang=en&access_token=TOPSECRET']) {
          await (await cachedFetch(url(path))).arrayBuffer();
        }
      } finally {
        await cachedFetch.cache.close();
      }
      // The redacted form, as list prints it.
      const redacted = await runJson<DeleteResult>([
        'delete',
        '--url',
        url('/html?api_key=REDACTED'),
        ...store.args,
      ]);
      t.is(redacted.json.deleted, 1);
      t.deepEqual(paths(redacted.json.responses, server.url), ['/html?api_key=REDACTED']);
      // Another secret, the query in another order: the key a GET of it has, as show looks it up.
      const reordered = url('/json?access_token=another&lang=en');
      const { json: found } = await runJson<ShowResult>(['show', reordered, ...store.args]);
      const byKey = await runJson<DeleteResult>(['delete', '--url', reordered, ...store.args]);
      t.like(byKey.json, { matched: 1, deleted: 1 });
      t.deepEqual(
        byKey.json.responses.map((r) => r.key),
        [found.key],
      );
      noSecret(byKey.run);
      // A redirect hop: show follows its alias to the response, and so does delete.
      const { json: hop } = await runJson<ShowResult>(['show', url('/redirect/1'), ...store.args]);
      const viaAlias = await runJson<DeleteResult>([
        'delete',
        '--url',
        url('/redirect/1'),
        '--dry-run',
        ...store.args,
      ]);
      t.deepEqual(
        viaAlias.json.responses.map((r) => r.key),
        [hop.key],
      );
      t.is((await runJson<StatsResult>(['stats', ...store.args])).json.responses, total - 1);

      const badGlob = await runJson(['delete', '--url', url('/[z-a]?api_key=TOPSECRET'), ...store.args]);
      t.is(badGlob.run.code, 2);
      t.regex(badGlob.run.stderr, /api_key=REDACTED/);
      noSecret(badGlob.run);
    },
  );

  test.serial(
    'clear --yes deletes everything and prints what; without --yes off a terminal it refuses',
    async (t) => {
      const { store, total } = await populate(t, makeStore(t));
      const refused = await runCli(['clear', ...store.args]);
      t.is(refused.code, 2);
      t.regex(refused.stderr, /^reqcache: clear deletes the whole cache: pass --yes to confirm/);
      t.is((await runJson<ListResult>(['list', ...store.args])).json.total, total);

      const run = await runCli(['clear', '--yes', ...store.args]);
      t.is(run.code, 0, run.stderr);
      t.is(run.stdout, `Cleared ${store.description}: ${total} responses and 2 redirect aliases removed\n`);
      const { json } = await runJson<StatsResult>(['stats', ...store.args]);
      t.like(json, { responses: 0, redirects: 0, bytes: 0, oldest: null });
      const empty = await runCli(['list', ...store.args]);
      t.is(empty.stdout, `0 responses in ${store.description}\n`);
      const again = await runJson<ClearResult>(['clear', '-y', ...store.args]);
      t.deepEqual(again.json, { responses: 0, redirects: 0 });
    },
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
