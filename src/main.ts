/** The CLI: parse the environment, start the app, serve HTTP, stop cleanly on a signal. */
import { setFlagsFromString } from 'node:v8';
import { limitHeapGrowth } from './platform/heap.js';
import { ConfigError, parseConfig, type Config } from './platform/config.js';
import { checkDataDir, startFailureLine } from './platform/db/data-dir.js';
import { copyTemplateInto, pgliteDataDir } from './platform/db/template.js';

/** The configuration, or exit 2 with every wrong variable named. */
function readConfig(): Config {
  try {
    return parseConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

/** The embedded database's data directory on disk; undefined on PostgreSQL or in memory. */
const embeddedDataDir = (config: Config) => (config.databaseUrl || config.dataDir.startsWith('memory://') ? undefined : config.dataDir);

/**
 * Issue 15 §4: a failed start ends with one line (the data directory's path and problem when it
 * is one, README: Configuration) and exit code 1; LOG_LEVEL=debug or trace adds the stack.
 */
async function main(): Promise<void> {
  const config = readConfig();
  const dataDir = embeddedDataDir(config);
  try {
    // Before PGlite (and the template copy) touch it: most unusable directories fail here, at once.
    if (dataDir !== undefined) checkDataDir(dataDir, pgliteDataDir(dataDir));
    await start(config);
  } catch (err) {
    process.stderr.write(`${startFailureLine(err, { dataDir, verbose: config.logLevel === 'debug' || config.logLevel === 'trace' })}\n`);
    process.exit(1);
  }
}

async function start(config: Config): Promise<void> {
  // On the embedded database, PGlite's WebAssembly (9 MB of PostgreSQL) runs on V8's baseline
  // compiler only: recompiling what the start touches with the optimizing one cost about 2 s of CPU
  // and 90 MB of RSS (README: Performance). Before the module is compiled, so it takes effect.
  if (!config.databaseUrl && !config.pgliteOptimize) setFlagsFromString('--liftoff-only');
  limitHeapGrowth();
  // A new embedded data directory is copied from the template cluster while the app's modules
  // load (a second of CPU): the copy is mostly the kernel's, on another thread. Both are awaited
  // before the database opens; createApp finds the copy and leaves it.
  const pgDir = config.databaseUrl ? undefined : pgliteDataDir(config.dataDir);
  const copying = pgDir === undefined ? Promise.resolve(false) : copyTemplateInto(pgDir);
  const [{ createApp }, { DEMO_PASSWORD }, { createLogger }, { loadPolicyFile }] = await Promise.all([
    import('./app.js'),
    import('./demo/seed.js'),
    import('./platform/logger.js'),
    import('./workflow/policy/policy.js'),
    copying,
  ]);
  const logger = createLogger(config.logLevel);
  // Since the process started: node's own start, the app's modules and the template copy.
  logger.debug({ modulesMs: Math.round(performance.now()), copiedTemplate: await copying }, 'modules loaded');
  const app = await createApp({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    seedDemo: config.seedDemo,
    logger,
    jwtSecret: config.jwtSecret,
    jwtTtlSeconds: config.jwtTtlSeconds,
    limits: { maxDepth: config.maxQueryDepth, maxCost: config.maxQueryCost },
    maxBodyBytes: config.maxBodyBytes,
    dbPoolSize: config.dbPoolSize,
    dbTimeoutSeconds: config.dbTimeoutSeconds,
    policy: loadPolicyFile(config.policyFile),
    sweepIntervalMs: config.sweepIntervalMs,
    sweepBatchSize: config.sweepBatchSize,
    viewerCacheMs: config.viewerCacheMs,
    loginThrottle: config.loginThrottle,
    webhooks: config.webhooks,
    trustProxy: config.trustProxy,
    transferLimits: config.transferLimits,
  });
  const url = await app.listen(config.port, config.host);
  logger.info(
    {
      url,
      database: config.databaseUrl ? 'postgresql' : `pglite (${config.dataDir})`,
      startMs: Math.round(performance.now()),
      login: config.seedDemo ? `mutation { login(username: "sales1", password: "${DEMO_PASSWORD}") { token } }` : undefined,
    },
    `Custodian CRM serving GraphQL at ${url}` +
      (config.seedDemo ? ` — demo users sales1, sales2, sales3, auditor1, aftersales1, manager1, manager2, designer1, admin; password "${DEMO_PASSWORD}"` : ''),
  );
  const stop = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`${startFailureLine(err, {})}\n`);
  process.exit(1);
});
