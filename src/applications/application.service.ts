/**
 * Applications and audit (A1–A5): protection, intent and extension applications, decided step
 * by step; the decision and the customer event it causes commit in one transaction (A4).
 */
import { and, asc, count, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Database, Tx } from '../platform/db/client.js';
import { uniqueViolation } from '../platform/db/errors.js';
import {
  applicationDecisions,
  applications,
  contacts,
  customers,
  type ApplicationDecisionRow,
  type ApplicationKind,
  type ApplicationRow,
  type CustomerRow,
} from '../platform/db/schema.js';
import type { Clock } from '../platform/clock.js';
import { DomainError, DuplicateError, FieldErrorCollector, ForbiddenError, IllegalTransitionError, NotFoundError } from '../platform/errors.js';
import { SYSTEM_SWEEPER } from '../workflow/actor.js';
import type { WorkflowEngine } from '../workflow/engine.js';
import type { WorkflowDefinition } from '../workflow/workflow.js';
import type { ApplicationContext, ApplicationFacts, ApprovalStepSpec } from './application.machine.js';
import { addWorkingDays } from '../workflow/policy/calendar.js';
import { durationToMs, isDuration } from '../workflow/policy/duration.js';
import type { Policy } from '../workflow/policy/policy.js';
import { hasRole, type Viewer } from '../platform/auth/viewer.js';
import type { CustomerService } from '../customers/customer.service.js';
import { actorOf } from '../workflow/actor.js';
import { deriveTradeName } from '../customers/rules/e1-trade-name.js';
import { decodeCursor, pageSize, toPage, type Page, type PageArgs } from '../platform/pagination.js';

export type ApplicationStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'WITHDRAWN' | 'LAPSED';

export interface ApplicationFilter {
  status?: ApplicationStatus | null;
  kind?: ApplicationKind | null;
  overdue?: boolean | null;
  customerId?: string | null;
  applicantId?: string | null;
}

export interface ChecklistItem {
  code: 'FULL_NAME' | 'ADDRESS' | 'CONTACT_NUMBER' | 'NOT_PROTECTED_ELSEWHERE';
  label: string;
  passed: boolean;
  detail: string | null;
}

export interface StepView {
  index: number;
  role: string;
  mode: 'ANY' | 'ALL';
  status: 'WAITING' | 'PENDING' | 'APPROVED' | 'REJECTED';
  decisions: ApplicationDecisionRow[];
}

/** The customer event an approved application of each kind sends (A4). */
const ON_APPROVE: Record<ApplicationKind, string> = {
  PROTECTION: 'PROTECTION_APPROVED',
  INTENT: 'INTENT_APPROVED',
  EXTENSION: 'EXTENSION_APPROVED',
};

export function statusOf(state: string): ApplicationStatus {
  return state.toUpperCase() as ApplicationStatus;
}

/** A reason must say something (A1): at least 5 characters besides white space. */
function checkReason(errors: FieldErrorCollector, reason: string | null | undefined, path = 'reason'): string {
  const text = (reason ?? '').trim();
  errors.check(text.replace(/\s/g, '').length >= 5, path, 'must explain the application (at least 5 characters)');
  return text;
}

export class ApplicationService {
  constructor(
    private readonly database: Database,
    private readonly engine: WorkflowEngine,
    readonly workflow: WorkflowDefinition<ApplicationRow, ApplicationFacts>,
    private readonly customers: CustomerService,
    private readonly clock: Clock,
    private readonly policy: () => Policy,
  ) {}

  private get db() {
    return this.database.db;
  }

  // ---------------------------------------------------------------- opening (A1)

