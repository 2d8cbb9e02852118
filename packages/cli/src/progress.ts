/** Where a progress bar is drawn (stderr). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Options of {@link Progress}. */
export interface ProgressOptions {
  /** Draw at all (the CLI: stderr is a terminal and not `--json`). */
  enabled: boolean;
  /** Draw only operations that last longer than this (ms). @default 250 */
  delayMs?: number;
  /** At most one redraw per this many ms. @default 80 */
  intervalMs?: number;
  /** Monotonic clock (ms). @default performance.now */
  now?: () => number;
}

/**
 * A one-line progress bar on a terminal: `Deleting [########------------] 40% 400/1000`, or a running
 * count when the total is unknown (`Scanning 1234`). Redrawn in place with `\r`, throttled, shown only
 * for operations that take a while, and erased when done; draws nothing when disabled.
 */
export class Progress {
  readonly #stream: ProgressStream;
  readonly #enabled: boolean;
  readonly #delayMs: number;
  readonly #intervalMs: number;
  readonly #now: () => number;
  #label = '';
  #total: number | undefined;
  #done = 0;
  #startedAt = 0;
  #drawnAt: number | undefined;
  #drawn = false;

  constructor(stream: ProgressStream, options: ProgressOptions) {
    this.#stream = stream;
    this.#enabled = options.enabled;
    this.#delayMs = options.delayMs ?? 250;
    this.#intervalMs = options.intervalMs ?? 80;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Starts a phase: a label and, when known, the total. */
  start(label: string, total?: number): void {
    this.#label = label;
    this.#total = total;
    this.#done = 0;
    this.#startedAt = this.#now();
    this.#drawnAt = undefined;
  }

  /** Counts `n` more items done. */
  tick(n = 1): void {
    this.#done += n;
    this.#maybeDraw();
  }

  /** Erases the bar. */
  stop(): void {
    if (this.#drawn) this.#stream.write('\r\u001b[K');
    this.#drawn = false;
  }

  #maybeDraw(): void {
    if (!this.#enabled) return;
    const now = this.#now();
    if (now - this.#startedAt < this.#delayMs) return;
    if (this.#drawnAt !== undefined && now - this.#drawnAt < this.#intervalMs && this.#done !== this.#total)
      return;
    this.#drawnAt = now;
    this.#drawn = true;
    this.#stream.write(`\r${this.line()}\u001b[K`);
  }

  /** The current line, without control characters. */
  line(): string {
    if (this.#total === undefined || this.#total === 0) return `${this.#label} ${this.#done}`;
    const ratio = Math.min(1, this.#done / this.#total);
    const columns = this.#stream.columns ?? 80;
    const counts = ` ${String(Math.floor(ratio * 100)).padStart(3)}% ${this.#done}/${this.#total}`;
    const barWidth = Math.max(10, Math.min(40, columns - this.#label.length - counts.length - 4));
    const filled = Math.round(ratio * barWidth);
    return `${this.#label} [${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]${counts}`;
  }
}
