import { readFileSync } from 'node:fs';
import test from 'ava';

test('the got under test is got 16', (t) => {
  // The hook redirects `got` whoever imports it, so the adapter's source gets the same got as this file.
  const manifest = new URL('../../package.json', import.meta.resolve('got'));
  const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string; version: string };
  t.is(name, 'got');
  t.regex(version, /^16\./);
});
