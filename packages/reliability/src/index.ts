/**
 * `@reqcache/reliability`: reqcache's reliability and security guarantees, each proven by the tests in
 * this package's `test/` directory. The package ships no runtime code beyond this list, which the
 * root README's "Reliability and security" section follows (a test checks they agree).
 * @packageDocumentation
 */

/** One guarantee and the test file that proves it. */
export interface Guarantee {
  /** Short name, as in the README. */
  readonly name: string;
  /** What is promised. */
  readonly statement: string;
  /** The test file, relative to the repository root. */
  readonly file: string;
}

/** Every guarantee, in README order. */
export const GUARANTEES: readonly Guarantee[] = Object.freeze([
  {
    name: 'Store outage',
    statement:
      'A failing store never fails a request; the failure is reported once while the store is down (skipped with backoff), and caching resumes when it returns.',
    file: 'packages/reliability/test/outage.test.ts',
  },
  {
    name: 'Corrupt entries',
    statement:
      'Truncated, garbage, wrong-version and wrong-type entries are a reported miss, replaced by the next good response.',
    file: 'packages/reliability/test/corrupt.test.ts',
  },
  {
    name: 'Tamper evidence',
    statement:
      'With signingStage / signedSerializer, a modified entry is rejected as a miss and reported; keys rotate through previousKeys.',
    file: 'packages/reliability/test/tamper.test.ts',
  },
  {
    name: 'Crash safety',
    statement:
      'A SIGKILL in the middle of SQLite writes leaves a database that opens, passes integrity_check and serves only whole entries.',
    file: 'packages/reliability/test/crash.test.ts',
  },
  {
    name: 'Concurrency',
    statement:
      '1 000 concurrent identical requests reach the origin once; 1 000 concurrent distinct requests lose and cross nothing.',
    file: 'packages/reliability/test/concurrency.test.ts',
  },
  {
    name: 'Coalescing across processes',
    statement:
      "With coalesce: 'store', identical requests from many processes reach the origin once; a killed lease holder is taken over by one request; a store cut fails no request.",
    file: 'packages/reliability/test/coalesce-store.test.ts',
  },
  {
    name: 'Bad input',
    statement:
      'Parsers never throw and always return a defined result; every invalid option is a typed error at construction.',
    file: 'packages/reliability/test/bad-input.test.ts',
  },
  {
    name: 'Huge bodies and headers',
    statement: 'Responses over maxEntryBytes (default 10 MiB) are returned intact and not stored.',
    file: 'packages/reliability/test/limits.test.ts',
  },
  {
    name: 'Secrets',
    statement:
      'Credential values never appear in keys, stored requests, redirect history, error messages, debug logs or the raw bytes of any backend.',
    file: 'packages/reliability/test/secrets.test.ts',
  },
  {
    name: 'Privacy across users',
    statement:
      'Responses to requests with credentials are kept apart per credential (separateCredentials, default true), and Vary: Cookie is honoured.',
    file: 'packages/reliability/test/privacy.test.ts',
  },
]);
