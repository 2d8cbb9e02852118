/**
 * `@reqcache/cli`: the `reqcache` command, and the functions behind it for scripts and tests.
 * @module
 */
export type { CliBackend, CommandName, ParsedArgs, StoreArgs } from './args.js';
export { CLI_BACKENDS, COMMANDS, parseCliArgs } from './args.js';
export type { CliIO, OutputStream } from './cli.js';
export { cliVersion, processIO, run } from './cli.js';
export type {
  BodyDocument,
  ClearResult,
  DeleteResult,
  DeleteSelection,
  ListOptions,
  ListResult,
  ResponseSummary,
  ShowResult,
  StatsResult,
} from './commands.js';
export {
  cacheStats,
  clearCache,
  countEntries,
  deleteResponses,
  listResponses,
  MIN_PREFIX_LENGTH,
  showResponse,
} from './commands.js';
export { CliError, EXIT } from './errors.js';
export {
  formatClear,
  formatDelete,
  formatList,
  formatShow,
  formatStats,
  SHORT_KEY_LENGTH,
} from './format.js';
export { helpText } from './help.js';
export type { OpenedCache } from './open.js';
export { openCache } from './open.js';
export type { ProgressOptions, ProgressStream } from './progress.js';
export { Progress } from './progress.js';
export type { Column } from './render.js';
export { renderTable } from './render.js';
