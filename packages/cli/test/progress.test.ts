import test from 'ava';
import { Progress } from '../src/index.js';

function terminal(columns = 80) {
  const writes: string[] = [];
  return { writes, stream: { isTTY: true, columns, write: (text: string) => writes.push(text) } };
}

test('draws a bar in place with \\r, then erases it', (t) => {
  const { writes, stream } = terminal();
  let now = 0;
  const progress = new Progress(stream, { enabled: true, delayMs: 0, intervalMs: 0, now: () => now });
  progress.start('Deleting', 4);
  progress.tick();
  now = 10;
  progress.tick(3);
  progress.stop();
  t.deepEqual(writes, [
    `\rDeleting [##########------------------------------]  25% 1/4\u001b[K`,
    `\rDeleting [########################################] 100% 4/4\u001b[K`,
    '\r\u001b[K',
  ]);
});

test('counts without a total', (t) => {
  const { writes, stream } = terminal();
  const progress = new Progress(stream, { enabled: true, delayMs: 0, intervalMs: 0, now: () => 0 });
  progress.start('Scanning');
  progress.tick();
  progress.tick();
  t.deepEqual(writes, ['\rScanning 1\u001b[K', '\rScanning 2\u001b[K']);
  t.is(progress.line(), 'Scanning 2');
});

test('waits for delayMs before drawing and redraws at most once per intervalMs', (t) => {
  const { writes, stream } = terminal();
  let now = 0;
  const progress = new Progress(stream, { enabled: true, delayMs: 100, intervalMs: 50, now: () => now });
  progress.start('Scanning');
  progress.tick();
  t.deepEqual(writes, []);
  now = 100;
  progress.tick();
  now = 120;
  progress.tick();
  now = 150;
  progress.tick();
  t.deepEqual(writes, ['\rScanning 2\u001b[K', '\rScanning 4\u001b[K']);
  progress.stop();
  progress.stop();
  t.is(writes.length, 3);
});

test('draws nothing when disabled, and stop() erases nothing that was not drawn', (t) => {
  const { writes, stream } = terminal();
  const progress = new Progress(stream, { enabled: false, delayMs: 0 });
  progress.start('Deleting', 2);
  progress.tick(2);
  progress.stop();
  t.deepEqual(writes, []);
});

test('fits the bar to narrow terminals', (t) => {
  const { stream } = terminal(40);
  const progress = new Progress(stream, { enabled: false });
  progress.start('Deleting', 10);
  progress.tick(5);
  t.is(progress.line(), 'Deleting [#########---------]  50% 5/10');
  t.true(progress.line().length < 40);
});
