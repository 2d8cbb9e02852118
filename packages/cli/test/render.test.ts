import test from 'ava';
import { renderTable } from '../src/index.js';
import { formatBytes, hexDump, isTextBody, truncate } from '../src/render.js';

test('renderTable aligns columns two spaces apart, numbers to the right', (t) => {
  const table = renderTable(
    [{ header: 'NAME' }, { header: 'SIZE', align: 'right' }, { header: 'NOTE' }],
    [
      ['a', '1', 'first'],
      ['longer name', '1234', ''],
    ],
  );
  t.is(
    table,
    'NAME         SIZE  NOTE\n-----------  ----  -----\na               1  first\nlonger name  1234\n',
  );
});

test('renderTable cuts shrinkable columns to fit a width', (t) => {
  const url = `https://example.com/${'x'.repeat(60)}`;
  const table = renderTable(
    [{ header: 'KEY' }, { header: 'URL', shrink: true }, { header: 'S' }],
    [['k', url, '1']],
    40,
  );
  for (const line of table.trimEnd().split('\n')) t.true(line.length <= 40, line);
  t.regex(table, /https:\/\/example\.com\/x+… {2}1\n$/);
});

test('truncate and formatBytes', (t) => {
  t.is(truncate('abcdef', 4), 'abc…');
  t.is(truncate('abc', 4), 'abc');
  t.is(formatBytes(0), '0 B');
  t.is(formatBytes(1023), '1023 B');
  t.is(formatBytes(2048), '2.0 KiB');
  t.is(formatBytes(3 * 1024 * 1024), '3.0 MiB');
});

test('isTextBody: by content type, else by content', (t) => {
  const utf8 = new TextEncoder().encode('{"a": "é"}');
  t.true(isTextBody(utf8, { 'content-type': 'application/json; charset=utf-8' }));
  t.true(isTextBody(utf8, { 'content-type': 'application/vnd.api+json' }));
  t.true(isTextBody(utf8, {}));
  t.false(isTextBody(utf8, { 'content-type': 'image/png' }));
  t.false(isTextBody(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00]), {}));
  t.false(isTextBody(new Uint8Array([0xff, 0xfe]), { 'content-type': 'text/plain' }));
});

test('hexDump: offset, hex and printable characters, up to a limit', (t) => {
  const bytes = new Uint8Array(20).map((_, i) => 0x41 + i);
  t.is(
    hexDump(bytes, 18),
    '00000000  41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 50  ABCDEFGHIJKLMNOP\n' +
      '00000010  51 52                                            QR',
  );
});
