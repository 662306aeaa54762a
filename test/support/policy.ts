import { DEFAULT_POLICY, mergePolicy, type Policy } from '../../src/workflow/policy/policy.js';

/** The default policy with some values changed (throws on an invalid change). */
export function policyWith(changes: Record<string, unknown>): Policy {
  const result = mergePolicy(DEFAULT_POLICY, changes);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.policy;
}
