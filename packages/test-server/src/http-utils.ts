/** Small helpers for writing responses and validating request input. */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** Thrown by handlers to answer with a JSON error, e.g. 400 for a bad parameter. */
export class HttpError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
  }
}

/** Sends a complete body with an explicit Content-Length (so HEAD gets the same headers as GET). */
export function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  headers: OutgoingHttpHeaders,
): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { ...headers, 'content-length': bytes.length });
  res.end(bytes);
}

/** Sends `value` as pretty-printed JSON; `headers` may override the content type. */
export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: OutgoingHttpHeaders = {},
): void {
  send(res, status, JSON.stringify(value, null, 2) + '\n', {
    'content-type': 'application/json',
    ...headers,
  });
}

/** Sends a response without a body (304, 204, redirects). */
export function sendEmpty(res: ServerResponse, status: number, headers: OutgoingHttpHeaders = {}): void {
  const hasNoBody = status === 204 || status === 304;
  res.writeHead(status, hasNoBody ? headers : { ...headers, 'content-length': 0 });
  res.end();
}

/** Parses a decimal integer in `[min, max]`, or throws a 400. */
export function parseInteger(
  value: string | null | undefined,
  name: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const number = value != null && /^-?\d{1,16}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    throw new HttpError(400, `${name} must be an integer between ${min} and ${max}`);
  }
  return number;
}

/** Query parameters as an object; a repeated key becomes an array of its values. */
export function queryToObject(params: URLSearchParams): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = Object.create(null);
  for (const [key, value] of params) {
    const previous = result[key];
    result[key] =
      previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return result;
}

/**
 * The entity tags of an If-Match / If-None-Match header, without quotes or `W/` prefix
 * (`*` stays `*`). Empty when the header is absent.
 */
export function parseEtagList(header: string | undefined): string[] {
  if (header === undefined) return [];
  return header
    .split(',')
    .map((tag) =>
      tag
        .trim()
        .replace(/^W\//, '')
        .replace(/^"(.*)"$/, '$1'),
    )
    .filter((tag) => tag !== '');
}

/** `JSON.parse` that returns `null` instead of throwing (and for an empty body). */
export function parseJsonOrNull(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
