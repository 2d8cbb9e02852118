/** Body bytes as text: UTF-8 by default with the byte order mark stripped, or a Node encoding. */
import test from 'ava';
import { bodyText } from '../src/body-text.js';

const BOM = [0xef, 0xbb, 0xbf];
const HI = [0x68, 0xc3, 0xa9];

const ROWS: readonly [name: string, bytes: number[], encoding: string | undefined, expected: string][] = [
  ['UTF-8 by default', HI, undefined, 'hé'],
  ['UTF-8 by default, BOM stripped', [...BOM, ...HI], undefined, 'hé'],
  ['utf8, BOM stripped', [...BOM, ...HI], 'utf8', 'hé'],
  ['utf-8, BOM stripped', [...BOM, ...HI], 'utf-8', 'hé'],
  ['only a BOM: empty', BOM, undefined, ''],
  ['latin1: byte per character, nothing stripped', [0xe9, 0x41], 'latin1', 'éA'],
  ['base64', [0x68, 0x69], 'base64', 'aGk='],
  ['hex', [0x68, 0x69], 'hex', '6869'],
  ['empty', [], undefined, ''],
];
for (const [name, bytes, encoding, expected] of ROWS) {
  test(`bodyText: ${name}`, (t) => {
    t.is(bodyText(new Uint8Array(bytes), encoding), expected);
  });
}

test('bodyText: a view decodes only its own bytes', (t) => {
  const whole = new Uint8Array([0x41, ...HI, 0x42]);
  t.is(bodyText(whole.subarray(1, 4)), 'hé');
});

test('bodyText: shared bytes are decoded once (the same string comes back)', (t) => {
  const shared = new TextEncoder().encode('{"a":1}');
  const first = bodyText(shared, undefined, true);
  t.is(first, '{"a":1}');
  t.is(bodyText(shared), first);
});
