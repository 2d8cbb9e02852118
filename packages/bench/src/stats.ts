/**
 * Statistics and formatting: median and p99 per request, hits/s, the markdown table.
 * @module
 */

/** The summary of one row's samples. */
export interface RowStats {
  /** Samples (requests timed). */
  count: number;
  /** Median time per request, µs. */
  medianUs: number;
  /** 99th percentile time per request, µs. */
  p99Us: number;
  /** Mean time per request, µs. */
  meanUs: number;
  /** Requests per second, sequential (1e6 / mean µs). */
  perSecond: number;
}

/** The value at quantile `q` (0–1) of sorted samples, nearest rank. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** Summarizes samples given in milliseconds. */
export function summarize(samplesMs: readonly number[]): RowStats {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  let sum = 0;
  for (const value of sorted) sum += value;
  const meanMs = sorted.length === 0 ? Number.NaN : sum / sorted.length;
  return {
    count: sorted.length,
    medianUs: quantile(sorted, 0.5) * 1000,
    p99Us: quantile(sorted, 0.99) * 1000,
    meanUs: meanMs * 1000,
    perSecond: sorted.length === 0 ? 0 : 1000 / meanMs,
  };
}

/** A duration in µs, 3 significant digits (`41.2`, `1 234`). */
export function formatUs(us: number): string {
  if (!Number.isFinite(us)) return '–';
  if (us >= 1000) return Math.round(us).toLocaleString('en-US').replace(/,/g, ' ');
  if (us >= 100) return us.toFixed(0);
  if (us >= 10) return us.toFixed(1);
  return us.toFixed(2);
}

/** A count with thin grouping (`41 275`). */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return Math.round(value).toLocaleString('en-US').replace(/,/g, ' ');
}

/** A markdown table; cells are escaped for `|`. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const esc = (cell: string) => cell.replace(/\|/g, '\\|');
  const align = header.map((_, i) => (i === 0 || i === 1 ? '---' : '--:'));
  const lines = [
    `| ${header.map(esc).join(' | ')} |`,
    `| ${align.join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(esc).join(' | ')} |`),
  ];
  return lines.join('\n');
}
