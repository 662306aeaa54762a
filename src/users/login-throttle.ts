/**
 * Issue 15: brute-force protection for sign-in. Failures are counted per username (lower-cased,
 * whether or not the user exists, so an unknown name is answered exactly like a known one) and per
 * client address, in `login_attempts`, so every API process shares the counters.
 *
 * Each attempt is claimed before its password is checked, in one upsert: it counts as a failure
 * at once (a success then removes its counters), so concurrent guesses cannot slip past a lock.
 * With `max` failures allowed for a kind (LOGIN_MAX_FAILURES, LOGIN_ADDRESS_MAX_FAILURES):
 * - the first max/2 failures are free;
 * - from then on, each failure makes the next attempt wait 1 s, 2 s, 4 s, … (doubling);
 * - the max-th failure locks for the lockout period (LOGIN_LOCKOUT), and after a lockout every
 *   further failure locks again for the whole period;
 * - a counter is forgotten once it has been quiet for a lockout period after its last lock ended.
 * An attempt made while locked is not answered: TooManyAttemptsError with `retryAfter` seconds.
 */
import { and, eq, lte, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../platform/db/client.js';
import { loginAttempts, type LoginAttemptKind } from '../platform/db/schema.js';
import { TooManyAttemptsError } from '../platform/errors.js';
import type { Clock } from '../platform/clock.js';
import { checkThrottlePolicy, type LoginThrottlePolicy } from '../platform/auth/throttle-policy.js';

/** The wait after the first failure past the free ones; it doubles with each further failure. */
export const FIRST_DELAY_MS = 1000;

/** The longest key kept: usernames are at most 32 characters, addresses shorter still. */
const MAX_KEY_LENGTH = 64;

/** Every this many claims, this process removes counters that no longer count. */
const PRUNE_EVERY = 100;

export interface AttemptKey {
  kind: LoginAttemptKind;
  key: string;
}

/** The throttle keys of a sign-in: its username, and its client address when known. */
export function attemptKeys(username: string, clientAddress: string | undefined): AttemptKey[] {
  const keys: AttemptKey[] = [];
  if (clientAddress) keys.push({ kind: 'address', key: clientAddress.slice(0, MAX_KEY_LENGTH) });
  keys.push({ kind: 'username', key: username.trim().toLowerCase().slice(0, MAX_KEY_LENGTH) });
  return keys;
}

export class LoginThrottle {
  private claims = 0;

  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly policy: LoginThrottlePolicy,
  ) {
    checkThrottlePolicy(policy);
  }

  /** Counts an attempt against each key in turn; throws TooManyAttemptsError at the first that is locked. */
  async claim(keys: readonly AttemptKey[]): Promise<void> {
    const now = this.clock();
    if (++this.claims % PRUNE_EVERY === 0) await this.prune(now);
    for (const key of keys) {
      const retryAfter = await this.claimOne(key, now);
      if (retryAfter !== undefined) throw new TooManyAttemptsError(retryAfter);
    }
  }

  /** A successful sign-in: its counters start again from nothing. */
  async succeeded(keys: readonly AttemptKey[]): Promise<void> {
    for (const { kind, key } of keys) await this.database.db.delete(loginAttempts).where(and(eq(loginAttempts.kind, kind), eq(loginAttempts.key, key)));
  }

  /** Undefined when the attempt may go ahead (and now counts), else the whole seconds until one may. */
  private async claimOne({ kind, key }: AttemptKey, now: Date): Promise<number | undefined> {
    const at = sql`${now.toISOString()}::timestamptz`;
    const forgottenBefore = new Date(now.getTime() - this.policy.lockoutMs).toISOString();
    const failures = sql`case when coalesce(${loginAttempts.lockedUntil}, ${loginAttempts.lastFailedAt}) <= ${forgottenBefore}::timestamptz then 1 else ${loginAttempts.failures} + 1 end`;
    const claimed = await this.database.db
      .insert(loginAttempts)
      .values({ kind, key, failures: 1, lastFailedAt: now, lockedUntil: this.lockAfter(kind, sql`1`, at) })
      .onConflictDoUpdate({
        target: [loginAttempts.kind, loginAttempts.key],
        set: { failures, lastFailedAt: now, lockedUntil: this.lockAfter(kind, failures, at) },
        setWhere: sql`${loginAttempts.lockedUntil} is null or ${loginAttempts.lockedUntil} <= ${at}`,
      })
      .returning({ failures: loginAttempts.failures });
    if (claimed.length > 0) return undefined;
    const [row] = await this.database.db
      .select({ lockedUntil: loginAttempts.lockedUntil })
      .from(loginAttempts)
      .where(and(eq(loginAttempts.kind, kind), eq(loginAttempts.key, key)));
    return Math.max(1, Math.ceil(((row?.lockedUntil?.getTime() ?? 0) - now.getTime()) / 1000));
  }

  /** The end of the lock that `failures` failures earn (SQL), or null while they are free. */
  private lockAfter(kind: LoginAttemptKind, failures: SQL, at: SQL): SQL {
    const max = kind === 'username' ? this.policy.maxFailures : this.policy.addressMaxFailures;
    const free = Math.floor(max / 2);
    const { lockoutMs } = this.policy;
    // The exponent is capped: 2^40 s is past any lockout, and power() would overflow on a huge count.
    const delayMs = sql`least(${FIRST_DELAY_MS}::float8 * power(2, least(${failures} - ${free}, 40)), ${lockoutMs}::float8)`;
    return sql`case when ${failures} >= ${max} then ${at} + ${lockoutMs}::float8 * interval '1 millisecond'
      when ${failures} >= ${free} then ${at} + ${delayMs} * interval '1 millisecond' else null end`;
  }

  /** Counters quiet for two lockout periods count for nothing (their last lock ended one ago at the latest). */
  private async prune(now: Date): Promise<void> {
    await this.database.db.delete(loginAttempts).where(lte(loginAttempts.lastFailedAt, new Date(now.getTime() - 2 * this.policy.lockoutMs)));
  }
}
