import type { CommandName } from './args.js';

const STORE_OPTIONS = `Where the cache is (the same names as the adapters' options):
  -b, --backend <name>      sqlite (default), redis, postgres or mongodb
  -n, --cache-name <name>   cacheName: the SQLite file (<name>.sqlite), Redis namespace,
                            Postgres table or Mongo database (default: http_cache)
      --namespace <name>    the same as --cache-name
  -u, --url <url>           the server: redis://…, postgres://…, mongodb://… (implies --backend)
      --serializer <name>   the serializer the cache was written with (default: json)

Output:
      --json                machine-readable JSON on stdout (errors too: {"error": {code, message}})
  -h, --help                this help
  -V, --version             the version`;

const MAIN = `reqcache: inspect and maintain reqcache HTTP caches

Usage: reqcache <command> [options]

Commands:
  list                      the stored responses, as a table
  show <key|prefix|url>     one stored response in full
  stats                     entries, bytes, expired, redirects, hit ratio
  delete <selection>        delete expired, old or matching responses
  clear                     delete everything in the cache

${STORE_OPTIONS}

Examples:
  reqcache list --cache-name ./http_cache
  reqcache show https://api.example.com/items
  reqcache stats --backend redis --url redis://127.0.0.1:6379 --namespace api_cache
  reqcache delete --older-than 7d --dry-run

Exit codes: 0 success, 1 failure (unknown key or URL, store unreachable or not installed),
2 bad usage (unknown command or option, bad value, unknown backend).
Run "reqcache <command> --help" for a command's options.`;

const COMMAND_HELP: Record<CommandName, string> = {
  list: `Usage: reqcache list [--limit N] [--expired | --valid] [store options]

The stored responses, newest first: key (first 12 characters), method, URL, status, body size,
created, expires (fresh or stale). Times are UTC.

  -l, --limit <N>           show at most N responses
      --expired             only expired (stale) responses
      --valid               only fresh responses`,
  show: `Usage: reqcache show <key | key prefix | URL> [--method GET] [--full] [store options]

One stored response in full: the request (secrets redacted as stored), the response headers, a body
preview (text, or a hex summary for binary bodies) and its expiry. A URL is looked up with the key the
adapters give a GET of that URL (a redirected URL finds its final response); a key prefix needs at
least 8 characters and must be unique.

  -X, --method <method>     look the URL up as this method (default: GET)
      --full                the whole body, not a preview`,
  stats: `Usage: reqcache stats [store options]

Responses (fresh and expired), total body bytes, redirect aliases, undecodable entries, and the hit
ratio when the cache records hits and misses.`,
  delete: `Usage: reqcache delete [--expired] [--older-than <duration>] [--url <glob>…] [--invalid] [--dry-run]

Deletes the responses that match every criterion given (--url may be repeated: any glob matches), and
the redirect aliases left pointing at nothing. Prints how many responses were deleted.

      --expired             expired (stale) responses
      --older-than <age>    responses created longer ago than this: 7d, 12h, 30m, 90s or seconds
  -u, --url <glob>          responses whose URL matches: fnmatch-style, like urlsExpireAfter (the
                            scheme is optional, * matches anything including /, a pattern matches
                            everything below it: 'api.example.com/users'); a full URL also
                            selects the response show finds for it. Secrets match as sent
                            (api_key=…) or as stored (api_key=REDACTED)
      --invalid             also entries that cannot be decoded (corrupt or another format)
      --dry-run             list what would be deleted, delete nothing`,
  clear: `Usage: reqcache clear [--yes] [store options]

Deletes every response and redirect alias of this cache (only this Redis namespace, Postgres table
or Mongo database). Asks for confirmation on a terminal; elsewhere it needs --yes.

  -y, --yes                 do not ask`,
};

/** The help text: of a command, or the main one. */
export function helpText(command?: CommandName): string {
  if (command === undefined) return `${MAIN}\n`;
  return `${COMMAND_HELP[command]}\n\n${STORE_OPTIONS}\n`;
}

/** The short usage line printed after a usage error. */
export function usageLine(command?: CommandName): string {
  if (command === undefined) return 'Usage: reqcache <command> [options] (run "reqcache --help")\n';
  const first = COMMAND_HELP[command].split('\n')[0]!;
  return `${first}\n(run "reqcache ${command} --help")\n`;
}
