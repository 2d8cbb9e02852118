/** Run by engine-events.test.ts in a child process: GET twice and POST once through an engine. */
import { CacheEngine } from '../../src/engine.js';
import { fetchSender, outcomeText } from './engine.js';

const url = process.argv[2]!;
const engine = new CacheEngine({ backend: 'memory' });
for (const request of [
  { method: 'GET', url, headers: {} },
  { method: 'GET', url, headers: {} },
  { method: 'POST', url: new URL('/post', url).href, headers: {} },
]) {
  await outcomeText(await engine.request(request, undefined, fetchSender(request)));
}
await engine.cache.close();
