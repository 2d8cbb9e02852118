/** Driving a node:http ClientRequest so that a connection error can become the cache's answer. */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestServer } from '@reqcache/test-server';
import test from 'ava';
import { deadlineBeforeMs, driveClientRequest } from '../src/client-request.js';

const DEADLINES: readonly [clientLimitMs: number | undefined, expected: number | undefined][] = [
  [undefined, undefined],
  [5000, 4900],
  [1000, 900],
  [200, 180],
  [5, 4.5],
  [1, 1],
];
for (const [limit, expected] of DEADLINES) {
  test(`deadlineBeforeMs(${limit}) is ${expected}: a tenth before the client's limit, at most 100 ms, at least 1`, (t) => {
    t.is(deadlineBeforeMs(limit), expected);
  });
}

/** A port nothing listens on (a server opened and closed). */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('driveClientRequest: ends the request and resolves with what `received` makes of the response', async (t) => {
  const server = await createTestServer(t);
  const status = await driveClientRequest(() => http.request(`${server.url}/get`), {
    received: (response) => {
      response.resume();
      return response.statusCode;
    },
  });
  t.is(status, 200);
  t.is(server.hits('/get'), 1);
});

test('driveClientRequest: a refused connection becomes what answerError answers', async (t) => {
  const port = await closedPort();
  const answer = await driveClientRequest(() => http.request(`http://127.0.0.1:${port}/`), {
    answerError: () => 'stale',
  });
  t.is(answer, 'stale');
});

test('driveClientRequest: with no answer, the connection error reaches the caller', async (t) => {
  const port = await closedPort();
  const start = () => http.request(`http://127.0.0.1:${port}/`);
  await t.throwsAsync(driveClientRequest(start, { answerError: () => undefined }), { code: 'ECONNREFUSED' });
  await t.throwsAsync(driveClientRequest(start), { code: 'ECONNREFUSED' });
});

test('driveClientRequest: past the deadline the request is destroyed (ETIMEDOUT) and answered', async (t) => {
  const server = await createTestServer(t);
  let error: unknown;
  const answer = await driveClientRequest(
    () => {
      const request = http.request(`${server.url}/delay/2000`);
      request.on('error', (cause) => {
        error = cause;
      });
      return request;
    },
    { deadlineMs: 50, answerError: () => 'stale' },
  );
  t.is(answer, 'stale');
  t.is((error as { code?: string }).code, 'ETIMEDOUT');
});

test('driveClientRequest: anything but a ClientRequest (a mock, nothing) is resolved as it is', async (t) => {
  t.is(await driveClientRequest(() => undefined), undefined);
  t.is(await driveClientRequest(async () => 'mocked'), 'mocked');
});
