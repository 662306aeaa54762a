/**
 * The HTTP transport: GraphQL at /graphql (through Apollo's integration API), /healthz, and for
 * browsers the explorer (explorer.ts) at / and /graphql, its files under /explorer/.
 * A small node:http server rather than express: we need only a body-size limit, a health
 * check and header parsing.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { databaseUnavailable } from '../db/errors.js';
import { sendExplorer, sendExplorerAsset, wantsExplorer } from './explorer.js';
import type { HttpRoute } from './routes.js';
import type { Logger } from 'pino';

export interface HttpServerOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  context: (req: IncomingMessage) => Promise<TContext>;
  health: () => Promise<void>;
  maxBodyBytes: number;
  /** A GraphQL document's refusal before Apollo sees it (document-guard.ts), or undefined. */
  refuseDocument: (source: string) => GraphQLFormattedError | undefined;
  logger: Logger;
  /** Other routes (file import and export, routes.ts), tried before GraphQL. */
  routes?: readonly HttpRoute[];
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBytes) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function badRequest(res: ServerResponse, status: number, message: string, fields: Record<string, string>): void {
  sendJson(res, status, { errors: [{ message, extensions: { code: 'BAD_USER_INPUT', fields } }] });
}

/** Answers within a second even while the database does not: a health check must not hang. */
async function health(res: ServerResponse, check: () => Promise<void>, logger: Logger): Promise<void> {
  try {
    await Promise.race([check(), new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 1 s')), 1_000).unref())]);
    sendJson(res, 200, { status: 'ok' });
  } catch (err) {
    logger.warn({ err }, 'health check failed');
    sendJson(res, 503, { status: 'unavailable', reason: 'database unreachable' });
  }
}

/** Reading the viewer needs the database: unreachable is HTTP 503, SERVICE_UNAVAILABLE. */
async function contextOf<TContext>(req: IncomingMessage, context: (req: IncomingMessage) => Promise<TContext>): Promise<TContext> {
  try {
    return await context(req);
  } catch (err) {
    if (databaseUnavailable(err)) throw new GraphQLError('The database is unavailable', { originalError: err as Error, extensions: { http: { status: 503 } } });
    throw err;
  }
}

/** /healthz and the other routes (routes.ts): whether one of them answered. */
async function answeredBeforeGraphQL(
  options: Pick<HttpServerOptions<BaseContext>, 'health' | 'logger' | 'routes'>,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  if (url.pathname === '/healthz') {
    await health(res, options.health, options.logger);
    return true;
  }
  const route = options.routes?.find((r) => r.matches(req.method ?? 'GET', url.pathname));
  await route?.handle(req, res, url);
  return route !== undefined;
}

export function createHttpServer<TContext extends BaseContext>(options: HttpServerOptions<TContext>): Server {
  const { apollo, logger } = options;
  return createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      logger.error({ err }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (await answeredBeforeGraphQL(options, req, res, url)) return;
    if (url.pathname.startsWith('/explorer/')) {
      await sendExplorerAsset(req, res, url);
      return;
    }
    if (wantsExplorer(req, url)) {
      sendExplorer(req, res);
      return;
    }
    if (url.pathname !== '/graphql' && url.pathname !== '/') {
      sendJson(res, 404, { error: 'not found; GraphQL is at /graphql' });
      return;
    }
    let body: unknown = undefined;
    if (req.method === 'POST') {
      let raw: string;
      try {
        raw = await readBody(req, options.maxBodyBytes);
      } catch (err) {
        if (err instanceof BodyTooLarge) {
          badRequest(res, 413, `Request body exceeds ${options.maxBodyBytes} bytes`, { body: `at most ${options.maxBodyBytes} bytes` });
          return;
        }
        throw err;
      }
      const type = req.headers['content-type'] ?? '';
      if (type.includes('application/json') && raw.length > 0) {
        try {
          body = JSON.parse(raw);
        } catch {
          badRequest(res, 400, 'Request body is not valid JSON', { body: 'not valid JSON' });
          return;
        }
      } else {
        body = raw;
      }
    }
    const source = req.method === 'POST' ? (body as { query?: unknown } | undefined)?.query : url.searchParams.get('query');
    const refusal = typeof source === 'string' ? options.refuseDocument(source) : undefined;
    if (refusal) {
      sendJson(res, 400, { errors: [refusal] });
      return;
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: () => contextOf(req, options.context),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      // Encoded once into a buffer outside the JS heap, its length known: written as it is, where a
      // string was measured, then copied again by the socket's writev (a tenth of a nested list's garbage).
      const encoded = Buffer.from(response.body.string, 'utf8');
      res.setHeader('content-length', encoded.length);
      res.end(encoded);
    } else {
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    }
  }
}

export async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return `http://${shownHost}:${address.port}/graphql`;
}
