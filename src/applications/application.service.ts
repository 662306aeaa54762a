/**
 * Applications and audit (A1–A5), the read side: one application, the audit queue with A5's
 * overdue computation, who may see what (A3) and the approval steps. Opening and applying live in
 * application-opening.service.ts, decisions in application-decision.service.ts and the P1
 * checklist in application-checklist.service.ts.
 */
import { anyUuid } from '../platform/db/sql.js';
import { groupedBy } from '../platform/grouped.js';
import { and, asc, count, desc, eq, gte, inArray, lt, type SQL } from 'drizzle-orm';
import type { Database, Tx } from '../platform/db/client.js';
import {
  applicationDecisions,
  applications,
  type ApplicationDecisionRow,
  type ApplicationKind,
  type ApplicationRow,
  type Role,
} from '../platform/db/schema.js';
import type { Clock } from '../platform/clock.js';
import { ForbiddenError, NotFoundError } from '../platform/errors.js';
import type { ApplicationContext } from './application.machine.js';
import { auditDueAt, isAuditOverdue, overdueMadeBefore } from './rules/a5-audit-sla.js';
import type { Policy } from '../workflow/policy/policy.js';
import { hasRole, type Viewer } from '../platform/auth/viewer.js';
import { keyset, pageSize, toPage, type OrderKey, type Page, type PageArgs } from '../platform/pagination.js';

/** An application's status as clients see it: its machine state, upper-cased. */
export type ApplicationStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'WITHDRAWN' | 'LAPSED';

/** What the audit queue can be narrowed by (every field optional). */
export interface ApplicationFilter {
  status?: ApplicationStatus | null;
  kind?: ApplicationKind | null;
  overdue?: boolean | null;
  customerId?: string | null;
  applicantId?: string | null;
}

/** One approval step of an application, with its decisions so far. */
export interface StepView {
  index: number;
  role: string;
  mode: 'ANY' | 'ALL';
  status: 'WAITING' | 'PENDING' | 'APPROVED' | 'REJECTED';
  decisions: ApplicationDecisionRow[];
}

/** The client-facing status of an application machine state. */
export function statusOf(state: string): ApplicationStatus {
  return state.toUpperCase() as ApplicationStatus;
}

/** The queue's order: when made, then id (a total order for keyset paging). */
const BY_MADE: OrderKey<ApplicationRow>[] = [
  { expr: applications.createdAt, value: (r) => r.createdAt },
  { expr: applications.id, value: (r) => r.id },
];

/** Reads applications: single rows, the queue, batches for the loaders, steps and A5 deadlines. */
export class ApplicationService {
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly policy: () => Policy,
  ) {}

  private get db() {
    return this.database.db;
  }

  /** One application by id, inside a transaction when given one; NOT_FOUND otherwise. */
  async get(id: string, executor: Database['db'] | Tx = this.db): Promise<ApplicationRow> {
    const [row] = await executor.select().from(applications).where(eq(applications.id, id));
    if (!row) throw new NotFoundError('Application', id);
    return row;
  }

  /** A3: applicants see their own; auditors and managers see all (T1: a department manager, their subtree's applicants'). */
  canSee(viewer: Viewer, row: ApplicationRow): boolean {
    if (row.applicantId === viewer.id) return true;
    if (viewer.reach && !viewer.reach.has(row.applicantId)) return false;
    return hasRole(viewer, 'AUDITOR', 'MANAGER', 'ADMIN') || this.stepRoles(row).some((r) => hasRole(viewer, r));
  }

  /** A3: throws FORBIDDEN unless the viewer may see the application. */
  requireSee(viewer: Viewer, row: ApplicationRow): void {
    if (!this.canSee(viewer, row)) throw new ForbiddenError('You can see only your own applications', { rule: 'A3' });
  }

  private stepRoles(row: ApplicationRow): Role[] {
    return ((row.snapshot as { context?: ApplicationContext }).context?.steps ?? []).map((s) => s.role);
  }

  /** A5: the instant a pending application becomes overdue (created + SLA working days). */
  dueAt(row: ApplicationRow): Date {
    return auditDueAt(row, this.policy());
  }

  /** A5: pending and past its due instant. */
  isOverdue(row: ApplicationRow): boolean {
    return isAuditOverdue(row, this.policy(), this.clock());
  }

  /** The audit queue: a page of the applications this viewer may see (A3), filtered and ordered. */
  async list(
    viewer: Viewer,
    filter: ApplicationFilter = {},
    order: 'OLDEST_FIRST' | 'NEWEST_FIRST' = 'OLDEST_FIRST',
    args: PageArgs = {},
  ): Promise<Page<ApplicationRow>> {
    const limit = pageSize(args.first);
    const where: (SQL | undefined)[] = [];
    if (!hasRole(viewer, 'AUDITOR', 'MANAGER', 'ADMIN')) where.push(eq(applications.applicantId, viewer.id));
    else if (viewer.reach) where.push(anyUuid(applications.applicantId, [...viewer.reach]));
    if (filter.status) where.push(eq(applications.state, filter.status.toLowerCase()));
    if (filter.kind) where.push(eq(applications.kind, filter.kind));
    if (filter.customerId) where.push(eq(applications.customerId, filter.customerId));
    if (filter.applicantId) where.push(eq(applications.applicantId, filter.applicantId));
    if (filter.overdue != null) {
      // A5 in SQL: overdue exactly when pending and made before the instant whose due time is now.
      const bound = overdueMadeBefore(this.policy(), this.clock());
      where.push(eq(applications.state, 'pending'), filter.overdue ? lt(applications.createdAt, bound) : gte(applications.createdAt, bound));
    }
    const condition = and(...where);
    const keys = keyset(BY_MADE, order === 'NEWEST_FIRST');
    where.push(keys.after(args.after));
    const rows = await this.db
      .select()
      .from(applications)
      .where(and(...where))
      .orderBy(...keys.orderBy)
      .limit(limit + 1);
    return toPage(rows, limit, keys.cursor, async () => {
      const [c] = await this.db.select({ n: count() }).from(applications).where(condition);
      return c?.n ?? 0;
    });
  }

  /** The applications of each customer, newest first (a loader batch). */
  async byCustomerIds(ids: readonly string[]): Promise<ApplicationRow[][]> {
    const rows = await this.db
      .select()
      .from(applications)
      .where(inArray(applications.customerId, [...ids]))
      .orderBy(desc(applications.createdAt));
    return groupedBy(ids, rows, (r) => r.customerId);
  }

  /** The decisions on each application, oldest first (a loader batch). */
  async decisionsByApplicationIds(ids: readonly string[]): Promise<ApplicationDecisionRow[][]> {
    const rows = await this.db
      .select()
      .from(applicationDecisions)
      .where(inArray(applicationDecisions.applicationId, [...ids]))
      .orderBy(asc(applicationDecisions.createdAt));
    return groupedBy(ids, rows, (r) => r.applicationId);
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
}
