import { debuglog, format } from 'node:util';

/** Writes one debug line (printf-style arguments, as `util.format`). */
export type DebugLog = (message: string, ...args: unknown[]) => void;

/** The section name: `NODE_DEBUG=reqcache` or `DEBUG=reqcache` (also `reqcache:*`, `*`). */
export const DEBUG_SECTION = 'reqcache';

const nodeDebug = debuglog(DEBUG_SECTION);

/**
 * The debug logger, or undefined when debug logging is off — so a disabled logger costs one
 * `undefined` check per decision.
 *
 * It is on when `NODE_DEBUG` names `reqcache` (Node's `util.debuglog`: read once when the process
 * starts, lines `REQCACHE <pid>: …` on stderr), or when `DEBUG` matches `reqcache` the way the `debug`
 * package reads it (comma- or space-separated patterns, `*` wildcards, `-pattern` to exclude), in which
 * case the same lines are written to stderr.
 *
 * @param env The environment to read `DEBUG` from. @default process.env
 */
export function createDebugLog(
  env: Readonly<Record<string, string | undefined>> = process.env,
): DebugLog | undefined {
  if (nodeDebug.enabled) return nodeDebug;
  if (!debugEnvMatches(env['DEBUG'])) return undefined;
  const prefix = `${DEBUG_SECTION.toUpperCase()} ${process.pid}: `;
  return (message, ...args) => {
    process.stderr.write(`${prefix}${format(message, ...args)}\n`);
  };
}

/** Whether a `DEBUG` value (the `debug` package's syntax) enables the `reqcache` namespace. */
export function debugEnvMatches(value: string | undefined): boolean {
  if (value === undefined || value.trim() === '') return false;
  let enabled = false;
  for (const raw of value.split(/[\s,]+/)) {
    if (raw === '') continue;
    const negated = raw.startsWith('-');
    const pattern = negated ? raw.slice(1) : raw;
    if (!matchesNamespace(pattern)) continue;
    if (negated) return false;
    enabled = true;
  }
  return enabled;
}

/** `reqcache`, `reqcache:*`, `req*`, `*` match; `reqcache:` sub-namespaces count as reqcache. */
function matchesNamespace(pattern: string): boolean {
  const source = `^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*?')}$`;
  const regex = new RegExp(source);
  return regex.test(DEBUG_SECTION) || regex.test(`${DEBUG_SECTION}:engine`);
}
