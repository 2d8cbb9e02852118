import type {
  ClearResult,
  DeleteResult,
  ListResult,
  ResponseSummary,
  ShowResult,
  StatsResult,
} from './commands.js';
import {
  formatBytes,
  formatExpiry,
  formatInstant,
  hexDump,
  plural,
  renderFields,
  renderTable,
} from './render.js';

/** Characters of the key shown in tables (`show` accepts any unique prefix of 8 or more). */
export const SHORT_KEY_LENGTH = 12;
/** Text body preview of `show` without `--full`: at most this many characters and lines. */
const PREVIEW_CHARS = 2000;
const PREVIEW_LINES = 40;
/** Binary body preview of `show` without `--full`, in bytes. */
const PREVIEW_BYTES = 256;

function summaryTable(responses: readonly ResponseSummary[], width?: number): string {
  return renderTable(
    [
      { header: 'KEY' },
      { header: 'METHOD' },
      { header: 'URL', shrink: true },
      { header: 'STATUS', align: 'right' },
      { header: 'SIZE', align: 'right' },
      { header: 'CREATED (UTC)' },
      { header: 'EXPIRES (UTC)' },
    ],
    responses.map((r) => [
      r.key.slice(0, SHORT_KEY_LENGTH),
      r.method,
      r.url,
      String(r.status),
      formatBytes(r.size),
      formatInstant(new Date(r.createdAt)),
      formatExpiry(r.expires === null ? null : new Date(r.expires), r.expired),
    ]),
    width,
  );
}

/** `reqcache list` for people. `width`: the terminal's, to cut long URLs. */
export function formatList(result: ListResult, width?: number): string {
  let out = '';
  if (result.responses.length > 0) out += summaryTable(result.responses, width);
  const shown =
    result.responses.length < result.total
      ? `${result.responses.length} of ${plural(result.total, 'response')}`
      : plural(result.total, 'response');
  out += `${result.responses.length > 0 ? '\n' : ''}${shown} in ${result.backend}\n`;
  if (result.invalid > 0) {
    out += `${plural(result.invalid, 'entry', 'entries')} could not be decoded (written with another --serializer? reqcache delete --invalid removes them)\n`;
  }
  return out;
}

/** `reqcache show` for people. */
export function formatShow(result: ShowResult, options: { full?: boolean } = {}): string {
  const fields: [string, string][] = [['key', result.key]];
  if (result.aliasKey !== undefined) fields.push(['redirected from', `${result.aliasKey} (redirect alias)`]);
  fields.push(
    ['request', `${result.request.method} ${result.request.url}`],
    ['status', `${result.response.status} ${result.response.statusText}`.trimEnd()],
  );
  if (result.response.url !== result.request.url || result.response.history.length > 0) {
    fields.push(['final url', result.response.url]);
  }
  fields.push(
    ['created', `${formatInstant(new Date(result.createdAt))} UTC`],
    [
      'expires',
      result.expires === null
        ? `never (${result.expired ? 'stale' : 'fresh'})`
        : `${formatInstant(new Date(result.expires))} UTC (${result.expired ? 'stale' : 'fresh'})`,
    ],
    ['size', `${formatBytes(result.body.size)} (${result.body.size} bytes)`],
  );
  let out = renderFields(fields);
  out += section('Request headers', headerLines(result.request.headers));
  if (result.request.body !== null)
    out += section(
      `Request body (${bodyLabel(result.request.body)})`,
      preview(result.request.body, options.full),
    );
  if (result.response.history.length > 0) {
    out += section(
      'Redirects',
      result.response.history.map((hop) => `${hop.status} ${hop.url}`),
    );
  }
  out += section('Response headers', headerLines(result.response.headers));
  out += section(`Body (${bodyLabel(result.body)})`, preview(result.body, options.full));
  return out;
}

function section(title: string, lines: readonly string[]): string {
  return `\n${title}:\n${lines.length === 0 ? '  (none)\n' : lines.map((line) => `  ${line}\n`).join('')}`;
}

function headerLines(headers: Readonly<Record<string, string | string[]>>): string[] {
  const lines: string[] = [];
  for (const name of Object.keys(headers).sort()) {
    const value = headers[name]!;
    for (const one of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${one}`);
  }
  return lines;
}

function bodyLabel(body: ShowResult['body']): string {
  const parts = [formatBytes(body.size)];
  if (body.contentType !== '') parts.push(body.contentType);
  if (body.binary) parts.push('binary');
  return parts.join(', ');
}

function preview(body: ShowResult['body'], full = false): string[] {
  if (body.size === 0) return ['(empty)'];
  if (!body.binary) {
    const text = (body.text ?? '').replace(/\r?\n$/, '');
    if (full) return text.split('\n');
    let lines = text.slice(0, PREVIEW_CHARS).split('\n');
    if (lines.length > PREVIEW_LINES) lines = lines.slice(0, PREVIEW_LINES);
    const shownChars = lines.join('\n').length;
    if (shownChars < text.length) {
      lines.push(`… ${plural(text.length - shownChars, 'more character')} (--full shows the whole body)`);
    }
    return lines;
  }
  const bytes = Buffer.from(body.base64 ?? '', 'base64');
  const limit = full ? bytes.byteLength : PREVIEW_BYTES;
  const lines = hexDump(bytes, limit).split('\n');
  if (bytes.byteLength > limit) {
    lines.push(
      `… ${plural(bytes.byteLength - limit, 'more byte')} (--full shows the whole body; --json has it in base64)`,
    );
  }
  return lines;
}

/** `reqcache stats` for people. */
export function formatStats(result: StatsResult): string {
  const hitRatio =
    result.hitRatio === null
      ? 'not recorded'
      : `${(result.hitRatio * 100).toFixed(1)}% (${result.hits} hits, ${result.misses} misses)`;
  return renderFields([
    ['cache', result.backend],
    ['responses', `${result.responses} (${result.fresh} fresh, ${result.expired} expired)`],
    ['size', `${formatBytes(result.bytes)} (${result.bytes} bytes of bodies)`],
    ['redirects', `${result.redirects} (aliases)`],
    ['invalid', String(result.invalid)],
    ['oldest', result.oldest === null ? '-' : `${formatInstant(new Date(result.oldest))} UTC`],
    ['newest', result.newest === null ? '-' : `${formatInstant(new Date(result.newest))} UTC`],
    ['hit ratio', hitRatio],
  ]);
}

/** `reqcache delete` for people. */
export function formatDelete(result: DeleteResult, width?: number): string {
  const invalid =
    result.invalidKeys.length > 0
      ? ` and ${plural(result.invalidKeys.length, 'undecodable entry', 'undecodable entries')}`
      : '';
  if (result.dryRun) {
    const table = result.responses.length > 0 ? `${summaryTable(result.responses, width)}\n` : '';
    return `${table}Would delete ${plural(result.matched, 'response')}${invalid} (dry run: nothing deleted)\n`;
  }
  return `Deleted ${plural(result.deleted, 'response')}${invalid}\n`;
}

/** `reqcache clear` for people. */
export function formatClear(result: ClearResult, backend: string): string {
  return `Cleared ${backend}: ${plural(result.responses, 'response')} and ${plural(result.redirects, 'redirect alias', 'redirect aliases')} removed\n`;
}
