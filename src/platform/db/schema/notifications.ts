/**
 * N1: notifications — what a person is told needs them, each written in the same transaction as
 * its cause (a transition's history row, or the sweep that found a term about to end) and
 * announced after commit (LISTEN/NOTIFY) to that person's subscriptions. Never deleted; read
 * marks them read.
 */
import { sql } from 'drizzle-orm';
import { bigint, index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, ts } from './columns.js';
import { transitions } from './workflow.js';
import { users } from './users.js';

export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    recipientId: uuid('recipient_id')
      .notNull()
      .references(() => users.id),
    /** What happened, named after its cause (NotificationKind). */
    kind: text('kind').notNull(),
    /** What it is about: 'customer', 'application' or 'contract', and its id. */
    subjectType: text('subject_type').notNull(),
    subjectId: uuid('subject_id').notNull(),
    /** The customer it concerns (a front end links to it). */
    customerId: uuid('customer_id'),
    /** The history row of the transition that caused it; null for a warning found by a sweep. */
    transitionId: bigint('transition_id', { mode: 'number' }).references(() => transitions.id),
    /** Tells one notification from a repeat of it (e.g. the term's deadline: once per term). */
    onceKey: text('once_key'),
    textZh: text('text_zh').notNull(),
    textEn: text('text_en').notNull(),
    createdAt: createdAt(),
    readAt: ts('read_at'),
  },
  (t) => [
    index('notifications_inbox_idx').on(t.recipientId, t.createdAt.desc(), t.id),
    index('notifications_unread_idx')
      .on(t.recipientId)
      .where(sql`${t.readAt} is null`),
    uniqueIndex('notifications_once_idx')
      .on(t.recipientId, t.kind, t.subjectId, t.onceKey)
      .where(sql`${t.onceKey} is not null`),
  ],
);
export type NotificationRow = typeof notifications.$inferSelect;
