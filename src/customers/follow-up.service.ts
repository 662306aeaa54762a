/**
 * Follow-ups (F2–F4): append-only contact records; the newest sets the customer's last and
 * next contact times, which drive the custodian's reminders (F3).
 */
import { and, count, desc, eq, inArray, sql } from 'drizzle-orm';
import { arrayLiteral } from '../platform/db/sql.js';
import type { Database } from '../platform/db/client.js';
import { firstRowsPerParent } from '../platform/db/first-rows.js';
import { FULL, listShapes, type ListShape } from '../platform/db/list-shapes.js';
import { contacts, customers, followUps, type FollowUpRow } from '../platform/db/schema.js';
import type { Clock } from '../platform/clock.js';
import { FieldErrorCollector, NotFoundError, ValidationError } from '../platform/errors.js';
import { invariant } from '../platform/invariant.js';
import { parseInput } from '../platform/validation.js';
import { hasRole, type Viewer } from '../platform/auth/viewer.js';
import { keyset, pageSize, toPage, type Page, type PageArgs } from '../platform/pagination.js';
import type { CustomerService } from './customer.service.js';
import { followUpInput, type FollowUpInput } from './follow-up.validation.js';
import type { FollowUpPlanService, ReminderEntry } from './follow-up-plan.service.js';
import { actorOf } from '../workflow/actor.js';
import { requireWork } from './rules/t5-collaborators.js';

/** F3: a custodian's customers by their open follow-up plans (F6), and terms about to end. */
export interface ReminderList {
  overdue: ReminderEntry[];
  today: ReminderEntry[];
  upcoming: ReminderEntry[];
  expiring: ReminderEntry[];
}

const DAY_MS = 86_400_000;

/** A customer's follow-ups, newest first (the first page by customer uses the same order and cursor). */
const NEWEST_FIRST = keyset<FollowUpRow>(
  [
    { expr: followUps.createdAt, value: (f) => f.createdAt },
    { expr: followUps.id, value: (f) => f.id },
  ],
  true,
);

/**
 * A customer's follow-ups in a list: what was said, how, when (the cursor's columns always); any
 * other field reads FULL rows. Each first page's row carries its customer's total (a count, as
 * the driver gives it: `firstRowsPerParent`).
 */
export const FOLLOW_UP_SHAPES = listShapes<typeof followUps, 'id' | 'customerId' | 'channel' | 'notes' | 'createdAt', { total: unknown }>(followUps, {
  base: ['id', 'customerId', 'createdAt'],
  fields: { id: [], channel: ['channel'], notes: ['notes'], createdAt: [] },
});

/** The first `limit` follow-ups (newest first) of each of the customers `ids`, per shape, each built once. */
const firstPages = FOLLOW_UP_SHAPES.statements(({ selectList }) =>
  firstRowsPerParent({
    table: followUps,
    parent: followUps.customerId,
    orderBy: NEWEST_FIRST.orderBy,
    selectList,
    ids: sql.placeholder('ids'),
    limit: sql.placeholder('limit'),
  }),
);

/** Follow-ups of customers (F2–F4) and the custodian's reminders (F3). */
export class FollowUpService {
  constructor(
    private readonly database: Database,
    private readonly customers: CustomerService,
    private readonly clock: Clock,
    private readonly plans: FollowUpPlanService,
  ) {}

  private get db() {
    return this.database.db;
  }

