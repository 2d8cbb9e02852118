/**
 * The secrets the secrets tests send, the routes that receive them, and a scanner for raw bytes.
 */
import type { TestServer } from '@reqcache/test-server';

/** One distinct value per credential, so a leak names its source. */
export const SECRETS = {
  authorization: 'Bearer SECRETauthorizationA1b2C3',
  proxyAuthorization: 'Basic SECRETproxyAuthD4e5F6',
  cookie: 'session=SECRETcookieG7h8I9; theme=dark',
  xApiKey: 'SECRETxApiKeyJ1k2L3',
  queryApiKey: 'SECRETqueryApiKeyM4n5O6',
  queryAccessToken: 'SECRETqueryAccessTokenP7q8R9',
  redirectStartKey: 'SECRETredirectStartKeyS1t2U3',
  redirectTargetToken: 'SECRETredirectTargetTokenV4w5X6',
  setCookie: 'SECRETsetCookieY7z8A9',
} as const;

/** The tell-tale part of each secret (what must never appear anywhere). */
export const SECRET_MARKERS: readonly string[] = Object.values(SECRETS).map((value) => {
  const match = /SECRET[A-Za-z0-9]+/.exec(value);
  if (match === null) throw new Error(`no marker in ${value}`);
  return match[0];
});

/** The credential headers sent with every request. */
export const CREDENTIAL_HEADERS: Readonly<Record<string, string>> = {
  Authorization: SECRETS.authorization,
  'Proxy-Authorization': SECRETS.proxyAuthorization,
  Cookie: SECRETS.cookie,
  'X-API-KEY': SECRETS.xApiKey,
};

/**
 * Routes that never echo the request (so whatever a scan finds came from the cache's metadata, not a
 * response body): `/private` (cacheable, sets a session cookie) and `/start`, which redirects to
 * `/private` with a token in the query.
 */
export function addSecretRoutes(server: TestServer): void {
  server.route('GET', '/private', (_req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.setHeader('cache-control', 'max-age=600');
    res.setHeader('set-cookie', `sid=${SECRETS.setCookie}; HttpOnly`);
    res.end('private ok');
  });
  server.route('GET', '/start', (_req, res) => {
    res.statusCode = 302;
    res.setHeader('location', `/private?access_token=${SECRETS.redirectTargetToken}&q=1`);
    res.end();
  });
}

/** The URLs sent: credentials in the query, and a redirect with credentials on both ends. */
export function secretUrls(server: TestServer): { plain: string; query: string; redirect: string } {
  return {
    plain: `${server.url}/private`,
    query: `${server.url}/private?api_key=${SECRETS.queryApiKey}&access_token=${SECRETS.queryAccessToken}`,
    redirect: `${server.url}/start?api_key=${SECRETS.redirectStartKey}`,
  };
}

/** Every secret marker found in `data` (as text, and as latin1 bytes for binary files). */
export function findSecrets(data: string | Uint8Array): string[] {
  const text = typeof data === 'string' ? data : Buffer.from(data).toString('latin1');
  return SECRET_MARKERS.filter((marker) => text.includes(marker));
}
