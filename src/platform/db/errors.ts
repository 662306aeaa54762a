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
