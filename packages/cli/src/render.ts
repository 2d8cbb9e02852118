import type { ResponseHeaders } from '@reqcache/core';
import { contentTypeOf } from '@reqcache/core/internal';

/** A column of {@link renderTable}. */
export interface Column {
  header: string;
  /** Right-align (numbers). */
  align?: 'left' | 'right';
  /** This column may be cut (with `…`) to make the table fit `width`. */
  shrink?: boolean;
}

/**
 * A plain-text table: a header row, a rule, then the rows, columns two spaces apart. When `width` is
 * given and the table is wider, the `shrink` columns are cut to fit (never below 12 characters).
 */
export function renderTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  width?: number,
): string {
  const widths = columns.map((column, i) =>
    Math.max(displayWidth(column.header), ...rows.map((row) => displayWidth(row[i] ?? ''))),
  );
  if (width !== undefined) {
    let excess = widths.reduce((sum, w) => sum + w, 0) + 2 * (columns.length - 1) - width;
    for (let i = 0; i < columns.length && excess > 0; i++) {
      if (!columns[i]!.shrink) continue;
      const cut = Math.min(excess, Math.max(0, widths[i]! - 12));
      widths[i]! -= cut;
      excess -= cut;
    }
  }
  const line = (cells: readonly string[]) =>
    columns
      .map((column, i) => {
        const text = truncate(cells[i] ?? '', widths[i]!);
        const pad = ' '.repeat(widths[i]! - displayWidth(text));
        return column.align === 'right' ? pad + text : i === columns.length - 1 ? text : text + pad;
      })
      .join('  ')
      .trimEnd();
  const out = [line(columns.map((c) => c.header)), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const row of rows) out.push(line(row));
  return `${out.join('\n')}\n`;
}

/** `label: value` lines with the values aligned. */
export function renderFields(fields: readonly (readonly [string, string])[]): string {
  const width = Math.max(...fields.map(([label]) => label.length)) + 1;
  return fields.map(([label, value]) => `${`${label}:`.padEnd(width)}  ${value}\n`).join('');
}

/** Cuts text to `width` characters, ending with `…` when cut. */
export function truncate(text: string, width: number): string {
  const chars = Array.from(text);
  if (chars.length <= width) return text;
  return width <= 1 ? '…'.slice(0, width) : `${chars.slice(0, width - 1).join('')}…`;
}

function displayWidth(text: string): number {
  return Array.from(text).length;
}

/** An instant as `2026-11-21 10:12:05` (UTC). */
export function formatInstant(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** `2026-11-21 11:12:05 (fresh)`, `never (fresh)`, `2026-11-21 09:00:00 (stale)`. */
export function formatExpiry(expires: Date | null, expired: boolean): string {
  return `${expires === null ? 'never' : formatInstant(expires)} (${expired ? 'stale' : 'fresh'})`;
}

/** A byte count for people: `512 B`, `3.0 KiB`, `2.9 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** `1 response`, `3 responses`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

const TEXT_TYPES =
  /^(text\/|application\/(json|xml|javascript|ecmascript|x-www-form-urlencoded|graphql|ld\+json|yaml|x-yaml|toml|csv)$|application\/[a-z0-9.+-]*\+(json|xml)$|image\/svg\+xml$)/;

/** Whether a body is text: by its content type, else when it is valid UTF-8 without control characters. */
export function isTextBody(body: Uint8Array, headers: Readonly<ResponseHeaders>): boolean {
  const type = contentTypeOf(headers);
  if (TEXT_TYPES.test(type)) return decodeUtf8(body) !== undefined;
  if (type !== '' && !type.startsWith('application/octet-stream')) {
    // A declared binary type (image/png, application/pdf, …).
    if (!/^(application|text)\//.test(type)) return false;
  }
  const text = decodeUtf8(body);
  return text !== undefined && !hasControlCharacters(text);
}

/** True when text has control characters other than tab, newlines, form feed and carriage return. */
function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && (code < 0x09 || code > 0x0d)) || code === 0x7f) return true;
  }
  return false;
}

/** Strict UTF-8 decoding, or undefined for bytes that are not UTF-8. */
export function decodeUtf8(body: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return undefined;
  }
}

/** A hex dump in the style of `xxd`: offset, 16 bytes in hex, and their printable characters. */
export function hexDump(body: Uint8Array, maxBytes: number): string {
  const lines: string[] = [];
  const end = Math.min(body.byteLength, maxBytes);
  for (let offset = 0; offset < end; offset += 16) {
    const chunk = body.subarray(offset, Math.min(offset + 16, end));
    const hex = Array.from(chunk, (b) => b.toString(16).padStart(2, '0'))
      .join(' ')
      .padEnd(47);
    const ascii = Array.from(chunk, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${hex}  ${ascii}`);
  }
  return lines.join('\n');
}
