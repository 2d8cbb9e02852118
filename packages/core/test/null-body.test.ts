import test from 'ava';
import { hasNullBody } from '../src/null-body.js';

const ROWS: readonly [method: string, status: number, expected: boolean][] = [
  ['GET', 200, false],
  ['GET', 101, true],
  ['GET', 103, true],
  ['GET', 204, true],
  ['GET', 205, true],
  ['GET', 304, true],
  ['GET', 206, false],
  ['GET', 404, false],
  ['POST', 204, true],
  ['HEAD', 200, true],
  ['HEAD', 404, true],
];

for (const [method, status, expected] of ROWS) {
  test(`hasNullBody: ${method} → ${status}`, (t) => {
    t.is(hasNullBody(method, status), expected);
  });
}
