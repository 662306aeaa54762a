/**
 * T4: locking a customer against timed return, and reading its lock. The rules (who may lock,
 * the per-person cap, what a lock does to the term) are in `rules/t4-locks.ts`; this sends the
 * machine's LOCK and UNLOCK events and shows the lock to those who may see the customer's details.
 */
import type { Viewer } from '../platform/auth/viewer.js';
import type { CustomerRow } from '../platform/db/schema.js';
import { actorOf } from '../workflow/actor.js';
import type { WorkflowEngine } from '../workflow/engine.js';
import type { WorkflowDefinition } from '../workflow/workflow.js';
import type { CustomerContext, CustomerFacts } from './customer.machine.js';
import { lockOf } from './rules/t4-locks.js';

/** A customer's lock as the API shows it. */
export interface CustomerLockView {
  byId: string;
  reason: string | null;
  at: Date;
}

export class CustomerLockService {
  constructor(
    private readonly engine: WorkflowEngine,
    private readonly workflow: WorkflowDefinition<CustomerRow, CustomerFacts>,
    /** The customer as it is now, and P8's detail check. */
    private readonly customers: { project(row: CustomerRow): CustomerRow; requireDetails(viewer: Viewer, row: CustomerRow): void },
  ) {}

  /** T4: locks a protected or intent customer (reason required); its term is held until it is unlocked. */
  async lock(viewer: Viewer, id: string, reason: string, expectedVersion?: number | null): Promise<CustomerRow> {
    return (await this.engine.apply(this.workflow, id, { type: 'LOCK', reason }, actorOf(viewer), { expectedVersion })).row;
  }

  /** T4: unlocks it; the term runs again with at least the policy's grace left (P2). */
  async unlock(viewer: Viewer, id: string, reason?: string | null, expectedVersion?: number | null): Promise<CustomerRow> {
    return (await this.engine.apply(this.workflow, id, { type: 'UNLOCK', reason: reason ?? null }, actorOf(viewer), { expectedVersion })).row;
  }

  /** The lock holding the customer now, if any (P8: details only). */
  lockOf(viewer: Viewer, row: CustomerRow): CustomerLockView | null {
    this.customers.requireDetails(viewer, row);
    const snapshot = this.customers.project(row).snapshot as { context?: CustomerContext };
    const lock = snapshot.context ? lockOf(snapshot.context) : null;
    return lock ? { byId: lock.by, reason: lock.reason, at: new Date(lock.at) } : null;
  }
}
