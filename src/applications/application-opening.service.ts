/**
 * Opening applications (A1): the PROTECTION application a new or resubmitted customer gets (P1),
 * and the INTENT (P4) and EXTENSION (P3) applications a custodian asks for.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Database, Tx } from '../platform/db/client.js';
import { uniqueViolation } from '../platform/db/errors.js';
import { applications, customers, type ApplicationKind, type ApplicationRow, type ContractRow, type CustomerRow } from '../platform/db/schema.js';
import type { Clock } from '../platform/clock.js';
import { DuplicateError, FieldErrorCollector, ForbiddenError, IllegalTransitionError, NotFoundError } from '../platform/errors.js';
import { actorOf, SYSTEM_SWEEPER } from '../workflow/actor.js';
import type { WorkflowEngine } from '../workflow/engine.js';
import type { WorkflowDefinition } from '../workflow/workflow.js';
import type { ApplicationFacts, ApprovalStepSpec } from './application.machine.js';
import { durationToMs, isDuration } from '../workflow/policy/duration.js';
import type { Policy } from '../workflow/policy/policy.js';
import type { Viewer } from '../platform/auth/viewer.js';
import type { CustomerService } from '../customers/customer.service.js';
import { ON_APPROVE } from './application-decision.service.js';
import { hasReason } from '../workflow/reason.js';

/** A reason must say something (A1): at least 5 characters besides white space. */
function checkReason(errors: FieldErrorCollector, reason: string | null | undefined, path = 'reason'): string {
  const text = (reason ?? '').trim();
  errors.check(hasReason({ reason: text }, 5), path, 'must explain the application (at least 5 characters)');
  return text;
}

/** Opens applications: at most one pending per kind and customer (A1), steps from the policy. */
export class ApplicationOpeningService {
  constructor(
    private readonly database: Database,
    private readonly engine: WorkflowEngine,
    private readonly workflow: WorkflowDefinition<ApplicationRow, ApplicationFacts>,
    private readonly customers: CustomerService,
    private readonly clock: Clock,
    private readonly policy: () => Policy,
  ) {}

  private get db() {
    return this.database.db;
  }

  /**
   * Opens an application inside the caller's transaction; steps come from the policy now. P2: it
   * holds the customer's term; `heldAs` is its id when the customer's own event already took the
   * hold (entry and resubmission go to audit held by their PROTECTION application).
   */
  async openIn(
    tx: Tx,
    kind: ApplicationKind,
    customer: CustomerRow,
    applicant: Viewer,
    reason: string,
    extension: string | null = null,
    heldAs?: string,
  ): Promise<ApplicationRow> {
    const row = await this.insertIn(tx, kind, customer.id, applicant, reason, { extension, id: heldAs });
    if (!heldAs)
      await this.customers.applyIn(tx, customer.id, { type: 'APPLICATION_OPENED', via: 'application', applicationId: row.id, kind }, actorOf(applicant));
    return row;
  }

