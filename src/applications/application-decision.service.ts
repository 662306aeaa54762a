/**
 * Deciding applications (A2–A4): approve and reject step by step, or withdraw. A decision and the
 * customer event it causes commit in one transaction (A4).
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Database, Tx } from '../platform/db/client.js';
import { applicationDecisions, applications, customers, type ApplicationKind, type ApplicationRow } from '../platform/db/schema.js';
import type { Clock } from '../platform/clock.js';
import { NotFoundError } from '../platform/errors.js';
import { actorOf, SYSTEM_SWEEPER, type Actor } from '../workflow/actor.js';
import type { WorkflowEngine } from '../workflow/engine.js';
import type { WorkflowDefinition } from '../workflow/workflow.js';
import type { ApplicationContext, ApplicationFacts } from './application.machine.js';
import type { Viewer } from '../platform/auth/viewer.js';
import type { CustomerService } from '../customers/customer.service.js';
import type { ApplicationService } from './application.service.js';
import type { ApplicationChecklistService } from './application-checklist.service.js';

/** The kinds whose decision moves the customer (A4); a CREDIT application moves its contract (V5). */
export type CustomerApplicationKind = Exclude<ApplicationKind, 'CREDIT'>;

/** The customer event an approved application of each kind sends (A4). */
export const ON_APPROVE: Record<CustomerApplicationKind, string> = {
  PROTECTION: 'PROTECTION_APPROVED',
  INTENT: 'INTENT_APPROVED',
  EXTENSION: 'EXTENSION_APPROVED',
};

/** V5: what closing a CREDIT application does to its contract (the composition root gives ContractService.creditDecidedIn). */
export type CreditClosed = (tx: Tx, contractId: string, approved: boolean, reason: string | null, actor: Actor) => Promise<void>;

type DecisionEvent = { type: 'APPROVE' | 'REJECT'; note?: string | null; reason?: string };

/**
 * The customer event a closed application sends (A4): an approval's effect, a rejected (or
 * withdrawn) protection's rejection (P1), or else the release of the term it held (P2).
 */
/** The holders that are applications (ids); others, such as a customer's lock (`lock:<user>`, T4), are not ours to lapse. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function applicationHolders(holders: readonly string[]): string[] {
  return holders.filter((h) => UUID.test(h));
}

function customerEventOf(row: ApplicationRow & { kind: CustomerApplicationKind }, reason?: string | null): { type: string; [k: string]: unknown } {
  const via = { via: 'application', applicationId: row.id };
  if (row.state === 'approved') return { type: ON_APPROVE[row.kind], ...via, extension: row.extension };
  if (row.kind === 'PROTECTION') return { type: 'PROTECTION_REJECTED', ...via, reason: reason ?? null };
  return { type: 'APPLICATION_CLOSED', ...via, reason: reason ?? null };
}

/** Records decisions on applications and moves their customers (A2–A4). */
export class ApplicationDecisionService {
  constructor(
    private readonly database: Database,
    private readonly engine: WorkflowEngine,
    private readonly workflow: WorkflowDefinition<ApplicationRow, ApplicationFacts>,
    private readonly applications: ApplicationService,
    private readonly customers: CustomerService,
    private readonly clock: Clock,
    private readonly checklists: ApplicationChecklistService,
    /** V5: a CREDIT application closed (approved, or rejected/withdrawn with a reason): its contract moves, in the same transaction. */
    private readonly creditClosed: CreditClosed,
  ) {}

  /** A4/V5: what a closed application moves, in its transaction: its contract (CREDIT) or its customer. */
  private async closedIn(tx: Tx, row: ApplicationRow, reason: string | null, actor: Actor, onlyIfAccepted = false): Promise<void> {
    if (row.kind === 'CREDIT') {
      if (row.contractId) await this.creditClosed(tx, row.contractId, row.state === 'approved', reason, actor);
      return;
    }
    const event = customerEventOf({ ...row, kind: row.kind }, reason);
    if (onlyIfAccepted) {
      const [current] = await tx.select().from(customers).where(eq(customers.id, row.customerId));
      if (!current) throw new NotFoundError('Customer', row.customerId);
      if (!this.customers.accepts(this.customers.project(current), event, actor)) return;
    }
    await this.customers.applyIn(tx, row.customerId, event, actor);
  }

  private get db() {
    return this.database.db;
  }

  /** A2: approves the current step as its decider; the last approval moves the customer (A4). */
  async approve(viewer: Viewer, id: string, note?: string | null, expectedVersion?: number | null): Promise<ApplicationRow> {
    return this.decide(viewer, id, { type: 'APPROVE', note: note?.trim() || null }, expectedVersion);
  }

