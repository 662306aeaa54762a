/**
 * Deciding applications (A2–A4): approve and reject step by step, or withdraw. A decision and the
 * customer event it causes commit in one transaction (A4).
 */
import { eq } from 'drizzle-orm';
import type { Database } from '../platform/db/client.js';
import { applicationDecisions, applications, customers, type ApplicationKind, type ApplicationRow } from '../platform/db/schema.js';
import type { Clock } from '../platform/clock.js';
import { DomainError, IllegalTransitionError, NotFoundError } from '../platform/errors.js';
import { actorOf, SYSTEM_SWEEPER } from '../workflow/actor.js';
import type { WorkflowEngine } from '../workflow/engine.js';
import type { WorkflowDefinition } from '../workflow/workflow.js';
import type { ApplicationContext, ApplicationFacts } from './application.machine.js';
import type { Viewer } from '../platform/auth/viewer.js';
import type { CustomerService } from '../customers/customer.service.js';
import type { ApplicationService } from './application.service.js';
import type { ApplicationChecklistService } from './application-checklist.service.js';

/** The customer event an approved application of each kind sends (A4). */
export const ON_APPROVE: Record<ApplicationKind, string> = {
  PROTECTION: 'PROTECTION_APPROVED',
  INTENT: 'INTENT_APPROVED',
  EXTENSION: 'EXTENSION_APPROVED',
};

type DecisionEvent = { type: 'APPROVE' | 'REJECT'; note?: string | null; reason?: string };

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
  ) {}

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
      const { row } = await this.engine.applyIn(tx, this.workflow, id, { type: 'WITHDRAW' }, actor);
      if (row.kind === 'PROTECTION') {
        const [current] = await tx.select().from(customers).where(eq(customers.id, row.customerId)).for('update');
        if (!current) throw new NotFoundError('Customer', row.customerId);
        const customer = this.customers.project(current);
        const event = { type: 'PROTECTION_REJECTED', via: 'application', reason: 'Application withdrawn by the applicant', applicationId: id };
        if (this.customers.accepts(customer, event, actor)) await this.customers.applyIn(tx, row.customerId, event, actor);
      }
      const [closed] = await tx.update(applications).set({ decidedAt: now, checklist }).where(eq(applications.id, id)).returning();
      return closed ?? row;
    });
  }

  private async decide(viewer: Viewer, id: string, event: DecisionEvent, expectedVersion?: number | null): Promise<ApplicationRow> {
    const actor = actorOf(viewer);
    const customerRefusal: { error: DomainError | null } = { error: null };
    // P8: the checklist as the decider saw it, stored when the decision closes the application.
    const checklist = await this.checklists.freeze(await this.applications.get(id));
    try {
      return await this.db.transaction(async (tx) => {
        const before = await this.applications.get(id, tx);
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
        let customerEvent: { type: string; [k: string]: unknown } | null = null;
        if (row.state === 'approved') customerEvent = { type: ON_APPROVE[row.kind], via: 'application', extension: row.extension, applicationId: id };
        if (row.state === 'rejected' && row.kind === 'PROTECTION')
          customerEvent = { type: 'PROTECTION_REJECTED', via: 'application', reason: event.reason, applicationId: id };
        if (customerEvent) {
          try {
            // A4: the customer moves in the same transaction as the decision.
            await this.customers.applyIn(tx, row.customerId, customerEvent, actor);
          } catch (err) {
            if (err instanceof DomainError) customerRefusal.error = err;
            throw err;
          }
        }
        if (row.state !== 'pending') {
          const [closed] = await tx.update(applications).set({ decidedAt: now, checklist }).where(eq(applications.id, id)).returning();
          return closed ?? row;
        }
        return row;
      });
    } catch (err) {
      if (customerRefusal.error && err === customerRefusal.error) throw await this.lapse(id, customerRefusal.error);
      throw err;
    }
  }

  /** A4: the customer left the state this application was for: close it as lapsed (documented). */
  private async lapse(id: string, refusal: DomainError): Promise<IllegalTransitionError> {
    await this.engine
      .apply(this.workflow, id, { type: 'LAPSE', reason: `The customer is no longer in a state this application applies to` }, SYSTEM_SWEEPER)
      .catch(() => undefined);
    const details = {
      state: String(refusal.details.state ?? ''),
      event: String(refusal.details.event ?? ''),
      allowedEvents: [],
      rule: 'A4',
      applicationLapsed: true,
    };
    return new IllegalTransitionError(`The customer cannot take this decision any more (${refusal.message}); the application is closed as lapsed`, details);
  }
}
