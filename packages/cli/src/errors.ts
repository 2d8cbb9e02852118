/** Exit codes of the `reqcache` command. */
export const EXIT = Object.freeze({
  /** Success. */
  ok: 0,
  /** The command ran and failed: unknown key or URL, store unreachable, store package missing, refused. */
  failure: 1,
  /** Bad usage: unknown command or option, bad value, wrong backend name. */
  usage: 2,
});

/** An error the CLI reports as one message on stderr and an exit code, never as a stack trace. */
export class CliError extends Error {
  override name = 'CliError';
  /** The process exit code: {@link EXIT}.usage (2) for bad usage, {@link EXIT}.failure (1) otherwise. */
  readonly exitCode: number;
  /** A stable, machine-readable code (in `--json` mode it is printed as `{"error": {code, message}}`). */
  readonly code: string;
  /** Print the usage of this command after the message. */
  readonly showUsage: boolean;

  constructor(
    code: string,
    message: string,
    options: { exitCode?: number; showUsage?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.exitCode = options.exitCode ?? EXIT.failure;
    this.showUsage = options.showUsage ?? false;
  }
}

/** A usage error: exit code 2, with the usage printed. */
export function usageError(message: string, code = 'ERR_USAGE'): CliError {
  return new CliError(code, message, { exitCode: EXIT.usage, showUsage: true });
}
