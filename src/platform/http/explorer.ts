/**
 * Issue 16 §6: the GraphQL explorer a browser gets at / and /graphql. It is Ruru (a GraphiQL
 * distribution, npm package `ruru`) whose prebuilt bundle this server serves itself from
 * node_modules under EXPLORER_ASSETS, so the page asks no other host for anything (Ruru's default
 * is a CDN: we always pass our own staticPath) and sends no telemetry. Queries and mutations go
 * to /graphql over HTTP; subscriptions over graphql-ws to ws(s)://<same host>/graphql, with the
 * headers editor's headers (e.g. `{"authorization": "Bearer …"}`) as the connection parameters.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ruruHTML, type RuruClientConfig } from 'ruru/server';
import { getStaticFile } from 'ruru/static';
import { prefersHtml } from './accept.js';

const requireHere = createRequire(import.meta.url);
// ruru exports no package.json; its version is read beside its entry point (dist/server.js).
const ruruVersion = (JSON.parse(readFileSync(join(dirname(requireHere.resolve('ruru/server')), '..', 'package.json'), 'utf8')) as { version: string }).version;

/**
 * Where the explorer's files are served. The path names Ruru's version, so a file's content never
 * changes under one URL: every asset is cached as immutable, and an upgrade changes the URLs.
 */
export const EXPLORER_ASSETS = `/explorer/ruru-${ruruVersion}/`;

/** A file name of the bundle: no slash, no leading dot, so nothing outside it can be named. */
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const DEFAULT_QUERY = `# Custodian CRM's GraphQL explorer (served by this server).
#
# 1. Sign in (Ctrl+Enter or the ▶ button runs):
#    mutation {
#      login(username: "…", password: "…") { token }
#    }
# 2. Put the token in Headers (below):
#    { "authorization": "Bearer <token>" }
#    Queries and mutations send these headers;
#    subscriptions (graphql-ws, same /graphql)
#    send them as connection parameters.
# 3. Then, for example:
query Me {
  me {
    username
    roles
  }
}
`;

/** No explain/plan tools (they are Grafast's, not this server's); the headers editor on. */
const clientConfig = { defaultQuery: DEFAULT_QUERY, debugTools: [], isHeadersEditorEnabled: true } satisfies Partial<RuruClientConfig>;

const page = ruruHTML({
  staticPath: EXPLORER_ASSETS,
  endpoint: '/graphql',
  // Relative: Ruru turns it into ws(s)://<the page's host>/graphql.
  subscriptionEndpoint: '/graphql',
  // Ruru types these as GraphiQL's React props, which without React's types (the server needs
  // none) come out all required: the three set here are optional in GraphiQL's documentation.
  clientConfig: clientConfig as unknown as RuruClientConfig,
  htmlParts: {
    titleTag: '<title>Custodian CRM — GraphQL explorer</title>',
    // An empty icon: the browser asks for no /favicon.ico.
    metaTags: (original) => `${original}\n<link rel="icon" href="data:," />`,
  },
});

/** The page's inline scripts, allowed by their hashes and by nothing else. */
const scriptHashes = [...page.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map(
  ([, body]) =>
    `'sha256-${createHash('sha256')
      .update(body ?? '', 'utf8')
      .digest('base64')}'`,
);

/** ws: and wss: of the host the page came from (CSP 'self' covers them in Chrome, not everywhere). */
function socketSources(host: string | undefined): string {
  return host !== undefined && /^[A-Za-z0-9.-]+(:\d+)?$|^\[[0-9A-Fa-f:.]+\](:\d+)?$/.test(host) ? ` ws://${host} wss://${host}` : '';
}

/**
 * Only 'self': scripts are the bundle's files and the hashed inline ones; styles may be inline
 * (the editor sets style attributes and inserts style elements as it runs; styles run no code).
 */
function contentSecurityPolicy(host: string | undefined): string {
  return [
    "default-src 'self'",
    `script-src 'self' ${scriptHashes.join(' ')}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self'${socketSources(host)}`,
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** A browser's GET of / or /graphql without a query: the explorer, not a GraphQL response. */
export function wantsExplorer(req: IncomingMessage, url: URL): boolean {
  return req.method === 'GET' && (url.pathname === '/' || url.pathname === '/graphql') && !url.searchParams.has('query') && prefersHtml(req.headers.accept);
}

export function sendExplorer(req: IncomingMessage, res: ServerResponse): void {
  const body = Buffer.from(page, 'utf8');
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': body.length,
    'content-security-policy': contentSecurityPolicy(req.headers.host),
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    // The same URL answers JSON to other clients.
    vary: 'Accept',
  });
  res.end(body);
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
  res.end('not found');
}

/** A file of the explorer's bundle (a path under /explorer/), or 404. Source maps are not served. */
export async function sendExplorerAsset(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const name = url.pathname.startsWith(EXPLORER_ASSETS) ? url.pathname.slice(EXPLORER_ASSETS.length) : '';
  if ((req.method !== 'GET' && req.method !== 'HEAD') || !ASSET_NAME.test(name)) return notFound(res);
  // Looked up by name in the bundle's own table of files, never on the file system.
  const file = await getStaticFile({
    staticPath: EXPLORER_ASSETS,
    urlPath: EXPLORER_ASSETS + name,
    acceptEncoding: req.headers['accept-encoding'],
    disallowDevAssets: true,
  });
  if (!file) return notFound(res);
  const common = { 'cache-control': 'public, max-age=31536000, immutable', 'x-content-type-options': 'nosniff', vary: 'Accept-Encoding' };
  if (file.headers.etag !== undefined && req.headers['if-none-match'] === file.headers.etag) {
    res.writeHead(304, { etag: file.headers.etag, ...common });
    res.end();
    return;
  }
  res.writeHead(200, { ...file.headers, ...common });
  res.end(file.content);
}
