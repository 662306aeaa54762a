/** Issue 15: the settings of sign-in throttling (src/users/login-throttle.ts), with their bounds. */

export interface LoginThrottlePolicy {
  /** Failures per username before sign-in for it is locked; the delays start at half of it. */
  maxFailures: number;
  /** Failures per client address before sign-in from it is locked; the delays start at half of it. */
  addressMaxFailures: number;
  /** How long a lock lasts, in ms; also how long a counter must be quiet after it to be forgotten. */
  lockoutMs: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottlePolicy = { maxFailures: 10, addressMaxFailures: 100, lockoutMs: 15 * 60_000 };

/** Inclusive bounds of each setting (the environment variables use the same). */
export const LOGIN_THROTTLE_BOUNDS: Record<keyof LoginThrottlePolicy, readonly [number, number]> = {
  maxFailures: [2, 100],
  addressMaxFailures: [2, 10_000],
  lockoutMs: [60_000, 86_400_000],
};

/** The policy, or an Error naming the first setting out of its bounds. */
export function checkThrottlePolicy(policy: LoginThrottlePolicy): LoginThrottlePolicy {
  for (const [name, [min, max]] of Object.entries(LOGIN_THROTTLE_BOUNDS)) {
    const value = policy[name as keyof LoginThrottlePolicy];
    if (!Number.isSafeInteger(value) || value < min || value > max) throw new Error(`login throttle: ${name} must be a whole number from ${min} to ${max}`);
  }
  return policy;
}