  async add(viewer: Viewer, customerId: string, raw: FollowUpInput): Promise<FollowUpRow> {
    const now = this.clock();
    const input = parseInput(followUpInput({ now, nextContactRequired: hasRole(viewer, 'SALES') }), raw, { root: 'input' });
    return this.db.transaction(async (tx) => {
      const [customer] = await tx.select().from(customers).where(eq(customers.id, customerId)).for('update');
      if (!customer) throw new NotFoundError('Customer', customerId);
      // T5: WRITE collaborators log follow-ups too; theirs count as the customer's last follow-up.
      requireWork(viewer, this.customers.project(customer));
      if (input.contactId) {
        const [contact] = await tx
          .select()
          .from(contacts)
          .where(and(eq(contacts.id, input.contactId), eq(contacts.customerId, customerId)));
        if (!contact) throw new ValidationError({ 'input.contactId': 'is not a contact of this customer' });
        // F5: a contact who left the company is not offered for new follow-ups.
        if (contact.state === 'left') {
          const field = `left the company${contact.leftOn ? ` on ${contact.leftOn}` : ''} (F5); name a contact who works there`;
          throw new ValidationError({ 'input.contactId': field }, 'This contact left the company (F5)', { rule: 'F5' });
        }
      }
      const [row] = await tx
        .insert(followUps)
        .values({
          customerId,
          authorId: viewer.id,
          contactId: input.contactId ?? null,
          channel: input.channel,
          notes: input.notes,
          nextContactAt: input.nextContactAt ?? null,
          createdAt: now,
        })
        .returning();
      invariant(row, 'insert … returning gives the row');
      await tx
        .update(customers)
        .set({ lastFollowUpAt: now, nextContactAt: input.nextContactAt ?? null })
        .where(eq(customers.id, customerId));
      // F6: this follow-up completes the open plan; its next contact time opens the next one.
      const actor = actorOf(viewer);
      await this.plans.completeIn(tx, customerId, row.id, actor);
      if (input.nextContactAt) {
        const assigneeId = this.customers.project(customer).custodianId ?? viewer.id;
        await this.plans.openIn(tx, { customerId, assigneeId, dueAt: input.nextContactAt, followUpId: row.id }, actor);
      }
      return row;
    });
  }

  /**
   * The first `first` follow-ups (newest first) of each customer, in one query: the ranking reads
   * only the index (customer, time, id), the rows are fetched by id for the ranks kept.
   */
  async firstPageByCustomer(ids: readonly string[], first: number, shape: ListShape = FULL): Promise<Page<FollowUpRow>[]> {
    // `first` rows, not `first + 1`: each row's count of its customer's follow-ups says whether more follow (a sixth of a nested list's rows fewer).
    const rows = await FOLLOW_UP_SHAPES.get(shape).rows.run(this.database, this.db, firstPages(shape), { ids: arrayLiteral(ids), limit: first });
    const map = new Map<string, { rows: FollowUpRow[]; total: number }>();
    // Each row keeps its `total` beside its columns (a copy without it would be a copy per row).
    for (const f of rows) {
      let entry = map.get(f.customerId);
      if (!entry) map.set(f.customerId, (entry = { rows: [], total: Number(f.total) }));
      entry.rows.push(f);
    }
    return ids.map((id) => {
      const entry = map.get(id) ?? { rows: [], total: 0 };
      return toPage(entry.rows, first, NEWEST_FIRST.cursor, async () => entry.total, entry.total > first);
    });
  }

  async page(customerId: string, args: PageArgs): Promise<Page<FollowUpRow>> {
    const limit = pageSize(args.first);
    const rows = await this.db
      .select()
      .from(followUps)
      .where(and(eq(followUps.customerId, customerId), NEWEST_FIRST.after(args.after)))
      .orderBy(...NEWEST_FIRST.orderBy)
      .limit(limit + 1);
    return toPage(rows, limit, NEWEST_FIRST.cursor, async () => {
      const [c] = await this.db.select({ n: count() }).from(followUps).where(eq(followUps.customerId, customerId));
      return c?.n ?? 0;
    });
  }

  async lastByCustomerIds(ids: readonly string[]): Promise<(FollowUpRow | null)[]> {
    const rows = await this.db
      .selectDistinctOn([followUps.customerId])
      .from(followUps)
      .where(inArray(followUps.customerId, [...ids]))
      .orderBy(followUps.customerId, desc(followUps.createdAt), desc(followUps.id));
    const map = new Map(rows.map((r) => [r.customerId, r]));
    return ids.map((id) => map.get(id) ?? null);
  }

  /**
   * F3: the viewer's customers by their open follow-up plans (F6) — overdue (the plan is overdue
   * or escalated), today (due, or planned before the end of the local day), upcoming (planned
   * later, until `to`, default 7 days) — plus P2/P4 terms ending within `warnBefore` (expiring).
   * `from` bounds how far back the plans' due times reach.
   */
  async reminders(viewer: Viewer, from?: Date | null, to?: Date | null): Promise<ReminderList> {
    const now = this.clock();
    const until = to ?? new Date(now.getTime() + 7 * DAY_MS);
    const errors = new FieldErrorCollector();
    if (from && to) errors.check(from < to, 'to', 'must be after from');
    errors.throwIfAny();
    const plans = await this.plans.reminders(viewer, this.customers.heldBy(viewer.id), from ?? null, until);
    const expiring = (await this.customers.expiring(viewer)).map((customer) => ({ customer, plan: null }));
    return { ...plans, expiring };
  }
}
