/**
 * `@reqcache/bench` (private): the benchmark behind `pnpm bench`. Its pieces, for scripts and tests.
 * @module
 */
export {
  buildRows,
  type ClientName,
  type Row,
  type RowContext,
  type RowKind,
  type StoreName,
} from './clients.js';
export { type BenchArgs, parseArgs } from './main.js';
export { BIN_BODY, JSON_BODY, type Origin, type PayloadName, startOrigin } from './origin.js';
export {
  type BenchResult,
  evaluateTargets,
  type RowResult,
  type RunMeta,
  type ScaleResult,
  type TargetResult,
  toMarkdown,
} from './report.js';
export { buildScaleRow, type ScaleRow } from './scale.js';
export { markdownTable, quantile, type RowStats, summarize } from './stats.js';
