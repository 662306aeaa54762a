/**
 * V4: complaints. Anyone who sees a customer's details (P8) logs a complaint about it, for an
 * AFTER_SALES handler (the given one, else the customer's after-sales custodian, else the
 * after-sales user with the fewest unresolved complaints); the machine does the rest. Reads
 * follow P8 as contracts do: complaints are customer details.
 */
import { and, count, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../platform/db/client.js';
import {
  complaints,
  customers,
  users,
  type ComplaintCategory,
  type ComplaintChannel,
  type ComplaintRow,
  type ComplaintSeverity,
} from '../platform/db/schema.js';
import type { Clock } from '../platform/clock.js';
import { FieldErrorCollector, NotFoundError } from '../platform/errors.js';
import { hasRole, SEES_ALL_DETAILS, type Viewer } from '../platform/auth/viewer.js';
import { anyUuid } from '../platform/db/sql.js';
import { groupedBy } from '../platform/grouped.js';
import { keyset, pageSize, toPage, type Page, type PageArgs } from '../platform/pagination.js';
import { actorOf } from '../workflow/actor.js';
import { requireKnownState } from '../workflow/document.js';
import type { WorkflowEngine } from '../workflow/engine.js';
import type { Policy } from '../workflow/policy/policy.js';
import { subtractDuration } from '../workflow/policy/duration.js';
import type { WorkflowDefinition } from '../workflow/workflow.js';
import type { CustomerService } from '../customers/customer.service.js';
import { UNRESOLVED_STATES, type ComplaintFacts } from './complaint.machine.js';

/** V4: unresolved complaints logged before this are overdue (past policy complaint.slaTerm). */
export function overdueBefore(now: Date, policy: Policy): Date {
  return subtractDuration(now, policy.complaint.slaTerm);
}

/** Free-text limits (V4), refused before any query. */
export const COMPLAINT_LIMITS = { subject: 200, description: 2000, resolution: 2000, reason: 500 } as const;

export interface OpenComplaintInput {
  customerId: string;
  channel: ComplaintChannel;
  category: ComplaintCategory;
  severity: ComplaintSeverity;
  subject: string;
  description: string;
  handlerId?: string | null;
}

export interface ComplaintFilter {
  customerId?: string | null;
  handlerId?: string | null;
  state?: string | null;
  category?: ComplaintCategory | null;
  /** Unresolved and logged before now − policy complaint.slaTerm. */
  overdue?: boolean | null;
}

const NEWEST = keyset<ComplaintRow>(
  [
    { expr: complaints.createdAt, value: (r) => r.createdAt },
    { expr: complaints.id, value: (r) => r.id },
  ],
  true,
);

/** Checks a free text: required, at least `min` characters, at most its limit. */
function text(errors: FieldErrorCollector, path: string, value: string | null | undefined, min: number, max: number): string {
  const t = (value ?? '').trim();
  errors.check(t.length >= min, path, min > 1 ? `must say something (at least ${min} characters)` : 'is required');
  errors.check(t.length <= max, path, `must be at most ${max} characters`);
  return t;
}

export class ComplaintService {
  constructor(
    private readonly database: Database,
    private readonly engine: WorkflowEngine,
    readonly workflow: WorkflowDefinition<ComplaintRow, ComplaintFacts>,
    private readonly customers: CustomerService,
    private readonly clock: Clock,
    private readonly policy: () => Policy,
  ) {}

  private get db() {
    return this.database.db;
  }

  /** V4: logs a complaint (P8: about a customer whose details the viewer sees). */
  async open(viewer: Viewer, input: OpenComplaintInput): Promise<ComplaintRow> {
    const errors = new FieldErrorCollector();
    const subject = text(errors, 'input.subject', input.subject, 2, COMPLAINT_LIMITS.subject);
    const description = text(errors, 'input.description', input.description, 5, COMPLAINT_LIMITS.description);
    errors.throwIfAny();
    const customer = await this.customers.get(input.customerId);
    this.customers.requireDetails(viewer, customer);
    const handlerId = await this.handlerFor(input.handlerId ?? null, this.customers.project(customer).custodianId);
    return this.db.transaction(async (tx) => {
      const start = this.engine.initial(this.workflow, { customerId: customer.id });
      const now = this.clock();
      const [row] = await tx
        .insert(complaints)
        .values({ ...input, subject, description, handlerId, openedById: viewer.id, customerId: customer.id, ...start.values, createdAt: now, updatedAt: now })
        .returning();
      if (!row) throw new Error('insert returned nothing');
      await start.record(tx, row.id, actorOf(viewer), subject);
      return row;
    });
  }

  /** The given handler (an active AFTER_SALES user), else the customer's after-sales custodian, else the least loaded. */
  private async handlerFor(given: string | null, custodianId: string | null): Promise<string> {
    const afterSales = sql`${users.active} and 'AFTER_SALES' = any(${users.roles})`;
    if (given) {
      const [user] = await this.db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.id, given), afterSales));
      const errors = new FieldErrorCollector();
      errors.check(user !== undefined, 'input.handlerId', 'must be an active AFTER_SALES user');
      errors.throwIfAny();
      return given;
    }
    const open = sql`(select count(*) from ${complaints} k where k.handler_id = ${users.id} and ${inArray(sql`k.state`, [...UNRESOLVED_STATES])})`;
    const [user] = await this.db
      .select({ id: users.id })
      .from(users)
      .where(afterSales)
      .orderBy(sql`${users.id} = ${custodianId ?? null}::uuid desc nulls last`, open, users.username)
      .limit(1);
    const errors = new FieldErrorCollector();
    errors.check(user !== undefined, 'input.handlerId', 'no active AFTER_SALES user can handle it; name one');
    errors.throwIfAny();
    return user!.id;
  }

  /** Sends a machine event (the guards decide who may). */
  async send(viewer: Viewer, id: string, event: { type: string; [k: string]: unknown }, expectedVersion?: number | null): Promise<ComplaintRow> {
    const errors = new FieldErrorCollector();
    if ('resolution' in event) event.resolution = text(errors, 'resolution', event.resolution as string, 2, COMPLAINT_LIMITS.resolution);
    if ('reason' in event) event.reason = text(errors, 'reason', event.reason as string, 2, COMPLAINT_LIMITS.reason);
    errors.throwIfAny();
    await this.get(viewer, id);
    await this.engine.apply(this.workflow, id, event, actorOf(viewer), { expectedVersion });
    // The row as the transition's effects left it (resolution, first contact, handler, closing time).
    const [row] = await this.db.select().from(complaints).where(eq(complaints.id, id));
    if (!row) throw new NotFoundError('Complaint', id);
    return row;
  }

  /** One complaint (P8: of a customer whose details the viewer sees, or one they handle). */
  async get(viewer: Viewer, id: string): Promise<ComplaintRow> {
    const [row] = await this.db.select().from(complaints).where(eq(complaints.id, id));
    if (!row) throw new NotFoundError('Complaint', id);
    if (row.handlerId !== viewer.id) this.customers.requireDetails(viewer, await this.customers.get(row.customerId));
    return row;
  }

  project(row: ComplaintRow): ComplaintRow {
    return this.engine.project(this.workflow, row);
  }

  /** Complaints, newest first, that the viewer may see (P8 as for contracts; T1 for a department manager). */
  async list(viewer: Viewer, filter: ComplaintFilter = {}, args: PageArgs = {}): Promise<Page<ComplaintRow>> {
    const limit = pageSize(args.first);
    const where: (SQL | undefined)[] = [];
    const customersWhere = (condition: SQL) => sql`${complaints.customerId} in (select ${customers.id} from ${customers} where ${condition})`;
    if (!hasRole(viewer, ...SEES_ALL_DETAILS))
      where.push(sql`(${customersWhere(this.customers.heldBy(viewer.id))} or ${complaints.openedById} = ${viewer.id})`);
    else if (viewer.reach) where.push(customersWhere(sql`${customers.custodianId} is null or ${anyUuid(customers.custodianId, [...viewer.reach])}`));
    if (filter.customerId) where.push(eq(complaints.customerId, filter.customerId));
    if (filter.handlerId) where.push(eq(complaints.handlerId, filter.handlerId));
    if (filter.category) where.push(eq(complaints.category, filter.category));
    requireKnownState(this.engine.read(this.workflow).states(), filter.state);
    if (filter.state) where.push(eq(complaints.state, filter.state));
    if (filter.overdue != null) where.push(this.overdueSql(filter.overdue));
    const condition = and(...where);
    where.push(NEWEST.after(args.after));
    const rows = await this.db
      .select()
      .from(complaints)
      .where(and(...where))
      .orderBy(...NEWEST.orderBy)
      .limit(limit + 1);
    return toPage(rows, limit, NEWEST.cursor, async () => {
      const [c] = await this.db.select({ n: count() }).from(complaints).where(condition);
      return c?.n ?? 0;
    });
  }

  /** Unresolved and logged before now − slaTerm (or the opposite). */
  private overdueSql(overdue: boolean): SQL {
    const before = overdueBefore(this.clock(), this.policy()).toISOString();
    const late = sql`(${inArray(complaints.state, [...UNRESOLVED_STATES])} and ${complaints.createdAt} < ${before}::timestamptz)`;
    return overdue ? late : sql`not ${late}`;
  }

  /** Each customer's complaints, newest first (DataLoader batch). */
  async byCustomerIds(ids: readonly string[]): Promise<ComplaintRow[][]> {
    const rows = await this.db
      .select()
      .from(complaints)
      .where(inArray(complaints.customerId, [...ids]))
      .orderBy(sql`${complaints.createdAt} desc`);
    return groupedBy(ids, rows, (r) => r.customerId);
  }
}
