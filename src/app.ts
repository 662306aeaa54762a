/**
 * createApp wires the layers: database → migrations → services → schema → Apollo → HTTP.
 * The CLI (main.ts), the tests and embedders all start the product through it.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, Server } from 'node:http';
import { join } from 'node:path';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import { pino, type Logger } from 'pino';
import { openDatabase, type Database } from './platform/db/client.js';
import { runMigrations } from './platform/db/migrate.js';
import { pgliteDataDir } from './platform/db/template.js';
import { rederiveTradeNames } from './customers/rules/e4-key-conflicts.js';
import { seedDemoData } from './demo/seed.js';
import { createTokenService } from './platform/auth/tokens.js';
import { bearerToken, createContext, type Context } from './platform/graphql/context.js';
import { clientAddress } from './platform/http/client-address.js';
import type { LoginThrottlePolicy } from './platform/auth/throttle-policy.js';
import { createErrorFormatter, serviceUnavailableStatus } from './platform/graphql/error-formatter.js';
import { createHttpServer, listen } from './platform/http/http-server.js';
import { DOCUMENT_LIMITS, refuseDocument } from './platform/graphql/document-guard.js';
import { serveSubscriptions } from './platform/graphql/subscriptions.js';
import { Announcements } from './platform/events/announcements.js';
import { jitGateway } from './platform/graphql/jit-executor.js';
import { limitsPlugin, type QueryLimits } from './platform/graphql/limits.js';
import { buildSchema } from './schema.js';
import { createServices, type Services } from './services.js';
import { reportFileRoutes } from './reports/report-export.js';
import { customerTransferRoutes, type TransferLimits } from './transfer-files/transfer.routes.js';
import { viewerOf } from './platform/graphql/context.js';
import type { WebhookSettings } from './webhooks/webhook.service.js';
import { systemClock, type Clock } from './platform/clock.js';
import { DEFAULT_POLICY, type Policy } from './workflow/policy/policy.js';

export interface AppOptions {
  /** A real PostgreSQL; without it an embedded PGlite is used. */
  databaseUrl?: string;
  /** Where PGlite keeps its files; omitted → in memory (throw-away). */
  dataDir?: string;
  clock?: Clock;
  /** Seed the demo users and records when the database has no users yet. */
  seedDemo?: boolean;
  /** With seedDemo: also the demo customers (default true; tests seed users only). */
  seedDemoCustomers?: boolean;
  logger?: Logger;
  /** Required with databaseUrl; on PGlite it is generated and kept in the data directory. */
  jwtSecret?: string;
  jwtTtlSeconds?: number;
  limits?: Partial<QueryLimits>;
  maxBodyBytes?: number;
  /** Connections to PostgreSQL (with databaseUrl); default 10. */
  dbPoolSize?: number;
  /** Seconds to wait for an unreachable PostgreSQL (default 5). */
  dbTimeoutSeconds?: number;
  /** The policy document (terms, cool-downs, caps, calendar); defaults to the built-in one. */
  policy?: Policy;
  /** Issue 16 §5: webhook deliveries (WEBHOOK_* variables); see DEFAULT_WEBHOOK_SETTINGS. */
  webhooks?: Partial<WebhookSettings>;
  /** How often the webhook worker looks for due retries, in ms, besides being woken by new deliveries (default 5 s; 0: only when woken). */
  webhookPollMs?: number;
  /** How often a subscription's token is checked again, in ms (default 5 s). */
  subscriptionRecheckMs?: number;
  /** Deadline sweeper interval in ms; 0 disables it (default 30 s). */
  sweepIntervalMs?: number;
  /** Due deadlines fired per statement (default 2,000). */
  sweepBatchSize?: number;
  /**
   * How long a user's viewer is served from this process's cache without a lookup, on `clock`;
   * 0 disables the cache (default 5 s). Changes through updateUser take effect here at once.
   */
  viewerCacheMs?: number;
  /** Issue 15: sign-in throttling per username and client address; defaults in DEFAULT_LOGIN_THROTTLE. */
  loginThrottle?: Partial<LoginThrottlePolicy>;
  /**
   * TRUST_PROXY: the client address is the last X-Forwarded-For entry (what the one reverse proxy
   * in front added) rather than the socket's peer. Only behind such a proxy: otherwise a client
   * picks its own address and escapes per-address throttling.
   */
  trustProxy?: boolean;
  /** T8: customer file imports (IMPORT_MAX_BYTES, IMPORT_MAX_ROWS); see DEFAULT_TRANSFER_LIMITS. */
  transferLimits?: Partial<TransferLimits>;
}

