import test from 'ava';
import {
  type CliIO,
  cacheStats,
  deleteResponses,
  listResponses,
  openCache,
  run,
  showResponse,
} from '../src/index.js';
import { populate, sqliteStore } from './helpers/cli.js';

/** An in-memory terminal (or pipe) for `run()`. */
function fakeIO(options: { tty?: boolean; answer?: boolean; columns?: number } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const questions: string[] = [];
  const io: CliIO = {
    stdout: { isTTY: options.tty ?? false, columns: options.columns ?? 80, write: (text) => out.push(text) },
    stderr: { isTTY: options.tty ?? false, columns: options.columns ?? 80, write: (text) => err.push(text) },
    interactive: options.tty ?? false,
    confirm: async (question) => {
      questions.push(question);
      return options.answer ?? false;
    },
    progressDelayMs: 0,
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join(''), questions };
}

test('clear on a terminal asks first; "no" deletes nothing (exit 1), "yes" clears', async (t) => {
  const { store, total } = await populate(t, sqliteStore(t));
  const declined = fakeIO({ tty: true, answer: false });
  t.is(await run(['clear', ...store.args], declined.io), 1);
  t.deepEqual(declined.questions, [
    `Delete ${total} responses and 2 redirect aliases from ${store.description}? [y/N] `,
  ]);
  t.is(declined.stderr(), 'reqcache: Nothing deleted\n');
  const check = fakeIO();
  t.is(await run(['stats', '--json', ...store.args], check.io), 0);
  t.is((JSON.parse(check.stdout()) as { responses: number }).responses, total);

  const accepted = fakeIO({ tty: true, answer: true });
  t.is(await run(['clear', ...store.args], accepted.io), 0);
  t.is(
    accepted.stdout(),
    `Cleared ${store.description}: ${total} responses and 2 redirect aliases removed\n`,
  );
  const yes = fakeIO({ tty: true, answer: false });
  t.is(await run(['clear', '--yes', ...store.args], yes.io), 0);
  t.deepEqual(yes.questions, []);
});

test("a progress bar on a terminal's stderr for bulk operations, erased at the end; never with --json", async (t) => {
  const { store } = await populate(t, sqliteStore(t));
  const tty = fakeIO({ tty: true });
  t.is(await run(['delete', '--expired', ...store.args], tty.io), 0);
  t.is(tty.stdout(), 'Deleted 2 responses\n');
  const frames = tty.stderr();
  // Each frame: carriage return, the line, erase to the end of the line.
  const lines = frames
    .split('\r')
    .filter((frame) => frame !== '')
    .map((frame) => frame.replace('\u001b[K', ''));
  t.true(lines.some((line) => /^Scanning \d+$/.test(line)));
  t.true(lines.some((line) => /^Deleting \[#+-+\] +50% 1\/2$/.test(line)));
  t.true(lines.some((line) => /^Deleting \[#+\] 100% 2\/2$/.test(line)));
  t.true(frames.endsWith('\r\u001b[K'));

  const json = fakeIO({ tty: true });
  t.is(await run(['delete', '--url', '*', '--json', ...store.args], json.io), 0);
  t.is(json.stderr(), '');
  t.is((JSON.parse(json.stdout()) as { deleted: number }).deleted, 7);

  const pipe = fakeIO({ tty: false });
  t.is(await run(['stats', ...store.args], pipe.io), 0);
  t.is(pipe.stderr(), '');
});

test('list on a terminal cuts long URLs to its width', async (t) => {
  const { store } = await populate(t, sqliteStore(t));
  const narrow = fakeIO({ tty: true, columns: 110 });
  t.is(await run(['list', ...store.args], narrow.io), 0);
  const lines = narrow.stdout().split('\n');
  const rows = lines.filter((line) => /^[0-9a-f]{12} /.test(line));
  t.is(rows.length, 9);
  for (const row of rows) t.true(row.length <= 110, row);
  t.true(rows.some((row) => row.includes('…')));
});

test('the command functions work on an engine directly', async (t) => {
  const { store, url, total } = await populate(t, sqliteStore(t));
  const cache = await openCache({ backend: 'sqlite', cacheName: store.options.cacheName! });
  t.teardown(() => cache.close());
  t.is(cache.description, store.description);
  const list = await listResponses(cache.engine, { filter: 'valid', limit: 3 });
  t.is(list.total, total - 2);
  t.is(list.responses.length, 3);
  const shown = await showResponse(cache.engine, url('/html'));
  t.is(shown.body.contentType, 'text/html');
  t.regex(shown.body.text!, /<html>/i);
  const dry = await deleteResponses(cache.engine, { urls: ['127.0.0.1:*/html'], dryRun: true });
  t.is(dry.matched, 1);
  t.is((await cacheStats(cache.engine)).responses, total);
  const deleted = await deleteResponses(cache.engine, { urls: ['127.0.0.1:*/html'] });
  t.is(deleted.deleted, 1);
  t.is((await cacheStats(cache.engine)).responses, total - 1);
  cache.check();
});
