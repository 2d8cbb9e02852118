import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { type CommandName, type ParsedArgs, parseCliArgs } from './args.js';
import {
  cacheStats,
  clearCache,
  countEntries,
  deleteResponses,
  listResponses,
  showResponse,
} from './commands.js';
import { CliError, EXIT } from './errors.js';
import { formatClear, formatDelete, formatList, formatShow, formatStats } from './format.js';
import { helpText, usageLine } from './help.js';
import { type OpenedCache, openCache, toCliError } from './open.js';
import { Progress, type ProgressStream } from './progress.js';
import { plural } from './render.js';

/** A stream the CLI writes to. */
export type OutputStream = ProgressStream;

/** What the CLI talks to: the process by default ({@link processIO}); tests pass their own. */
export interface CliIO {
  stdout: OutputStream;
  stderr: OutputStream;
  /** Whether a person can answer a question (stdin is a terminal): `clear` asks, or refuses without --yes. */
  interactive: boolean;
  /** Asks a yes/no question (on stderr); true for yes. */
  confirm(question: string): Promise<boolean>;
  /** Progress bars appear only for operations longer than this (ms). @default 250 */
  progressDelayMs?: number;
}

/** The process's streams and terminal. */
export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    interactive: process.stdin.isTTY === true,
    confirm: async (question) => {
      const readline = createInterface({ input: process.stdin, output: process.stderr });
      try {
        const answer = await readline.question(question);
        return /^y(es)?$/i.test(answer.trim());
      } finally {
        readline.close();
      }
    },
  };
}

/** The version of this package. */
export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/**
 * Runs `reqcache` with the arguments after the program name; returns the exit code (0 success,
 * 1 failure, 2 bad usage). Never throws: errors are printed on stderr (and as JSON on stdout with `--json`).
 */
export async function run(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  let args: ParsedArgs;
  const json = argv.includes('--json');
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    return fail(toCliError(error), io, json, guessCommand(argv));
  }
  if (args.help) {
    io.stdout.write(helpText(args.command));
    return EXIT.ok;
  }
  if (args.version) {
    io.stdout.write(args.json ? `${JSON.stringify({ version: cliVersion() })}\n` : `${cliVersion()}\n`);
    return EXIT.ok;
  }
  if (args.command === undefined) {
    io.stderr.write(helpText());
    return EXIT.usage;
  }
  if (args.command === 'clear' && !args.clear.yes && !io.interactive) {
    return fail(
      new CliError(
        'ERR_CONFIRMATION_REQUIRED',
        'clear deletes the whole cache: pass --yes to confirm (stdin is not a terminal)',
        {
          exitCode: EXIT.usage,
          showUsage: true,
        },
      ),
      io,
      args.json,
      args.command,
    );
  }

  let cache: OpenedCache | undefined;
  try {
    cache = await openCache(args.store);
    const code = await runCommand(args.command, args, cache, io);
    cache.check();
    return code;
  } catch (error) {
    return fail(toCliError(error, cache?.description), io, args.json, args.command);
  } finally {
    await cache?.close();
  }
}

async function runCommand(
  command: CommandName,
  args: ParsedArgs,
  cache: OpenedCache,
  io: CliIO,
): Promise<number> {
  const { engine } = cache;
  const progress = new Progress(io.stderr, {
    enabled: io.stderr.isTTY === true && !args.json,
    ...(io.progressDelayMs === undefined ? {} : { delayMs: io.progressDelayMs }),
  });
  const width = io.stdout.isTTY === true ? io.stdout.columns : undefined;
  const print = (value: unknown, text: () => string) =>
    io.stdout.write(args.json ? `${JSON.stringify(value, null, 2)}\n` : text());

  switch (command) {
    case 'list': {
      const result = await listResponses(
        engine,
        { filter: args.list.filter, ...(args.list.limit === undefined ? {} : { limit: args.list.limit }) },
        progress,
      );
      print(result, () => formatList(result, width));
      return EXIT.ok;
    }
    case 'show': {
      const result = await showResponse(engine, args.positionals[0]!, { method: args.show.method });
      print(result, () => formatShow(result, { full: args.show.full }));
      return EXIT.ok;
    }
    case 'stats': {
      const result = await cacheStats(engine, progress);
      print(result, () => formatStats(result));
      return EXIT.ok;
    }
    case 'delete': {
      const d = args.delete;
      const result = await deleteResponses(
        engine,
        {
          expired: d.expired,
          invalid: d.invalid,
          urls: d.urls,
          dryRun: d.dryRun,
          ...(d.olderThanMs === undefined ? {} : { olderThanMs: d.olderThanMs }),
        },
        progress,
      );
      print(result, () => formatDelete(result, width));
      return EXIT.ok;
    }
    case 'clear': {
      const counts = await countEntries(engine);
      if (!args.clear.yes) {
        const question = `Delete ${plural(counts.responses, 'response')} and ${plural(counts.redirects, 'redirect alias', 'redirect aliases')} from ${cache.description}? [y/N] `;
        if (!(await io.confirm(question))) {
          throw new CliError('ERR_ABORTED', 'Nothing deleted', { exitCode: EXIT.failure });
        }
      }
      const result = await clearCache(engine, counts);
      print(result, () => formatClear(result, cache.description));
      return EXIT.ok;
    }
  }
}

function fail(error: CliError, io: CliIO, json: boolean, command: CommandName | undefined): number {
  io.stderr.write(`reqcache: ${error.message}\n`);
  if (error.showUsage) io.stderr.write(usageLine(command));
  if (json) {
    io.stdout.write(
      `${JSON.stringify({ error: { code: error.code, message: error.message, exitCode: error.exitCode } }, null, 2)}\n`,
    );
  }
  return error.exitCode;
}

/** The command word of arguments that did not parse, for the usage line. */
function guessCommand(argv: readonly string[]): CommandName | undefined {
  const word = argv.find((arg) => ['list', 'show', 'stats', 'delete', 'clear'].includes(arg));
  return word as CommandName | undefined;
}
