/**
 * N1: the notifications inbox. Notifications are written by transition listeners in the
 * transaction of their cause (see `listenTo`) and by the sweep of warnings (`sweep`); people read
 * their own, page by page, and mark them read. Nothing is deleted.
 */
import { and, count, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database } from '../platform/db/client.js';
import { notifications, type NotificationRow } from '../platform/db/schema.js';
import type { Viewer } from '../platform/auth/viewer.js';
import { ValidationError } from '../platform/errors.js';
import { keyset, pageSize, toPage, type Page, type PageArgs } from '../platform/pagination.js';
import type { Clock } from '../platform/clock.js';
import type { WorkflowEngine } from '../workflow/engine.js';
import type { Moved } from '../workflow/listeners.js';
import {
  applicationDecided,
  applicationSubmitted,
  auditOverdue,
  contractConfirmed,
  complaintAssigned,
  custodyEnded,
  custodyEnding,
  customerTransferred,
  followUpPlanMoved,
  transitionStuck,
  writeNotifications,
} from './rules/n1-who-is-told.js';

/** At most this many ids per markNotificationsRead. */
export const MAX_MARK_IDS = 100;

const NEWEST = keyset<NotificationRow>(
  [
    { expr: notifications.createdAt, value: (r) => r.createdAt },
    { expr: notifications.id, value: (r) => r.id },
  ],
  true,
);

/** What the warning sweep needs from the rest of the product (the composition root supplies it). */
export interface WarningTerms {
  /** P2/P4: how long before a term ends its custodian is warned. */
  warnBeforeMs(): number;
  /** A5: pending applications made before this instant are past the audit SLA. */
  auditOverdueBefore(now: Date): Date;
  /** The calendar's time zone, for times in texts. */
  timeZone(): string;
}

export class NotificationService {
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly terms: WarningTerms,
  ) {}

  /** Writes, in the transition's transaction, the notifications each workflow's events call for (N1). */
  listenTo(
    engine: WorkflowEngine,
    workflows: {
      customer: { name: string };
      application: { name: string };
      contract: { name: string };
      followUpPlan: { name: string };
      complaint: { name: string };
    },
  ): void {
    const on = (def: { name: string }, events: string[], rule: (ids: readonly number[]) => ReturnType<typeof custodyEnded>) =>
      engine.onTransition(def, { events, written: (tx, moved: Moved) => writeNotifications(tx, rule(moved.historyIds)).then(() => undefined) });
    on(workflows.application, ['CREATE', 'APPROVE'], applicationSubmitted);
    on(workflows.application, ['APPROVE', 'REJECT'], applicationDecided);
    on(workflows.customer, ['TERM_EXPIRED', 'REJECTION_LAPSED', 'INACTIVITY_EXPIRED'], custodyEnded);
    on(workflows.customer, ['TRANSFER', 'ASSIGN'], customerTransferred);
    on(workflows.contract, ['CONFIRM', 'CREDIT_APPROVED'], contractConfirmed);
    on(workflows.followUpPlan, ['PLAN_DUE', 'PLAN_OVERDUE', 'PLAN_ESCALATED'], followUpPlanMoved);
    on(workflows.complaint, ['CREATE', 'REASSIGN'], complaintAssigned);
  }

  /** Warnings no transition causes: terms about to end, overdue audits, stuck transitions (each once). Returns how many were written. */
  async sweep(): Promise<number> {
    const now = this.clock();
    const db = this.database.db;
    const until = new Date(now.getTime() + this.terms.warnBeforeMs());
    let written = await writeNotifications(db, custodyEnding(now, until, this.terms.timeZone()));
    written += await writeNotifications(db, auditOverdue(this.terms.auditOverdueBefore(now), now));
    written += await writeNotifications(db, transitionStuck(now));
    return written;
  }

  /** The viewer's notifications, newest first; `unreadOnly` leaves out read ones. */
  async list(viewer: Viewer, args: PageArgs & { unreadOnly?: boolean | null }): Promise<Page<NotificationRow>> {
    const limit = pageSize(args.first);
    const condition = and(eq(notifications.recipientId, viewer.id), args.unreadOnly ? isNull(notifications.readAt) : undefined);
    const rows = await this.database.db
      .select()
      .from(notifications)
      .where(and(condition, NEWEST.after(args.after)))
      .orderBy(...NEWEST.orderBy)
      .limit(limit + 1);
    return toPage(rows, limit, NEWEST.cursor, async () => {
      const [c] = await this.database.db.select({ n: count() }).from(notifications).where(condition);
      return c?.n ?? 0;
    });
  }

  /** How many of the viewer's notifications are unread. */
  async unreadCount(viewer: Viewer): Promise<number> {
    const [c] = await this.database.db
      .select({ n: count() })
      .from(notifications)
      .where(and(eq(notifications.recipientId, viewer.id), isNull(notifications.readAt)));
    return c?.n ?? 0;
  }

  /** Marks these of the viewer's notifications read; an id that is not one of theirs refuses them all (nothing written). */
  async markRead(viewer: Viewer, ids: readonly string[]): Promise<NotificationRow[]> {
    if (ids.length > MAX_MARK_IDS) throw new ValidationError({ ids: `at most ${MAX_MARK_IDS} ids at once` });
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    return this.database.db.transaction(async (tx) => {
      const own = await tx
        .select({ id: notifications.id })
        .from(notifications)
        .where(and(inArray(notifications.id, unique), eq(notifications.recipientId, viewer.id)));
      const owned = new Set(own.map((r) => r.id));
      const problems = Object.fromEntries(ids.flatMap((id, i) => (owned.has(id) ? [] : [[`ids[${i}]`, 'is not one of your notifications']])));
      if (Object.keys(problems).length > 0) throw new ValidationError(problems);
      return tx
        .update(notifications)
        .set({ readAt: sql`coalesce(${notifications.readAt}, ${this.clock().toISOString()}::timestamptz)` })
        .where(inArray(notifications.id, unique))
        .returning();
    });
  }

  /** Marks every unread notification of the viewer read; returns how many were unread. */
  async markAllRead(viewer: Viewer): Promise<number> {
    const rows = await this.database.db
      .update(notifications)
      .set({ readAt: this.clock() })
      .where(and(eq(notifications.recipientId, viewer.id), isNull(notifications.readAt)))
      .returning({ id: notifications.id });
    return rows.length;
  }

  /** One notification of the viewer's (subscriptions resolve announced ids with it); undefined when it is not theirs. */
  async own(viewer: Viewer, id: string): Promise<NotificationRow | undefined> {
    const [row] = await this.database.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.id, id), eq(notifications.recipientId, viewer.id)));
    return row;
  }
}
