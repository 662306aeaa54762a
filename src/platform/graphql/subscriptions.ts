/**
 * GraphQL subscriptions over WebSocket (the graphql-ws protocol) on the same port and path as
 * queries (/graphql). A connection is authenticated by the bearer token in its connection
 * parameters (`{ "authorization": "Bearer <token>" }`, or `token`): refused (4403) without a
 * valid one, and checked again every `recheckMs`, so a deactivated user or a revoked token is
 * disconnected. Documents pass the same limits as over HTTP; errors are formatted the same way.
 */
import type { Server } from 'node:http';
import type { GraphQLError, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from 'pino';
import type { Announcements } from '../events/announcements.js';
import { bearerToken, createContext, type ViewerForToken } from './context.js';

export interface SubscriptionServerOptions {
  server: Server;
  schema: GraphQLSchema;
  viewerForToken: ViewerForToken;
  announcements: Announcements;
  refuseDocument: (source: string) => GraphQLFormattedError | undefined;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  logger: Logger;
  /** How often each connection's token is checked again (default 5 s). */
  recheckMs?: number;
}

/** The token a client sent when connecting. */
function tokenOf(params: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const authorization = params?.authorization ?? params?.Authorization;
  if (typeof authorization === 'string') return bearerToken(authorization);
  return typeof params?.token === 'string' ? params.token : undefined;
}

const FORBIDDEN = 4403;

/** Serves subscriptions on `server`; returns what closes them. */
export function serveSubscriptions(options: SubscriptionServerOptions): { close(): Promise<void> } {
  const { viewerForToken, announcements, logger } = options;
  const wss = new WebSocketServer({ server: options.server, path: '/graphql' });
  const tokens = new Map<WebSocket, string>();
  const server = useServer(
    {
      schema: options.schema,
      async onConnect(ctx) {
        const token = tokenOf(ctx.connectionParams);
        if (!token) return false;
        try {
          await viewerForToken(token);
        } catch {
          return false;
        }
        tokens.set(ctx.extra.socket, token);
        return true;
      },
      onDisconnect: (ctx) => void tokens.delete(ctx.extra.socket),
      onClose: (ctx) => void tokens.delete(ctx.extra.socket),
      onSubscribe(_ctx, _id, payload) {
        const refusal = options.refuseDocument(payload.query);
        // graphql-ws sends these errors as given (formatted ones are plain objects of the same shape).
        if (refusal) return [refusal as GraphQLError];
      },
      context: async (ctx) => ({ ...(await createContext(viewerForToken, tokens.get(ctx.extra.socket))), announcements }),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((e) => options.formatError(e.toJSON(), e) as GraphQLError) } : result,
    },
    wss,
  );
  // Tokens are checked again: a deactivated user or a revoked token loses the connection.
  const recheck = setInterval(() => {
    for (const [socket, token] of tokens) {
      viewerForToken(token).catch(() => {
        tokens.delete(socket);
        logger.info('subscription closed: its token is no longer valid');
        socket.close(FORBIDDEN, 'Forbidden');
      });
    }
  }, options.recheckMs ?? 5_000);
  recheck.unref();
  return {
    async close() {
      clearInterval(recheck);
      await server.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
