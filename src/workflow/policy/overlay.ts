/**
 * T2/P11: the policy in force for one instance. The global policy, unless its workflow overlays
 * it per instance (a customer's pool overrides terms, cool-downs and caps: pool → global). The
 * overlay is asked with the row as read; it must be cheap and synchronous (a cache lookup).
 */
import type { WorkflowRow } from '../table.js';
import type { Policy } from './policy.js';

/** The policy for this row, given the global one (return `policy` itself when nothing is overridden). */
export type PolicyOverlay = (policy: Policy, row: WorkflowRow) => Policy;

export class PolicyInForce {
  private readonly overlays = new Map<string, PolicyOverlay>();

  constructor(readonly global: () => Policy) {}

  /** Sets a workflow's overlay (one per workflow). */
  overlay(def: { name: string }, overlay: PolicyOverlay): void {
    this.overlays.set(def.name, overlay);
  }

  /** The policy in force for `row` of `def` (the global one without a row or an overlay). */
  for(def: { name: string }, row?: WorkflowRow): Policy {
    const global = this.global();
    const overlay = row && this.overlays.get(def.name);
    return overlay ? overlay(global, row) : global;
  }

  /** Runs `each` once per policy in force among `rows` (usually once: pools rarely override) and merges the answers by id. */
  async grouped<TRow extends WorkflowRow, T>(
    def: { name: string },
    rows: readonly TRow[],
    each: (policy: Policy, rows: TRow[]) => Promise<Map<string, T>>,
  ): Promise<Map<string, T>> {
    const byPolicy = new Map<Policy, TRow[]>();
    for (const r of rows) {
      const policy = this.for(def, r);
      byPolicy.set(policy, [...(byPolicy.get(policy) ?? []), r]);
    }
    const merged = new Map<string, T>();
    for (const [policy, group] of byPolicy) for (const [id, value] of await each(policy, group)) merged.set(id, value);
    return merged;
  }
}