  /** A2/A3: rejects with a reason; a rejected PROTECTION application rejects the customer (P1). */
  async reject(viewer: Viewer, id: string, reason: string, expectedVersion?: number | null): Promise<ApplicationRow> {
    return this.decide(viewer, id, { type: 'REJECT', reason }, expectedVersion);
  }

  /**
   * A2: the applicant withdraws while pending. Withdrawing a PROTECTION application leaves the
   * customer unaudited, so the customer is treated as rejected (P1): the custodian may correct
   * and resubmit, or it goes to the pool after the release term. Otherwise a withdrawal would
   * keep a customer in custody forever without audit.
   */
  async withdraw(viewer: Viewer, id: string): Promise<ApplicationRow> {
    const now = this.clock();
    const actor = actorOf(viewer);
    const checklist = await this.checklists.freeze(await this.applications.get(id));
    return this.db.transaction(async (tx) => {
      await this.lockCustomerOf(tx, id);
      const { row } = await this.engine.applyIn(tx, this.workflow, id, { type: 'WITHDRAW' }, actor);
      const reason = row.kind === 'PROTECTION' || row.kind === 'CREDIT' ? 'Application withdrawn by the applicant' : null;
      await this.closedIn(tx, row, reason, actor, true);
      const [closed] = await tx.update(applications).set({ decidedAt: now, checklist }).where(eq(applications.id, id)).returning();
      return closed ?? row;
    });
  }

  /**
   * Locks the customer an application is about. Every path that moves both takes the customer
   * first (a customer's transition lapses its applications inside its own lock), so a decision
   * racing a customer's move waits instead of deadlocking.
   */
  private async lockCustomerOf(tx: Tx, id: string): Promise<ApplicationRow> {
    const application = await this.applications.get(id, tx);
    await tx.select({ id: customers.id }).from(customers).where(eq(customers.id, application.customerId)).for('update');
    return application;
  }

  /**
   * A4, P2: the customer left the state (or dropped the hold) these applications were made in,
   * in the transaction that moved it: those still pending close as lapsed, each with its history row.
   */
  async lapseReleased(tx: Tx, release: { from: string; to: string; holders: string[] }): Promise<void> {
    if (applicationHolders(release.holders).length === 0) return;
    const pending = await tx
      .select({ id: applications.id })
      .from(applications)
      .where(and(inArray(applications.id, applicationHolders(release.holders)), eq(applications.state, 'pending')))
      .orderBy(applications.id)
      .for('update');
    for (const { id } of pending) {
      const reason = `The customer moved from ${release.from} to ${release.to}: this application no longer applies`;
      await this.engine.applyIn(tx, this.workflow, id, { type: 'LAPSE', reason }, SYSTEM_SWEEPER, {
        payload: { customerFrom: release.from, customerTo: release.to },
      });
    }
  }

  /**
   * A2/A4: the decision and the customer event it causes commit together. A pending application's
   * customer always takes its decision: leaving the state it was made in lapses it (P2, `lapseReleased`),
   * and migration 0012 lapsed those left from before; a refusal here rolls the whole decision back.
   */
  private async decide(viewer: Viewer, id: string, event: DecisionEvent, expectedVersion?: number | null): Promise<ApplicationRow> {
    const actor = actorOf(viewer);
    // P8: the checklist as the decider saw it, stored when the decision closes the application.
    const checklist = await this.checklists.freeze(await this.applications.get(id));
    return this.db.transaction(async (tx) => {
      const before = await this.lockCustomerOf(tx, id);
      const step = (before.snapshot as { context?: ApplicationContext }).context?.step ?? 0;
      const { row } = await this.engine.applyIn(tx, this.workflow, id, event, actor, { expectedVersion });
      const now = this.clock();
      await tx.insert(applicationDecisions).values({
        applicationId: id,
        step,
        deciderId: viewer.id,
        decision: event.type === 'APPROVE' ? 'APPROVED' : 'REJECTED',
        note: event.type === 'APPROVE' ? (event.note ?? null) : (event.reason ?? null),
        createdAt: now,
      });
      if (row.state === 'pending') return row;
      // A4: the customer (V5: the contract) moves in the same transaction as the decision (P2: the hold ends).
      await this.closedIn(tx, row, event.reason ?? null, actor);
      const [closed] = await tx.update(applications).set({ decidedAt: now, checklist }).where(eq(applications.id, id)).returning();
      return closed ?? row;
    });
  }
}
