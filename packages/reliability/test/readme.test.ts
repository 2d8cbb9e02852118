/** The README's "Reliability and security" section names every guarantee's test file, and each file exists. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { GUARANTEES } from '../src/index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

test('readme: the Reliability and security section lists every guarantee with its test file', (t) => {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const start = readme.indexOf('## Reliability and security');
  t.not(start, -1);
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  t.true(GUARANTEES.length >= 9);
  for (const guarantee of GUARANTEES) {
    t.true(existsSync(`${root}${guarantee.file}`), guarantee.file);
    t.true(section.includes(guarantee.file), `${guarantee.name}: ${guarantee.file} is named in the README`);
    const titles = [
      ...readFileSync(`${root}${guarantee.file}`, 'utf8').matchAll(/test(?:\.serial)?\(\s*[`'"]([^`'"]+)/g),
    ];
    t.true(titles.length > 0, `${guarantee.file} has tests`);
  }
});
