/** PostgreSQL error codes the domain reacts to, found through driver wrappers. */
const UNIQUE_VIOLATION = '23505';

/** The violated unique constraint's name (or 'unique'), or null when the error is something else. */
export function uniqueViolation(err: unknown): string | null {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const { code, constraint_name, constraint } = e as { code?: string; constraint_name?: string; constraint?: string };
    if (code === UNIQUE_VIOLATION) return constraint_name ?? constraint ?? 'unique';
  }
  return null;
}

/** Errors of a database that cannot be reached right now (refused, reset, timed out, shutting down). */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  '57P01',
  '57P02',
  '57P03',
]);

/** Whether `err` (or an error it wraps) says the database is unreachable: SERVICE_UNAVAILABLE, not a bug. */
export function databaseUnavailable(err: unknown): boolean {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const { code } = e as { code?: unknown };
    if (typeof code === 'string' && (UNREACHABLE.has(code) || code.startsWith('08'))) return true;
    if (e instanceof AggregateError && e.errors.some(databaseUnavailable)) return true;
  }
  return false;
}
