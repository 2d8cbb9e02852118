/**
 * requests-cache parity and loose input (issue 18): `.settings` refuses what it cannot do, extending the
 * default `ignoredParameters`, loose option values, and the inspection counts agreeing.
 */
import { inspect } from 'node:util';
import {
  ConstructionOnlyOptionError,
  DEFAULT_IGNORED_PARAMETERS,
  InvalidOptionError,
  UnknownOptionError,
} from '@reqcache/core';
import { REDACTED } from '@reqcache/core/internal';
import { collect, type SuiteContext } from '../harness.js';

export function registerParityCases({ test, title, setup }: SuiteContext): void {
  test(
    title('.settings refuses unknown, construction-only and invalid assignments, and shows its values'),
    async (t) => {
      const { client, clock, send } = await setup(t, { expireAfter: 60 });
      // What plain JavaScript can write: any name, any value.
      const settings = client.settings as unknown as Record<string, unknown>;
      t.throws(
        () => {
          settings['expireAftr'] = 5;
        },
        { instanceOf: UnknownOptionError, message: /did you mean "expireAfter"/ },
      );
      t.throws(
        () => {
          settings['backend'] = 'redis';
        },
        {
          instanceOf: ConstructionOnlyOptionError,
          message: /^Option "backend" is fixed when the cache is created/,
        },
      );
      t.throws(
        () => {
          settings['maxEntries'] = -3;
        },
        { instanceOf: ConstructionOnlyOptionError },
      );
      t.throws(
        () => {
          settings['maxEntryBytes'] = -3;
        },
        { instanceOf: InvalidOptionError, message: /"maxEntryBytes": -3/ },
      );
      t.false('expireAftr' in client.settings);

      settings['expireAfter'] = 120;
      t.regex(inspect(client.settings), /^CacheSettings \{\n {2}expireAfter: 120,/);
      t.regex(inspect(client.settings), /maxEntryBytes: 10485760/);
      const response = await send('/get');
      t.is(response.expires?.getTime(), clock.now() + 120_000, 'the valid assignment took effect');
    },
  );

  test(
    title('ignoredParameters: [...DEFAULT_IGNORED_PARAMETERS, "token"] keeps Authorization and adds token'),
    async (t) => {
      const { server, client, send } = await setup(t, {
        ignoredParameters: [...DEFAULT_IGNORED_PARAMETERS, 'token'],
      });
      const headers = { authorization: 'Bearer secret-auth-777' };
      const first = await send('/get?q=1&token=secret-token-1', { headers });
      const second = await send('/get?q=1&token=secret-token-2', { headers });
      t.false(first.fromCache);
      t.true(second.fromCache, 'token is left out of the key');
      t.is(server.hits('/get'), 1);

      const stored = await client.cache.responses.get(first.cacheKey ?? '');
      t.true(stored?.request.url.includes(`token=${REDACTED}`));
      t.is(stored?.request.headers['authorization'], REDACTED, 'the default Authorization is still redacted');
      const storedText = JSON.stringify({ url: stored?.url, request: stored?.request });
      t.false(storedText.includes('secret-token-1'));
      t.false(storedText.includes('secret-auth-777'));
    },
  );

  test(title('allowableMethods: lower-case names mean the upper-case methods'), async (t) => {
    const { server, client, send } = await setup(t, { allowableMethods: ['get', 'post'] });
    t.deepEqual(client.settings.allowableMethods, ['GET', 'POST']);
    const first = await send('/post', { method: 'POST', body: 'same' });
    const second = await send('/post', { method: 'POST', body: 'same' });
    t.false(first.fromCache);
    t.true(second.fromCache);
    t.is(server.hits('/post'), 1);
  });

  test(
    title(
      'expireAfter: a negative other than -1 and an upper-case unit are rejected, at creation and at run time',
    ),
    async (t) => {
      for (const expireAfter of [-5, '15M', '-5m']) {
        await t.throwsAsync(setup(t, { expireAfter }), {
          instanceOf: InvalidOptionError,
          message: new RegExp(
            `^Invalid value for option "expireAfter": ${JSON.stringify(expireAfter).replace('-', '\\-')}`,
          ),
        });
      }
      const { client, clock, send } = await setup(t, { expireAfter: '15 minutes' });
      t.throws(
        () => {
          client.settings.expireAfter = -5;
        },
        { instanceOf: InvalidOptionError, message: /NEVER_EXPIRE \(-1\) is the only negative value/ },
      );
      t.throws(
        () => {
          client.settings.expireAfter = '15M';
        },
        { instanceOf: InvalidOptionError, message: /lower-case units, such as "15m"/ },
      );
      t.is(client.settings.expireAfter, '15 minutes');
      const response = await send('/get');
      t.is(response.expires?.getTime(), clock.now() + 15 * 60_000, "'15 minutes' is 15 minutes");
    },
  );

  test(title('responseCount() and urls() agree about an undecodable entry'), async (t) => {
    const { client, send, url } = await setup(t);
    await send('/get');
    await send('/json');
    await client.cache.keyv.set('corrupt-entry', '{"v":1,"status":');
    const urls = await client.cache.urls();
    t.deepEqual(urls, [url('/get'), url('/json')].sort());
    t.is(await client.cache.responseCount(), urls.length);
    t.is(await client.cache.responseCount({ checkExpiry: true }), urls.length);
    const invalid = await collect(client.cache.filter({ valid: false, expired: false, invalid: true }));
    t.deepEqual(
      invalid.map((item) => item.cacheKey),
      ['corrupt-entry'],
    );
    t.is(await client.cache.delete({ invalid: true }), 1);
    t.is(await client.cache.responses.count(), 2);
  });
}
