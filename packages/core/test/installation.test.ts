import test from 'ava';
import { InvalidOptionError } from '../src/errors.js';
import { createInstallation, type GlobalSlot, globalSlot } from '../src/installation.js';

type Call = (input: string) => string;
type Cached = Call & { label: string; close(): Promise<void> };

/** A fake global holding a function, and an installation over it whose caches answer `label:input`. */
function setup() {
  const original: Call = (input) => `original:${input}`;
  const holder = { fn: original as Call };
  const closed: string[] = [];
  const slot: GlobalSlot<Call> = {
    name: 'holder.fn',
    expected: 'a function',
    get: () => holder.fn,
    set: (value) => {
      holder.fn = value;
    },
  };
  const installation = createInstallation(slot, (wrapped: Call, label: string) => {
    const cached = ((input: string) => `${label}:${wrapped(input)}`) as Cached;
    Object.defineProperties(cached, {
      label: { value: label, enumerable: true },
      close: {
        value: async () => {
          closed.push(label);
        },
        enumerable: true,
      },
    });
    return cached;
  });
  return { original, holder, installation, closed };
}

interface Row {
  name: string;
  run(fixture: ReturnType<typeof setup>): Promise<unknown>;
  /** What the global answers for 'x' afterwards. */
  answers: string;
  installed: boolean;
}

const ROWS: readonly Row[] = [
  { name: 'nothing installed', run: async () => undefined, answers: 'original:x', installed: false },
  {
    name: 'installed: calls go through the cache, which wraps the original',
    run: async ({ installation }) => installation.install('a'),
    answers: 'a:original:x',
    installed: true,
  },
  {
    name: 'installed again: replaces (never wraps) the first installation',
    run: async ({ installation }) => [installation.install('a'), installation.install('b')],
    answers: 'b:original:x',
    installed: true,
  },
  {
    name: 'uninstalled: the original is back',
    run: async ({ installation }) => {
      installation.install('a');
      await installation.uninstall();
    },
    answers: 'original:x',
    installed: false,
  },
  {
    name: 'uninstalled after another library wrapped it: the wrapper stays, the cache passes through',
    run: async ({ installation, holder }) => {
      installation.install('a');
      const inner = holder.fn;
      holder.fn = (input) => `wrapper:${inner(input)}`;
      await installation.uninstall();
    },
    answers: 'wrapper:original:x',
    installed: false,
  },
  {
    name: 'enabled: restores the earlier installation afterwards',
    run: async ({ installation, holder }) => {
      installation.install('a');
      return installation.enabled(() => holder.fn('y'), 'tmp');
    },
    answers: 'a:original:x',
    installed: true,
  },
  {
    name: 'disabled: restores the installation afterwards, even when fn throws',
    run: async ({ installation }) => {
      installation.install('a');
      await installation.disabled(() => Promise.reject(new Error('boom'))).catch(() => undefined);
    },
    answers: 'a:original:x',
    installed: true,
  },
];

for (const row of ROWS) {
  test(`installation: ${row.name}`, async (t) => {
    const fixture = setup();
    await row.run(fixture);
    t.is(fixture.holder.fn('x'), row.answers);
    t.is(fixture.installation.isInstalled(), row.installed);
    t.is(fixture.installation.current() !== undefined, row.installed);
  });
}

test('installation: the installed hook carries the cache’s own fields', (t) => {
  const { installation, holder } = setup();
  const cached = installation.install('a');
  t.is(cached.label, 'a');
  t.is(holder.fn, cached);
});

test('installation: a replaced installation is closed and passes calls through', async (t) => {
  const { installation, closed } = setup();
  const first = installation.install('a');
  installation.install('b');
  t.is(first('x'), 'original:x');
  t.deepEqual(closed, ['a']);
});

test('installation: enabled runs fn with the temporary cache and closes it', async (t) => {
  const { installation, holder, closed } = setup();
  t.is(await installation.enabled(() => holder.fn('y'), 'tmp'), 'tmp:original:y');
  t.deepEqual(closed, ['tmp']);
  t.is(holder.fn('x'), 'original:x');
});

test('installation: disabled runs fn with the original', async (t) => {
  const { installation, holder } = setup();
  installation.install('a');
  t.is(await installation.disabled(() => holder.fn('y')), 'original:y');
  t.false(installation.current() === undefined);
});

test('installation: a global that is not a function is an InvalidOptionError naming it', (t) => {
  const holder = { fn: undefined as unknown as Call };
  const installation = createInstallation<Call, Cached, string>(
    { name: 'holder.fn', expected: 'a function', get: () => holder.fn, set: () => undefined },
    () => {
      throw new Error('not reached');
    },
  );
  const error = t.throws(() => installation.install('a'), { instanceOf: InvalidOptionError });
  t.regex(error.message, /holder\.fn/);
});

test('globalSlot: reads and writes a property of globalThis, named after it', (t) => {
  const slot = globalSlot('structuredClone', 'a structuredClone function');
  const original = globalThis.structuredClone;
  t.is(slot.name, 'globalThis.structuredClone');
  t.is(slot.get(), original);
  const replacement = ((value: unknown) => value) as typeof structuredClone;
  slot.set(replacement);
  t.is(globalThis.structuredClone, replacement);
  slot.set(original);
  t.is(globalThis.structuredClone, original);
});