  /** Opens an application inside the caller's transaction; steps come from the policy now. */
  async openIn(tx: Tx, kind: ApplicationKind, customer: CustomerRow, applicant: Viewer, reason: string, extension: string | null = null): Promise<ApplicationRow> {
    const [pending] = await tx
      .select({ id: applications.id })
      .from(applications)
      .where(and(eq(applications.customerId, customer.id), eq(applications.kind, kind), eq(applications.state, 'pending')));
    if (pending) throw new DuplicateError(`There is already a pending ${kind} application for this customer`, [{ id: pending.id, kind }]);
    const steps: ApprovalStepSpec[] = this.policy().application.steps[kind].map((s) => ({ role: s.role, mode: s.mode }));
    const start = this.engine.initial(this.workflow, { applicantId: applicant.id, steps });
    const now = this.clock();
    const [row] = await tx
      .insert(applications)
      .values({ customerId: customer.id, kind, applicantId: applicant.id, reason, extension, ...start.values, createdAt: now, updatedAt: now })
      .returning();
    if (!row) throw new Error('insert returned nothing');
    await start.record(tx, row.id, actorOf(applicant), reason);
    return row;
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

  private async applyFor(viewer: Viewer, customerId: string, kind: ApplicationKind, reason: string, extension: string | null): Promise<ApplicationRow> {
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
        const { row } = await this.customers.applyResubmit(tx, customerId, actorOf(viewer), expectedVersion);
        await this.openIn(tx, 'PROTECTION', row, viewer, `重新提交审核 Resubmitted after correction: ${row.name}`);
        return row;
      });
    } catch (err) {
      if (uniqueViolation(err)) throw new DuplicateError('A PROTECTION application for this customer is already pending', []);
      throw err;
    }
  }

  // ---------------------------------------------------------------- decisions (A2–A4)

  async approve(viewer: Viewer, id: string, note?: string | null, expectedVersion?: number | null): Promise<ApplicationRow> {
    return this.decide(viewer, id, { type: 'APPROVE', note: note?.trim() || null }, expectedVersion);
  }

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
    return this.db.transaction(async (tx) => {
      const { row } = await this.engine.applyIn(tx, this.workflow, id, { type: 'WITHDRAW' }, actor);
      if (row.kind === 'PROTECTION') {
        const [current] = await tx.select().from(customers).where(eq(customers.id, row.customerId)).for('update');
        if (!current) throw new NotFoundError('Customer', row.customerId);
        const customer = this.customers.project(current);
        const event = { type: 'PROTECTION_REJECTED', via: 'application', reason: 'Application withdrawn by the applicant', applicationId: id };
        if (this.customers.accepts(customer, event, actor)) await this.customers.applyIn(tx, row.customerId, event, actor);
      }
      const [closed] = await tx.update(applications).set({ decidedAt: now }).where(eq(applications.id, id)).returning();
      return closed ?? row;
    });
  }

  private async decide(viewer: Viewer, id: string, event: { type: 'APPROVE' | 'REJECT'; note?: string | null; reason?: string }, expectedVersion?: number | null): Promise<ApplicationRow> {
    const actor = actorOf(viewer);
    let customerRefusal: DomainError | null = null;
    try {
      return await this.db.transaction(async (tx) => {
        const before = await this.get(id, tx);
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
        if (row.state === 'rejected' && row.kind === 'PROTECTION') customerEvent = { type: 'PROTECTION_REJECTED', via: 'application', reason: event.reason, applicationId: id };
        if (customerEvent) {
          try {
            // A4: the customer moves in the same transaction as the decision.
            await this.customers.applyIn(tx, row.customerId, customerEvent, actor);
          } catch (err) {
            if (err instanceof DomainError) customerRefusal = err;
            throw err;
          }
        }
        if (row.state !== 'pending') {
          const [closed] = await tx.update(applications).set({ decidedAt: now }).where(eq(applications.id, id)).returning();
          return closed ?? row;
        }
        return row;
      });
    } catch (err) {
      if (customerRefusal && err === customerRefusal) {
        // The customer left the state this application was for: close it as lapsed (documented).
        await this.engine.apply(this.workflow, id, { type: 'LAPSE', reason: `The customer is no longer in a state this application applies to` }, SYSTEM_SWEEPER).catch(() => undefined);
        const refusal = customerRefusal as DomainError;
        throw new IllegalTransitionError(`The customer cannot take this decision any more (${refusal.message}); the application is closed as lapsed`, {
          state: String(refusal.details.state ?? ''),
          event: String(refusal.details.event ?? ''),
          allowedEvents: [],
          rule: 'A4',
          applicationLapsed: true,
        } as never);
      }
      throw err;
    }
  }

  // ---------------------------------------------------------------- reads (A3, A5)

  async get(id: string, executor: Database['db'] | Tx = this.db): Promise<ApplicationRow> {
    const [row] = await executor.select().from(applications).where(eq(applications.id, id));
    if (!row) throw new NotFoundError('Application', id);
    return row;
  }

  /** A3: applicants see their own; auditors and managers see all. */
  canSee(viewer: Viewer, row: ApplicationRow): boolean {
    return row.applicantId === viewer.id || hasRole(viewer, 'AUDITOR', 'MANAGER', 'ADMIN') || this.stepRoles(row).some((r) => hasRole(viewer, r as never));
  }

  requireSee(viewer: Viewer, row: ApplicationRow): void {
    if (!this.canSee(viewer, row)) throw new ForbiddenError('You can see only your own applications', { rule: 'A3' });
  }

  private stepRoles(row: ApplicationRow): string[] {
    return ((row.snapshot as { context?: ApplicationContext }).context?.steps ?? []).map((s) => s.role);
  }

  /** A5: the instant a pending application becomes overdue (created + SLA working days). */
  dueAt(row: ApplicationRow): Date {
    const p = this.policy();
    return addWorkingDays(row.createdAt, p.application.auditSla.workingDays, p.calendar);
  }

  isOverdue(row: ApplicationRow): boolean {
    return row.state === 'pending' && this.dueAt(row) <= this.clock();
  }

  async list(viewer: Viewer, filter: ApplicationFilter = {}, order: 'OLDEST_FIRST' | 'NEWEST_FIRST' = 'OLDEST_FIRST', args: PageArgs = {}): Promise<Page<ApplicationRow>> {
    const limit = pageSize(args.first);
    const where: (SQL | undefined)[] = [];
    if (!hasRole(viewer, 'AUDITOR', 'MANAGER', 'ADMIN')) where.push(eq(applications.applicantId, viewer.id));
    if (filter.status) where.push(eq(applications.state, filter.status.toLowerCase()));
    if (filter.kind) where.push(eq(applications.kind, filter.kind));
    if (filter.customerId) where.push(eq(applications.customerId, filter.customerId));
    if (filter.applicantId) where.push(eq(applications.applicantId, filter.applicantId));
    if (filter.overdue != null) {
      // Overdue is a working-day computation: bound it by the earliest possible due time in SQL,
      // then keep the exact answer in code.
      where.push(eq(applications.state, 'pending'));
    }
    const newest = order === 'NEWEST_FIRST';
    const condition = and(...where);
    if (args.after) {
      const [at, id] = decodeCursor(args.after, 2);
      where.push(newest ? sql`(${applications.createdAt}, ${applications.id}) < (cast(${String(at)} as timestamptz), cast(${String(id)} as uuid))` : sql`(${applications.createdAt}, ${applications.id}) > (cast(${String(at)} as timestamptz), cast(${String(id)} as uuid))`);
    }
    let rows = await this.db
      .select()
      .from(applications)
      .where(and(...where))
      .orderBy(newest ? desc(applications.createdAt) : asc(applications.createdAt), newest ? desc(applications.id) : asc(applications.id))
      .limit(filter.overdue != null ? 1000 : limit + 1);
    if (filter.overdue != null) rows = rows.filter((r) => this.isOverdue(r) === filter.overdue).slice(0, limit + 1);
    return toPage(rows, limit, (r) => [r.createdAt.toISOString(), r.id], async () => {
      if (filter.overdue != null) return (await this.db.select().from(applications).where(condition)).filter((r) => this.isOverdue(r) === filter.overdue).length;
      const [c] = await this.db.select({ n: count() }).from(applications).where(condition);
      return c?.n ?? 0;
    });
  }

  async byCustomerIds(ids: readonly string[]): Promise<ApplicationRow[][]> {
    const rows = await this.db.select().from(applications).where(inArray(applications.customerId, [...ids])).orderBy(desc(applications.createdAt));
    const map = new Map<string, ApplicationRow[]>();
    for (const r of rows) map.set(r.customerId, [...(map.get(r.customerId) ?? []), r]);
    return ids.map((id) => map.get(id) ?? []);
  }

  async decisionsByApplicationIds(ids: readonly string[]): Promise<ApplicationDecisionRow[][]> {
    const rows = await this.db.select().from(applicationDecisions).where(inArray(applicationDecisions.applicationId, [...ids])).orderBy(asc(applicationDecisions.createdAt));
    const map = new Map<string, ApplicationDecisionRow[]>();
    for (const r of rows) map.set(r.applicationId, [...(map.get(r.applicationId) ?? []), r]);
    return ids.map((id) => map.get(id) ?? []);
  }

  /** Each approval step with its decider role, decisions and status. */
  steps(row: ApplicationRow, decisions: ApplicationDecisionRow[]): StepView[] {
    const context = (row.snapshot as { context?: ApplicationContext }).context;
    const specs = context?.steps ?? [];
    const current = context?.step ?? 0;
    return specs.map((spec, index) => {
      const mine = decisions.filter((d) => d.step === index);
      let status: StepView['status'] = index < current ? 'APPROVED' : index === current ? 'PENDING' : 'WAITING';
      if (mine.some((d) => d.decision === 'REJECTED')) status = 'REJECTED';
      if (row.state === 'approved' && index <= current) status = 'APPROVED';
      if (row.state !== 'pending' && status === 'PENDING') status = row.state === 'approved' ? 'APPROVED' : 'WAITING';
      return { index, role: spec.role, mode: spec.mode, status, decisions: mine };
    });
  }

  /** P1: what the auditor checks on a protection application, computed now. */
  async checklist(row: ApplicationRow): Promise<ChecklistItem[]> {
    const customer = await this.customers.get(row.customerId);
    const people = await this.db.select().from(contacts).where(eq(contacts.customerId, customer.id));
    const key = deriveTradeName(customer.name);
    const others = await this.db
      .select({ id: customers.id, name: customers.name, state: customers.state })
      .from(customers)
      .where(and(sql`${customers.id} <> ${customer.id}`, sql`${customers.stage} <> 'POOL'`, sql`(${customers.tradeName} = ${key} or ${customers.phoneKey} = ${customer.phoneKey})`));
    const withNumber = people.filter((c) => c.mobile || c.landline);
    return [
      { code: 'FULL_NAME', label: '全称规范 Full registered name', passed: key.length >= 2 && key !== customer.name, detail: `trade name ${key}` },
      { code: 'ADDRESS', label: '详细地址 Detailed address', passed: customer.address.trim().length >= 6, detail: customer.address },
      { code: 'CONTACT_NUMBER', label: '联系人电话 A contact with a valid number', passed: withNumber.length > 0, detail: `${withNumber.length} of ${people.length} contacts` },
      {
        code: 'NOT_PROTECTED_ELSEWHERE',
        label: '无重复保护 Nobody else protects this company',
        passed: others.length === 0,
        detail: others.length ? others.map((o) => `${o.name} (${o.state})`).join('; ') : null,
      },
    ];
  }
}
