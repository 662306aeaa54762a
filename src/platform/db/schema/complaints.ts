/** V4: complaints about customers' orders and service, each run by the `complaint` machine. */
import { sql } from 'drizzle-orm';
import { boolean, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, ts, updatedAt, workflowColumns } from './columns.js';
import { customers } from './customers.js';
import { users } from './users.js';

/** How a complaint came in. */
export const COMPLAINT_CHANNELS = ['PHONE', 'EMAIL', 'VISIT', 'WECHAT', 'OTHER'] as const;
export type ComplaintChannel = (typeof COMPLAINT_CHANNELS)[number];
/** What it is about. */
export const COMPLAINT_CATEGORIES = ['QUALITY', 'DELIVERY', 'SERVICE', 'BILLING', 'OTHER'] as const;
export type ComplaintCategory = (typeof COMPLAINT_CATEGORIES)[number];
/** How bad it is. */
export const COMPLAINT_SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type ComplaintSeverity = (typeof COMPLAINT_SEVERITIES)[number];

export const complaints = pgTable(
  'complaints',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    channel: text('channel').$type<ComplaintChannel>().notNull(),
    category: text('category').$type<ComplaintCategory>().notNull(),
    severity: text('severity').$type<ComplaintSeverity>().notNull(),
    subject: text('subject').notNull(),
    description: text('description').notNull(),
    /** Who logged it. */
    openedById: uuid('opened_by_id')
      .notNull()
      .references(() => users.id),
    /** The AFTER_SALES user who handles it. */
    handlerId: uuid('handler_id')
      .notNull()
      .references(() => users.id),
    /** How it was resolved (the latest resolution). */
    resolution: text('resolution'),
    /** V4: resolved by its first handler without a reopening or a hand-off; null until resolved. */
    resolvedOnFirstContact: boolean('resolved_on_first_contact'),
    resolvedAt: ts('resolved_at'),
    closedAt: ts('closed_at'),
    ...workflowColumns(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('complaints_customer_idx').on(t.customerId, t.createdAt),
    index('complaints_handler_idx').on(t.handlerId, t.state),
    index('complaints_created_idx').on(t.createdAt),
    index('complaints_deadline_idx').on(t.deadlineAt).where(sql`${t.deadlineAt} is not null`),
  ],
);
export type ComplaintRow = typeof complaints.$inferSelect;
