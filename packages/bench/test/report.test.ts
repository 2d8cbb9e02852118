import test from 'ava';
import { parseArgs } from '../src/main.js';
import { evaluateTargets, type RowResult, type ScaleResult, toMarkdown } from '../src/report.js';
import { markdownTable, quantile, summarize } from '../src/stats.js';

test('quantile uses the nearest rank', (t) => {
  const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  t.is(quantile(sorted, 0.5), 5);
  t.is(quantile(sorted, 0.99), 10);
  t.is(quantile(sorted, 0), 1);
  t.true(Number.isNaN(quantile([], 0.5)));
});

test('summarize reports µs and requests per second from ms samples', (t) => {
  const stats = summarize([0.1, 0.2, 0.3, 0.4]);
  t.is(stats.count, 4);
  t.is(Math.round(stats.medianUs), 200);
  t.is(Math.round(stats.p99Us), 400);
  t.is(Math.round(stats.meanUs), 250);
  t.is(Math.round(stats.perSecond), 4000);
});

test('markdownTable escapes pipes and right-aligns numeric columns', (t) => {
  const table = markdownTable(['client', 'row', 'µs'], [['fetch', 'a|b', '1']]);
  t.is(table, '| client | row | µs |\n| --- | --- | --: |\n| fetch | a\\|b | 1 |');
});

function row(
  partial: Partial<RowResult> & Pick<RowResult, 'client' | 'label' | 'kind' | 'medianUs'>,
): RowResult {
  return { payload: 'json-1k', count: 1, p99Us: 0, meanUs: 0, perSecond: 0, originPerRequest: 0, ...partial };
}

test('targets compare medians of the same run', (t) => {
  const rows: RowResult[] = [
    row({ client: 'fetch', label: 'uncached', kind: 'uncached', medianUs: 300 }),
    row({ client: 'fetch', label: 'reqcache hit (memory)', kind: 'hit', store: 'memory', medianUs: 30 }),
    row({ client: 'fetch', label: 'reqcache miss (memory)', kind: 'miss', store: 'memory', medianUs: 345 }),
    row({ client: 'fetch', label: 'reqcache miss (sqlite)', kind: 'miss', store: 'sqlite', medianUs: 360 }),
    row({ client: 'fetch', label: 'undici fetch + interceptors.cache()', kind: 'peer', medianUs: 180 }),
    row({ client: 'fetch', label: 'floor', kind: 'floor', medianUs: 27 }),
  ];
  const scale: ScaleResult[] = [
    {
      store: 'memory',
      entries: 1000,
      medianUs: 30,
      p99Us: 0,
      meanUs: 0,
      perSecond: 0,
      count: 1,
      populateMs: 1,
      populateMethod: 'write()',
      rssDeltaBytes: 0,
      originPerRequest: 0,
    },
    {
      store: 'memory',
      entries: 1_000_000,
      medianUs: 60,
      p99Us: 0,
      meanUs: 0,
      perSecond: 0,
      count: 1,
      populateMs: 1,
      populateMethod: 'write()',
      rssDeltaBytes: 0,
      originPerRequest: 0,
    },
  ];
  const targets = evaluateTargets(rows, scale);
  const byName = new Map(targets.map((target) => [target.name, target]));
  t.deepEqual(
    [...byName.keys()],
    [
      'json-1k: fetch hit ≥ 5× undici fetch + interceptors.cache()',
      'json-1k: fetch hit (memory) ≤ 1.15× floor',
      'json-1k: fetch miss (memory) ≤ 1.1× uncached',
      'json-1k: fetch miss (sqlite) ≤ 1.25× uncached',
      'memory: hit at 1 000 000 entries ≤ 1.2× hit at 1 000',
    ],
  );
  t.true(byName.get('json-1k: fetch hit ≥ 5× undici fetch + interceptors.cache()')!.met);
  t.is(byName.get('json-1k: fetch hit ≥ 5× undici fetch + interceptors.cache()')!.ratio, 6);
  t.true(byName.get('json-1k: fetch hit (memory) ≤ 1.15× floor')!.met);
  t.false(byName.get('json-1k: fetch miss (memory) ≤ 1.1× uncached')!.met);
  t.true(byName.get('json-1k: fetch miss (sqlite) ≤ 1.25× uncached')!.met);
  t.false(byName.get('memory: hit at 1 000 000 entries ≤ 1.2× hit at 1 000')!.met);

  const markdown = toMarkdown({
    meta: {
      node: 'v20.0.0',
      cpu: 'Test CPU',
      cores: 2,
      platform: 'linux x64',
      date: '2026-01-01T00:00:00Z',
      quick: true,
      rounds: 1,
      warmRounds: 1,
      batch: 1,
      warmUrls: 100,
      notes: ['a note'],
    },
    rows,
    scale,
    targets,
  });
  t.true(markdown.startsWith('Node v20.0.0 · Test CPU (2 cores)'));
  t.regex(markdown, /\| fetch \| reqcache hit \(memory\) \| 30\.0 \| 0\.00 \| 0 \| 1\.11× \| 0\.00 \|/);
  t.regex(markdown, /\| memory \| 1 000 000 \| 60\.0 \|/);
  t.regex(markdown, /- a note\n$/);
});

test('parseArgs: defaults, --quick and unknown flags', (t) => {
  const full = parseArgs([]);
  t.deepEqual(full.scale, [1000, 100_000, 1_000_000]);
  t.is(full.rounds, 30);
  const quick = parseArgs(['--quick', '--only=fetch', '--payload=json-1k']);
  t.true(quick.quick);
  t.deepEqual(quick.clients, ['fetch']);
  t.deepEqual(quick.payloads, ['json-1k']);
  t.deepEqual(quick.scale, [1000, 100_000]);
  t.throws(() => parseArgs(['--fast']), { message: 'Unknown flag --fast' });
});

test('the coalescing row: run time per --quick / --no-coalesce, and its table in the report', (t) => {
  t.is(parseArgs([]).coalesceMs, 10_000);
  t.is(parseArgs(['--quick']).coalesceMs, 3000);
  t.is(parseArgs(['--no-coalesce']).coalesceMs, 0);
  const row = { processes: 4, inFlight: 64, errors: 0 };
  const markdown = toMarkdown({
    meta: {
      node: 'v20',
      cpu: 'cpu',
      cores: 2,
      platform: 'linux x64',
      date: '2026-12-06T00:00:00Z',
      quick: true,
      rounds: 1,
      warmRounds: 0,
      batch: 1,
      warmUrls: 1,
      notes: [],
    },
    rows: [],
    coalesce: [
      { ...row, mode: 'process', clientRequests: 2000, originRequests: 40, originPer1000: 20 },
      { ...row, mode: 'store', clientRequests: 2000, originRequests: 10, originPer1000: 5 },
    ],
    scale: [],
    targets: [],
  });
  t.regex(markdown, /Many processes, one cache: 4 processes × 64 in flight/);
  t.regex(markdown, /\| 'process' \| 2 000 \| 40 \| 20\.0 \| 0 \|/);
  t.regex(markdown, /\| 'store' \| 2 000 \| 10 \| 5\.0 \| 0 \|/);
});
