#!/usr/bin/env node
// `pnpm check:packages`: every public workspace package (found by reading packages/*/package.json:
// each one without "private": true) is built and packed with `pnpm pack`, as `pnpm publish` would;
// each tarball must pass publint (strict) and @arethetypeswrong/cli (ESM-only profile); then the
// smoke test installs all the tarballs with npm into a new project outside the workspace and uses
// them as a user would (scripts/smoke/smoke.mjs). Prints what it checks and one duration per step.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const root = fileURLToPath(new URL('..', import.meta.url));
const keep = process.argv.includes('--keep');
let failures = 0;

function step(name, fn) {
  const startedAt = performance.now();
  return Promise.resolve(fn()).finally(() =>
    console.log(`-- ${name}: ${((performance.now() - startedAt) / 1000).toFixed(1)}s`),
  );
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}${result.stderr}`,
    );
  }
  return result.stdout;
}

const packages = readdirSync(join(root, 'packages'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => join(root, 'packages', entry.name))
  .flatMap((dir) => {
    try {
      return [{ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }];
    } catch {
      return [];
    }
  })
  .filter(({ manifest }) => manifest.private !== true);
console.log(`public packages: ${packages.map(({ manifest }) => manifest.name).join(', ')}`);

const work = mkdtempSync(join(tmpdir(), 'reqcache-pack-'));
const tarballs = [];
try {
  // REQCACHE_BUILT=1 (CI, which builds first): no turbo build, whose cache restores would rewrite dist
  // files that tests running beside this check are reading.
  await step('build', () =>
    process.env['REQCACHE_BUILT'] === '1'
      ? 'skipped: built already'
      : run(
          'pnpm',
          [
            'exec',
            'turbo',
            'run',
            'build',
            '--output-logs=errors-only',
            ...packages.map(({ manifest }) => `--filter=${manifest.name}`),
          ],
          {
            cwd: root,
          },
        ),
  );

  await step('pnpm pack', () => {
    for (const { dir, manifest } of packages) {
      const out = run('pnpm', ['pack', '--pack-destination', work], { cwd: dir });
      const tarball = out
        .trim()
        .split('\n')
        .findLast((line) => line.endsWith('.tgz'));
      if (!tarball) throw new Error(`pnpm pack printed no tarball for ${manifest.name}:\n${out}`);
      tarballs.push({
        name: manifest.name,
        tarball: tarball.startsWith('/') ? tarball : join(work, tarball),
      });
    }
  });

  await step('publint', async () => {
    for (const { name, tarball } of tarballs) {
      const buffer = readFileSync(tarball);
      const { messages, pkg } = await publint({
        pack: { tarball: buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) },
        level: 'suggestion',
        strict: true,
      });
      for (const message of messages)
        console.log(`publint ${name}: ${message.type}: ${formatMessage(message, pkg)}`);
      // strict: warnings count as errors; suggestions are printed only.
      const failed = messages.filter((message) => message.type !== 'suggestion').length;
      if (failed > 0) failures++;
      console.log(`publint ${name}: ${failed === 0 ? 'ok' : `${failed} problem(s)`}`);
    }
  });

  await step('attw', async () => {
    // ESM-only packages: resolution from CommonJS `require` is not offered, every other mode must work.
    // One attw process per tarball, all at once (each is mostly waiting on TypeScript's startup).
    const results = await Promise.all(
      tarballs.map(
        ({ name, tarball }) =>
          new Promise((resolve) => {
            const child = spawn(
              'pnpm',
              ['exec', 'attw', tarball, '--profile', 'esm-only', '--format', 'ascii'],
              {
                cwd: root,
              },
            );
            let output = '';
            child.stdout.on('data', (chunk) => {
              output += chunk;
            });
            child.stderr.on('data', (chunk) => {
              output += chunk;
            });
            child.on('close', (code) => resolve({ name, code, output }));
          }),
      ),
    );
    for (const { name, code, output } of results) {
      if (code !== 0) failures++;
      console.log(code === 0 ? `attw ${name}: ok` : `attw ${name}: failed\n${output}`);
    }
  });

  await step('smoke test (npm install of the tarballs outside the workspace)', () => {
    const project = join(work, 'project');
    run('mkdir', ['-p', project]);
    writeFileSync(
      join(project, 'package.json'),
      `${JSON.stringify({ name: 'reqcache-smoke', private: true, type: 'module' }, null, 2)}\n`,
    );
    copyFileSync(join(root, 'scripts', 'smoke', 'smoke.mjs'), join(project, 'smoke.mjs'));
    // The clients as users install them: axios's newest 1.x; got 14, whose engines cover Node 20
    // (got 16 is tested against the adapter by @reqcache/got16-suite on Node 22+).
    const gotRange = Number(process.versions.node.split('.')[0]) >= 22 ? 'got@^16' : 'got@^14';
    // --omit=optional: the smoke test's cache is Redis, and the one optional dependency is the SQLite
    // driver for Node 20 (better-sqlite3), which npm here compiles from source: 2-3 minutes of CPU that
    // proved nothing the workspace's own install and the SQLite store tests do not (same version).
    run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--omit=optional',
        '--loglevel=error',
        ...tarballs.map(({ tarball }) => tarball),
        'axios@^1',
        gotRange,
        '@keyv/redis@^5',
      ],
      { cwd: project },
    );
    const smoke = spawnSync(process.execPath, ['smoke.mjs', ...tarballs.map(({ name }) => name)], {
      cwd: project,
      stdio: 'inherit',
    });
    if (smoke.status !== 0) {
      failures++;
      console.log('smoke test: failed');
    }
  });
} catch (error) {
  failures++;
  console.error(error instanceof Error ? error.message : error);
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

console.log(failures === 0 ? 'check:packages: ok' : `check:packages: ${failures} failure(s)`);
process.exit(failures === 0 ? 0 : 1);
