/**
 * The one place that reads the environment. Parsed once at start with a zod schema; every
 * problem is reported at once with the variable's name.
 */
import { z } from 'zod';

import { evenAfterOtherProblems, validate } from './validation.js';
import { DEFAULT_LOGIN_THROTTLE, LOGIN_THROTTLE_BOUNDS, type LoginThrottlePolicy } from './auth/throttle-policy.js';

const [MIN_LOCKOUT_MS, MAX_LOCKOUT_MS] = LOGIN_THROTTLE_BOUNDS.lockoutMs;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** pino's levels. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The settings the app runs with, from {@link parseConfig}. */
export interface Config {
  port: number;
  host: string;
  /** Real PostgreSQL; when absent the embedded PGlite under `dataDir` is used. */
  databaseUrl: string | undefined;
  dataDir: string;
  jwtSecret: string | undefined;
  /** Token lifetime, in seconds. */
  jwtTtlSeconds: number;
  logLevel: LogLevel;
  /** Seed demo data on an empty database. Defaults to true on PGlite, false on PostgreSQL. */
  seedDemo: boolean;
  policyFile: string | undefined;
  /** Deadline sweeper interval in ms; 0 disables the sweeper. */
  sweepIntervalMs: number;
  /** Due deadlines the sweeper fires per statement. */
  sweepBatchSize: number;
  maxQueryDepth: number;
  maxQueryCost: number;
  maxBodyBytes: number;
  /** Connections to PostgreSQL per API process (DATABASE_URL only). */
  dbPoolSize: number;
  dbTimeoutSeconds: number;
  /** How long a user's viewer is served from the per-process cache, in ms; 0 disables it. */
  viewerCacheMs: number;
  /** Issue 15: sign-in throttling (LOGIN_MAX_FAILURES, LOGIN_ADDRESS_MAX_FAILURES, LOGIN_LOCKOUT in seconds). */
  loginThrottle: LoginThrottlePolicy;
  /** TRUST_PROXY: take the client address from the last X-Forwarded-For entry (behind one reverse proxy only). */
  trustProxy: boolean;
  /** Issue 16 §5: webhook deliveries. */
  webhooks: { allowPrivate: boolean; maxAttempts: number; firstRetryMs: number; maxRetryMs: number; timeoutMs: number };
  /** T8: customer file imports: the largest file in bytes (IMPORT_MAX_BYTES) and the most rows (IMPORT_MAX_ROWS). */
  transferLimits: { maxBytes: number; maxRows: number };
  /** PGlite only: let V8 recompile PGlite's hot WebAssembly with its optimizing compiler (more memory and start CPU). */
  pgliteOptimize: boolean;
}

