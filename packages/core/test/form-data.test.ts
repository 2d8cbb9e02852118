/** A spec FormData as a deterministic multipart text, for keys (the boundary sent is random). */
import test from 'ava';
import { type FormDataLike, formDataText as formText, isSpecFormData } from '../src/form-data.js';

const decoder = new TextDecoder();

/** The global FormData (its `entries` are not in this package's type libraries). */
const formDataText = (form: FormData): Promise<Uint8Array> => formText(form as unknown as FormDataLike);

function tagged(entries: [string, string][], extra: Record<string, unknown> = {}): object {
  return { [Symbol.toStringTag]: 'FormData', entries: () => entries[Symbol.iterator](), ...extra };
}

const DETECTION_ROWS: readonly [name: string, value: () => unknown, expected: boolean][] = [
  ['the global FormData', () => new FormData(), true],
  ['another implementation tagged FormData', () => tagged([]), true],
  ['a form-data stream (has pipe)', () => tagged([], { pipe: () => undefined }), false],
  ['a plain object', () => ({ a: 1 }), false],
  ['a string', () => 'a=1', false],
  ['URLSearchParams', () => new URLSearchParams('a=1'), false],
  ['null', () => null, false],
];
for (const [name, value, expected] of DETECTION_ROWS) {
  test(`isSpecFormData: ${name}`, (t) => {
    t.is(isSpecFormData(value()), expected);
  });
}

test('formDataText: fields in order, files with name and type, one fixed boundary', async (t) => {
  const form = new FormData();
  form.append('a', '1');
  form.append('file', new Blob(['bytes'], { type: 'text/plain' }), 'f.txt');
  t.is(
    decoder.decode(await formDataText(form)),
    '--reqcache\r\nname="a"\r\n\r\n1\r\n' +
      '--reqcache\r\nname="file"; filename="f.txt"; type="text/plain"\r\n\r\nbytes\r\n' +
      '--reqcache--',
  );
});

test('formDataText: the same fields give the same bytes; other values other bytes', async (t) => {
  const make = (value: string): FormData => {
    const form = new FormData();
    form.append('q', value);
    return form;
  };
  t.deepEqual(await formDataText(make('x')), await formDataText(make('x')));
  t.notDeepEqual(await formDataText(make('x')), await formDataText(make('y')));
  t.is(decoder.decode(await formDataText(new FormData())), '--reqcache--');
});