  /** A1: the application row (at most one pending per kind and customer), steps from the policy now, and its CREATE history row. */
  private async insertIn(
    tx: Tx,
    kind: ApplicationKind,
    customerId: string,
    applicant: Viewer,
    reason: string,
    extra: { extension?: string | null; id?: string; contractId?: string },
  ): Promise<ApplicationRow> {
    const [pending] = await tx
      .select({ id: applications.id })
      .from(applications)
      .where(and(eq(applications.customerId, customerId), eq(applications.kind, kind), eq(applications.state, 'pending')));
    if (pending) throw new DuplicateError(`There is already a pending ${kind} application for this customer`, [{ id: pending.id, kind }]);
    const steps: ApprovalStepSpec[] = this.policy().application.steps[kind].map((s) => ({ role: s.role, mode: s.mode }));
    const start = this.engine.initial(this.workflow, { applicantId: applicant.id, steps });
    const now = this.clock();
    const [row] = await tx
      .insert(applications)
      .values({
        ...(extra.id && { id: extra.id }),
        customerId,
        kind,
        applicantId: applicant.id,
        reason,
        extension: extra.extension ?? null,
        contractId: extra.contractId ?? null,
        ...start.values,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!row) throw new Error('insert returned nothing');
    await start.record(tx, row.id, actorOf(applicant), reason);
    return row;
  }

  /**
   * V5: the CREDIT application of a contract whose confirmation would take its customer over the
   * credit limit (`reason` says by how much). It holds nothing on the customer (its terms run on).
   */
  async openCreditIn(tx: Tx, contract: ContractRow, applicant: Viewer, reason: string): Promise<ApplicationRow> {
    return this.insertIn(tx, 'CREDIT', contract.customerId, applicant, reason, { contractId: contract.id });
  }

  /**
   * T8: the PROTECTION applications (or other `kind`) of customers entered in this transaction
   * `tx`, by one applicant, each with its id (`heldAs`: the customer's entry took the hold, P2);
   * one statement for the rows and one for their history. New customers have no pending
   * application, so the check of openIn has nothing to find.
   */
  async openManyIn(
    tx: Tx,
    kind: ApplicationKind,
    applicant: Viewer,
    opened: readonly { customer: CustomerRow; reason: string; heldAs: string }[],
  ): Promise<void> {
    if (opened.length === 0) return;
    const steps: ApprovalStepSpec[] = this.policy().application.steps[kind].map((s) => ({ role: s.role, mode: s.mode }));
    const start = this.engine.initial(this.workflow, { applicantId: applicant.id, steps });
    const now = this.clock();
    const rows = opened.map(({ customer, reason, heldAs }) => ({
      id: heldAs,
      customerId: customer.id,
      kind,
      applicantId: applicant.id,
      reason,
      extension: null,
      ...start.values,
      createdAt: now,
      updatedAt: now,
    }));
    await tx.insert(applications).values(rows);
    await start.record(
      tx,
      opened.map((o) => o.heldAs),
      actorOf(applicant),
      opened.map((o) => o.reason),
    );
  }

  /** P4: the custodian of a protected prospect asks to convert it to an intent customer. */
  async applyForIntent(viewer: Viewer, customerId: string, reason: string): Promise<ApplicationRow> {
    return this.applyFor(viewer, customerId, 'INTENT', reason, null);
  }

  /** P3: the custodian asks for a longer term; `days` defaults to the policy and is capped by it. */
  async applyForExtension(viewer: Viewer, customerId: string, reason: string, days?: number | null): Promise<ApplicationRow> {
    const p = this.policy().customer;
    const errors = new FieldErrorCollector();
    let extension = p.extensionTerm;
    if (days !== undefined && days !== null) {
      errors.check(Number.isInteger(days) && days > 0, 'days', 'must be a whole number of days above 0');
      extension = `P${days}D`;
      if (isDuration(extension)) {
        errors.check(durationToMs(extension) <= durationToMs(p.maxExtensionTerm), 'days', `must be at most ${p.maxExtensionTerm} (policy)`);
      }
    }
    errors.throwIfAny();
    return this.applyFor(viewer, customerId, 'EXTENSION', reason, extension);
  }

  private async applyFor(viewer: Viewer, customerId: string, kind: 'INTENT' | 'EXTENSION', reason: string, extension: string | null): Promise<ApplicationRow> {
    const errors = new FieldErrorCollector();
    const text = checkReason(errors, reason);
    errors.throwIfAny();
    try {
      return await this.db.transaction(async (tx) => {
        const [locked] = await tx.select().from(customers).where(eq(customers.id, customerId)).for('update');
        if (!locked) throw new NotFoundError('Customer', customerId);
        const customer = this.customers.project(locked);
        if (customer.custodianId !== viewer.id) throw new ForbiddenError('Only the custodian applies for this customer', { rule: 'P8' });
        const event = { type: ON_APPROVE[kind], via: 'application', extension };
        if (!this.customers.accepts(customer, event, SYSTEM_SWEEPER)) {
          throw new IllegalTransitionError(`No ${kind} application is possible while the customer is ${customer.state}`, {
            state: customer.state,
            event: ON_APPROVE[kind],
            allowedEvents: [],
            rule: kind === 'INTENT' ? 'P4' : 'P3',
          });
        }
        return this.openIn(tx, kind, customer, viewer, text, extension);
      });
    } catch (err) {
      if (uniqueViolation(err)) throw new DuplicateError(`There is already a pending ${kind} application for this customer`, []);
      throw err;
    }
  }

  /** P1: the custodian corrected a rejected customer and sends it back to audit. */
  async resubmit(viewer: Viewer, customerId: string, expectedVersion?: number | null): Promise<CustomerRow> {
    try {
      return await this.db.transaction(async (tx) => {
        const applicationId = randomUUID();
        const { row } = await this.customers.applyResubmit(tx, customerId, actorOf(viewer), expectedVersion, applicationId);
        await this.openIn(tx, 'PROTECTION', row, viewer, `重新提交审核 Resubmitted after correction: ${row.name}`, null, applicationId);
        return row;
      });
    } catch (err) {
      if (uniqueViolation(err)) throw new DuplicateError('A PROTECTION application for this customer is already pending', []);
      throw err;
    }
  }
}