/** Thrown by {@link parseConfig}; each problem starts with the variable's name. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function wholeNumber(min: number, max: number, fallback: number) {
  const message = (issue: { readonly input?: unknown }) => `must be a whole number from ${min} to ${max} (got "${String(issue.input)}")`;
  return z
    .string()
    .refine((raw) => /^\d+$/.test(raw) && Number(raw) >= min && Number(raw) <= max, { error: message })
    .transform(Number)
    .default(fallback);
}

const flag = z.string().transform((raw, ctx) => {
  const value = raw.toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  ctx.addIssue({ code: 'custom', message: `must be true or false (got "${value}")` });
  return z.NEVER;
});

const JWT_SECRET_HINT =
  'is required with DATABASE_URL (tokens must verify on every instance); ' +
  "generate one with: node -e \"console.log(require('crypto').randomBytes(32).toString('hex'))\"";

/** The variables, by name; a blank variable counts as unset. */
const environment = z
  .object({
    PORT: wholeNumber(0, 65_535, 4000),
    HOST: z.string().default('0.0.0.0'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
      .optional(),
    DATA_DIR: z.string().default('./data'),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters long').optional(),
    JWT_TTL: wholeNumber(60, 90 * 86_400, 8 * 3600),
    LOG_LEVEL: z.enum(LOG_LEVELS, { error: (issue) => `must be one of ${LOG_LEVELS.join(', ')} (got "${String(issue.input)}")` }).default('info'),
    SEED_DEMO: flag.optional(),
    POLICY_FILE: z.string().optional(),
    /** Seconds. */
    SWEEP_INTERVAL: wholeNumber(0, 86_400, 30),
    SWEEP_BATCH: wholeNumber(1, 100_000, 2_000),
    MAX_QUERY_DEPTH: wholeNumber(2, 100, 10),
    MAX_QUERY_COST: wholeNumber(10, 10_000_000, 10_000),
    MAX_BODY_BYTES: wholeNumber(1_024, 100 * 1_048_576, 1_048_576),
    DB_POOL_SIZE: wholeNumber(1, 500, 10),
    /** Seconds a request waits for an unreachable PostgreSQL before SERVICE_UNAVAILABLE. */
    DB_TIMEOUT: wholeNumber(1, 300, 5),
    /** Milliseconds. */
    VIEWER_CACHE_MS: wholeNumber(0, 60_000, 5_000),
    PGLITE_OPTIMIZE: flag.optional(),
    LOGIN_MAX_FAILURES: wholeNumber(...LOGIN_THROTTLE_BOUNDS.maxFailures, DEFAULT_LOGIN_THROTTLE.maxFailures),
    LOGIN_ADDRESS_MAX_FAILURES: wholeNumber(...LOGIN_THROTTLE_BOUNDS.addressMaxFailures, DEFAULT_LOGIN_THROTTLE.addressMaxFailures),
    /** Seconds. */
    LOGIN_LOCKOUT: wholeNumber(MIN_LOCKOUT_MS / 1000, MAX_LOCKOUT_MS / 1000, DEFAULT_LOGIN_THROTTLE.lockoutMs / 1000),
    TRUST_PROXY: flag.optional(),
    WEBHOOK_ALLOW_PRIVATE: flag.optional(),
    WEBHOOK_MAX_ATTEMPTS: wholeNumber(1, 50, 8),
    /** Seconds. */
    WEBHOOK_FIRST_RETRY: wholeNumber(1, 3_600, 10),
    /** Seconds. */
    WEBHOOK_MAX_RETRY: wholeNumber(1, 86_400, 3_600),
    /** Seconds. */
    WEBHOOK_TIMEOUT: wholeNumber(1, 120, 10),
    IMPORT_MAX_BYTES: wholeNumber(1_024, 1_073_741_824, 10 * 1_048_576),
    IMPORT_MAX_ROWS: wholeNumber(1, 1_000_000, 10_000),
  })
  .superRefine(
    (env, ctx) => {
      if (env.DATABASE_URL !== undefined && env.JWT_SECRET === undefined) {
        ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: JWT_SECRET_HINT });
      }
    },
    { when: evenAfterOtherProblems },
  )
  .transform((env): Config => ({
    port: env.PORT,
    host: env.HOST,
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    jwtSecret: env.JWT_SECRET,
    jwtTtlSeconds: env.JWT_TTL,
    logLevel: env.LOG_LEVEL,
    seedDemo: env.SEED_DEMO ?? env.DATABASE_URL === undefined,
    policyFile: env.POLICY_FILE,
    sweepIntervalMs: env.SWEEP_INTERVAL * 1000,
    sweepBatchSize: env.SWEEP_BATCH,
    maxQueryDepth: env.MAX_QUERY_DEPTH,
    maxQueryCost: env.MAX_QUERY_COST,
    maxBodyBytes: env.MAX_BODY_BYTES,
    dbPoolSize: env.DB_POOL_SIZE,
    dbTimeoutSeconds: env.DB_TIMEOUT,
    viewerCacheMs: env.VIEWER_CACHE_MS,
    pgliteOptimize: env.PGLITE_OPTIMIZE ?? false,
    loginThrottle: { maxFailures: env.LOGIN_MAX_FAILURES, addressMaxFailures: env.LOGIN_ADDRESS_MAX_FAILURES, lockoutMs: env.LOGIN_LOCKOUT * 1000 },
    trustProxy: env.TRUST_PROXY ?? false,
    transferLimits: { maxBytes: env.IMPORT_MAX_BYTES, maxRows: env.IMPORT_MAX_ROWS },
    webhooks: {
      allowPrivate: env.WEBHOOK_ALLOW_PRIVATE ?? false,
      maxAttempts: env.WEBHOOK_MAX_ATTEMPTS,
      firstRetryMs: env.WEBHOOK_FIRST_RETRY * 1000,
      maxRetryMs: Math.max(env.WEBHOOK_MAX_RETRY, env.WEBHOOK_FIRST_RETRY) * 1000,
      timeoutMs: env.WEBHOOK_TIMEOUT * 1000,
    },
  }));

/** The known variables, trimmed, without the blank ones (a blank variable means "use the default"). */
function setVariables(env: Env): Record<string, string> {
  const set: Record<string, string> = {};
  for (const name of Object.keys(environment.in.shape)) {
    const value = env[name]?.trim();
    if (value !== undefined && value !== '') set[name] = value;
  }
  return set;
}

/**
 * Reads the configuration from `env` (normally `process.env`), with defaults.
 * @throws ConfigError naming every variable that is wrong, e.g. `PORT must be a whole number
 *   from 0 to 65535 (got "eighty")`.
 */
export function parseConfig(env: Env): Config {
  const result = validate(environment, setVariables(env));
  if (!result.ok) throw new ConfigError(result.problems.map((p) => `${p.path} ${p.message}`));
  return result.value;
}
