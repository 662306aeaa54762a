/**
 * The one place that reads the environment. Parsed once at start; every problem is reported
 * at once with the variable's name.
 */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

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
  maxQueryDepth: number;
  maxQueryCost: number;
  maxBodyBytes: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export function parseConfig(env: Env): Config {
  const problems: string[] = [];
  const str = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return Number(raw);
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = str(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  };

  const databaseUrl = str('DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must start with postgres:// or postgresql://');
  }
  const jwtSecret = str('JWT_SECRET');
  if (jwtSecret !== undefined && jwtSecret.length < 32) {
    problems.push('JWT_SECRET must be at least 32 characters long');
  }
  if (databaseUrl !== undefined && jwtSecret === undefined) {
    problems.push(
      'JWT_SECRET is required with DATABASE_URL (tokens must verify on every instance); ' +
        'generate one with: node -e "console.log(require(\'crypto\').randomBytes(32).toString(\'hex\'))"',
    );
  }
  const logLevel = (str('LOG_LEVEL') ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);
  }
  const sweepSeconds = int('SWEEP_INTERVAL', 30, 0, 86_400);

  const config: Config = {
    port: int('PORT', 4000, 0, 65_535),
    host: str('HOST') ?? '0.0.0.0',
    databaseUrl,
    dataDir: str('DATA_DIR') ?? './data',
    jwtSecret,
    jwtTtlSeconds: int('JWT_TTL', 8 * 3600, 60, 90 * 86_400),
    logLevel,
    seedDemo: bool('SEED_DEMO', databaseUrl === undefined),
    policyFile: str('POLICY_FILE'),
    sweepIntervalMs: sweepSeconds * 1000,
    maxQueryDepth: int('MAX_QUERY_DEPTH', 10, 2, 100),
    maxQueryCost: int('MAX_QUERY_COST', 10_000, 10, 10_000_000),
    maxBodyBytes: int('MAX_BODY_BYTES', 1_048_576, 1_024, 100 * 1_048_576),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
