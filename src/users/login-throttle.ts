/**
 * Issue 15: brute-force protection for sign-in. Failures are counted per username (lower-cased,
 * whether or not the user exists, so an unknown name is answered exactly like a known one) and per
 * client address, in `login_attempts`, so every API process shares the counters.
 *
 * An attempt is first checked against the locks (no password is hashed while locked). A failure
 * is then counted in one upsert that also refuses to count it when a lock was set meanwhile (by
 * concurrent guesses): that attempt is answered TOO_MANY_ATTEMPTS, so of a burst of concurrent
 * guesses only the free ones get an answer that tells anything. A success removes its counters,
 * unless a lock was set meanwhile. Concurrent sign-ins with the right password all succeed.
 * With `max` failures allowed for a kind (LOGIN_MAX_FAILURES, LOGIN_ADDRESS_MAX_FAILURES):
 * - the first max/2 failures are free;
 * - from then on, each failure makes the next attempt wait 1 s, 2 s, 4 s, … (doubling);
 * - the max-th failure locks for the lockout period (LOGIN_LOCKOUT), and after a lockout every
 *   further failure locks again for the whole period;
 * - a counter is forgotten once it has been quiet for a lockout period after its last lock ended.
 * An attempt made while locked is not answered: TooManyAttemptsError with `retryAfter` seconds.
 */
import { and, eq, gt, lte, or, sql, type SQL } from 'drizzle-orm';
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

/** Whole seconds from `now` to `until` (ms), at least 1. */
function secondsUntil(until: number, now: Date): number {
  return Math.max(1, Math.ceil((until - now.getTime()) / 1000));
}

export class LoginThrottle {
  private checks = 0;

  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly policy: LoginThrottlePolicy,
  ) {
    checkThrottlePolicy(policy);
  }

  /** Before the password is checked: TooManyAttemptsError while any of the keys is locked. */
  async check(keys: readonly AttemptKey[]): Promise<void> {
    const now = this.clock();
    if (++this.checks % PRUNE_EVERY === 0) await this.prune(now);
    const locks = await this.database.db
      .select({ lockedUntil: loginAttempts.lockedUntil })
      .from(loginAttempts)
      .where(and(or(...keys.map(({ kind, key }) => and(eq(loginAttempts.kind, kind), eq(loginAttempts.key, key)))), gt(loginAttempts.lockedUntil, now)));
    const until = Math.max(0, ...locks.map((l) => l.lockedUntil?.getTime() ?? 0));
    if (until > now.getTime()) throw new TooManyAttemptsError(secondsUntil(until, now));
  }

  /** A wrong password (or an unknown or inactive user): counts against every key; TooManyAttemptsError when one was locked meanwhile. */
  async failed(keys: readonly AttemptKey[]): Promise<void> {
    const now = this.clock();
    let retryAfter = 0;
    for (const key of keys) retryAfter = Math.max(retryAfter, (await this.countFailure(key, now)) ?? 0);
    if (retryAfter > 0) throw new TooManyAttemptsError(retryAfter);
  }

  /** The right password: its counters start again from nothing, unless one was locked meanwhile (TooManyAttemptsError). */
  async succeeded(keys: readonly AttemptKey[]): Promise<void> {
    await this.check(keys);
    for (const { kind, key } of keys) await this.database.db.delete(loginAttempts).where(and(eq(loginAttempts.kind, kind), eq(loginAttempts.key, key)));
  }

  /** Undefined when the failure counted, else (locked meanwhile: not counted) the whole seconds until an attempt may be made. */
  private async countFailure({ kind, key }: AttemptKey, now: Date): Promise<number | undefined> {
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
    return secondsUntil(row?.lockedUntil?.getTime() ?? 0, now);
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
