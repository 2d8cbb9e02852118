/**
 * Response headers as the cache keeps them: lower-case names; repeated fields joined with ", ",
 * except `set-cookie`, which keeps one string per cookie (the shape of Node's `IncomingHttpHeaders`).
 */
export type ResponseHeaders = Record<string, string | string[]>;

/** Request headers as the cache sees them: lower-case names, repeated fields joined with ", ". */
export type RequestHeaders = Record<string, string>;

/** One header value as a single string (repeated values joined with ", "), or undefined when absent. */
export function getHeader(headers: Readonly<ResponseHeaders>, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.join(', ');
}

/**
 * Builds a {@link RequestHeaders} record from any common header shape: a `Headers` object, an array of
 * pairs, or a plain object (names of any case; array and number values allowed; undefined/null skipped).
 */
export function toRequestHeaders(
  input:
    | Headers
    | Iterable<readonly [string, string]>
    | Readonly<Record<string, string | number | boolean | readonly string[] | undefined | null>>
    | undefined
    | null,
): RequestHeaders {
  const out: RequestHeaders = {};
  if (input == null) return out;
  if (isIterable(input)) {
    for (const [name, value] of input) appendHeader(out, name.toLowerCase(), value);
    return out;
  }
  const record = input as Readonly<
    Record<string, string | number | boolean | readonly string[] | undefined | null>
  >;
  for (const name of Object.keys(record)) {
    const value = record[name];
    if (value === undefined || value === null) continue;
    const lower = name.toLowerCase();
    if (Array.isArray(value)) {
      for (const item of value) appendHeader(out, lower, String(item));
    } else {
      appendHeader(out, lower, String(value));
    }
  }
  return out;
}

/**
 * Builds a {@link ResponseHeaders} record from any common header shape (see {@link toRequestHeaders});
 * `set-cookie` values stay separate.
 */
export function toResponseHeaders(
  input:
    | Headers
    | Iterable<readonly [string, string]>
    | Readonly<Record<string, string | number | boolean | readonly string[] | undefined | null>>
    | undefined
    | null,
): ResponseHeaders {
  const out: ResponseHeaders = {};
  if (input == null) return out;
  const add = (name: string, value: string): void => {
    const lower = name.toLowerCase();
    const existing = out[lower];
    if (lower === 'set-cookie') {
      out[lower] = existing === undefined ? [value] : [...(existing as string[]), value];
    } else {
      out[lower] = existing === undefined ? value : `${existing as string}, ${value}`;
    }
  };
  if (isIterable(input)) {
    for (const [name, value] of input) add(name, value);
    return out;
  }
  const record = input as Readonly<
    Record<string, string | number | boolean | readonly string[] | undefined | null>
  >;
  for (const name of Object.keys(record)) {
    const value = record[name];
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      for (const item of value) add(name, String(item));
    } else {
      add(name, String(value));
    }
  }
  return out;
}

/** Iterates headers as `[name, value]` pairs, one pair per `set-cookie` value. */
export function* headerPairs(headers: Readonly<ResponseHeaders>): Generator<[string, string]> {
  for (const name of Object.keys(headers)) {
    const value = headers[name]!;
    if (typeof value === 'string') {
      yield [name, value];
    } else {
      for (const item of value) yield [name, item];
    }
  }
}

function appendHeader(out: RequestHeaders, name: string, value: string): void {
  const existing = out[name];
  out[name] = existing === undefined ? value : `${existing}, ${value}`;
}

function isIterable(value: object): value is Iterable<readonly [string, string]> {
  return typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
}