export interface GraphQLResult {
  data?: Record<string, unknown> | null;
  errors?: ReadonlyArray<{ message: string; path?: ReadonlyArray<string | number>; extensions?: Record<string, unknown> }>;
}

export interface App {
  readonly server: ApolloServer<Context>;
  readonly schema: GraphQLSchema;
  readonly database: Database;
  readonly services: Services;
  readonly logger: Logger;
  /** Runs one operation as the bearer of `token`, from `clientAddress` when given (tests and embedders). */
  execute(query: string, variables?: Record<string, unknown>, options?: { token?: string; clientAddress?: string }): Promise<GraphQLResult>;
  /** Serves HTTP; resolves with the GraphQL URL. */
  listen(port: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

/** The JWT secret: given, or (PGlite only) generated once and kept beside the database. */
function resolveJwtSecret(options: AppOptions): string {
  if (options.jwtSecret) return options.jwtSecret;
  if (options.databaseUrl) {
    throw new Error('JWT_SECRET is required with DATABASE_URL: every instance must verify the same tokens');
  }
  if (options.dataDir === undefined || options.dataDir.startsWith('memory://')) return randomBytes(32).toString('hex');
  mkdirSync(options.dataDir, { recursive: true });
  const file = join(options.dataDir, 'jwt-secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/** An HTTP request's context: the viewer behind its bearer token, and its client address (issue 15). */
function httpContext(services: Services, req: IncomingMessage, trustProxy: boolean): Promise<Context> {
  return createContext((t) => services.users.viewerForToken(t), bearerToken(req.headers.authorization), clientAddress(req, trustProxy));
}

/** Re-reads published policies and workflow versions every `intervalMs` (0: never). */
function startRefresh(services: Services, intervalMs: number, logger: Logger): NodeJS.Timeout | undefined {
  if (intervalMs <= 0) return undefined;
  const refresh = () =>
    void Promise.all([services.policies.refresh(), services.designs.refresh(), services.pools.refresh()]).catch((err: unknown) =>
      logger.error({ err }, 'policy or workflow refresh failed'),
    );
  return setInterval(refresh, intervalMs).unref();
}

/** Milliseconds each step of the start took (logged at debug: `LOG_LEVEL=debug`). */
function startupPhases(): (name: string) => Record<string, number> {
  const phases: Record<string, number> = {};
  let last = performance.now();
  return (name) => {
    const now = performance.now();
    phases[name] = Math.round(now - last);
    last = now;
    return phases;
  };
}

/** The one Apollo server of an app: limits, error mapping, logging through pino. */
async function startApollo(schema: GraphQLSchema, options: AppOptions, logger: Logger): Promise<ApolloServer<Context>> {
  const server = new ApolloServer<Context>({
    // Operations run compiled (graphql-jit), which Apollo allows only through a gateway's executor.
    gateway: jitGateway(schema),
    introspection: true,
    // Also checked before Apollo (document-guard.ts); here for any other way in.
    parseOptions: { maxTokens: DOCUMENT_LIMITS.tokens },
    // Stack traces go to the log, never to clients.
    includeStacktraceInErrorResponses: false,
    formatError: createErrorFormatter(logger),
    // No plugin may hook every field: Apollo then wraps every resolver. The cache-control plugin
    // (on by default; nothing here sets cache hints) would, and so would usage reporting and
    // inline traces (on with APOLLO_KEY or a federated schema), so all three are off.
    plugins: [
      serviceUnavailableStatus(),
      limitsPlugin({ maxDepth: options.limits?.maxDepth ?? 10, maxCost: options.limits?.maxCost ?? 10_000 }),
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      // Apollo's own landing page loads its explorer from Apollo's hosts; browsers get ours
      // (platform/http/explorer.ts), served before a request reaches Apollo.
      ApolloServerPluginLandingPageDisabled(),
    ],
    logger: { debug: () => undefined, info: () => undefined, warn: (m) => logger.warn(m), error: (m) => logger.error(m) },
  });
  await server.start();
  return server;
}

/** HTTP (queries, /healthz) and WebSocket (subscriptions) on one server, made when the app listens. */
function httpTransport(parts: {
  services: Services;
  server: ApolloServer<Context>;
  schema: GraphQLSchema;
  database: Database;
  announcements: Announcements;
  options: AppOptions;
  logger: Logger;
}) {
  const { services, server, database, options, logger } = parts;
  let httpServer: Server | undefined;
  let subscriptions: { close(): Promise<void> } | undefined;
  return {
    listen(port: number, host: string): Promise<string> {
      const authenticate = async (req: IncomingMessage) => viewerOf(await httpContext(services, req, options.trustProxy ?? false));
      httpServer = createHttpServer({
        apollo: server,
        context: (req) => httpContext(services, req, options.trustProxy ?? false),
        health: () => database.ping(),
        maxBodyBytes: options.maxBodyBytes ?? 1_048_576,
        refuseDocument,
        logger,
        // T8: customer files in and out, signed in as /graphql is.
        routes: [
          ...customerTransferRoutes({ ...services, database }, authenticate, options.transferLimits),
          // The manager's reports as CSV/XLSX files (T8).
          ...reportFileRoutes(services.reports, authenticate),
        ],
      });
      subscriptions = serveSubscriptions({
        server: httpServer,
        schema: parts.schema,
        viewerForToken: (t) => services.users.viewerForToken(t),
        announcements: parts.announcements,
        refuseDocument,
        formatError: createErrorFormatter(logger),
        logger,
        recheckMs: options.subscriptionRecheckMs,
      });
      return listen(httpServer, port, host);
    },
    async close(): Promise<void> {
      await subscriptions?.close();
      if (!httpServer) return;
      const s = httpServer;
      await new Promise<void>((resolve) => s.close(() => resolve()));
      s.closeAllConnections();
    },
  };
}

export async function createApp(options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const clock = options.clock ?? systemClock;
  const jwtSecret = resolveJwtSecret(options);
  const phase = startupPhases();
  const database = await openDatabase(
    options.databaseUrl
      ? { url: options.databaseUrl, poolSize: options.dbPoolSize, timeoutSeconds: options.dbTimeoutSeconds }
      : { dataDir: pgliteDataDir(options.dataDir) },
  );
  phase('database');
  try {
    await runMigrations(database);
    phase('migrations');
    // E1: keys stored with an older derivation are re-derived once (see e4-key-conflicts.ts).
    await rederiveTradeNames(database);
    const tokens = createTokenService(jwtSecret, options.jwtTtlSeconds ?? 8 * 3600, clock);
    const { sweepBatchSize, viewerCacheMs, loginThrottle, webhooks, policy = DEFAULT_POLICY } = options;
    const services = createServices({ database, tokens, clock, logger, policy, sweepBatchSize, viewerCacheMs, loginThrottle, webhooks });
    // P11: the newest published policy version is in force; other instances pick it up on refresh.
    await services.policies.refresh();
    // T2: pools' policy overrides (refreshed with the policies).
    await services.pools.refresh();
    // Issue 7: machine versions designers published; instances run on the version they remember.
    await services.designs.refresh();
    phase('services');
    if (options.seedDemo) await seedDemoData({ database, tokens, clock, logger }, options.seedDemoCustomers ?? true);
    phase('seed');

    const schema = await buildSchema(services);
    phase('schema');
    const server = await startApollo(schema, options, logger);
    logger.debug({ startupMs: phase('apollo') }, 'app created');
    // Subscriptions hear what any process on this database committed (LISTEN/NOTIFY).
    const announcements = new Announcements(database, logger);
    await announcements.start();
    await services.listen(announcements, options.webhookPollMs ?? 5_000);
    const transport = httpTransport({ services, server, schema, database, announcements, options, logger });
    services.sweeper.start(options.sweepIntervalMs ?? 30_000);
    const policyRefresh = startRefresh(services, options.sweepIntervalMs ?? 30_000, logger);

    const app: App = {
      server,
      schema,
      database,
      services,
      logger,
      async execute(query, variables = {}, { token, clientAddress: address } = {}) {
        const refusal = refuseDocument(query);
        if (refusal) return JSON.parse(JSON.stringify({ errors: [refusal] })) as GraphQLResult;
        const contextValue = await createContext((t) => services.users.viewerForToken(t), token, address);
        const response = await server.executeOperation({ query, variables }, { contextValue });
        if (response.body.kind !== 'single') throw new Error('incremental delivery is not used');
        // As a client would see it over HTTP (scalars serialised to JSON).
        return JSON.parse(JSON.stringify(response.body.singleResult)) as GraphQLResult;
      },
      listen: (port, host = '127.0.0.1') => transport.listen(port, host),
      async close() {
        if (policyRefresh) clearInterval(policyRefresh);
        await services.sweeper.stop();
        await services.webhookWorker.stop();
        await transport.close();
        await server.stop();
        await announcements.close();
        await database.close();
      },
    };
    return app;
  } catch (err) {
    await database.close();
    throw err;
  }
}
