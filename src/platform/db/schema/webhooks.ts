/**
 * Webhooks (issue 16 §5): endpoints an administrator registers for events, and the outbox of
 * their deliveries. A delivery row is written in the transaction of its cause (a transition) and
 * sent after commit by a worker, at least once, with retries; rows are never deleted.
 */
import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, ts, updatedAt } from './columns.js';
import { users } from './users.js';
import { transitions } from './workflow.js';

export const webhooks = pgTable('webhooks', {
  id: uuid('id').primaryKey().defaultRandom(),
  url: text('url').notNull(),
  /** The event names (WebhookEvent) it receives. */
  events: text('events').array().notNull(),
  /** The HMAC-SHA256 key of the signature header; never shown again after it is set. */
  secret: text('secret').notNull(),
  active: boolean('active').notNull().default(true),
  version: integer('version').notNull().default(1),
  createdById: uuid('created_by_id')
    .notNull()
    .references(() => users.id),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});
export type WebhookRow = typeof webhooks.$inferSelect;

export const WEBHOOK_DELIVERY_STATUSES = ['PENDING', 'DELIVERED', 'FAILED'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    webhookId: uuid('webhook_id')
      .notNull()
      .references(() => webhooks.id),
    event: text('event').notNull(),
    /** The event's id, the same for every webhook and every attempt: the Idempotency-Key header. */
    eventId: text('event_id').notNull(),
    /** The history row of the transition that caused it. */
    transitionId: bigint('transition_id', { mode: 'number' }).references(() => transitions.id),
    /** The JSON body exactly as sent (and signed). */
    body: text('body').notNull(),
    status: text('status').$type<WebhookDeliveryStatus>().notNull().default('PENDING'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    /** While a worker sends it (another worker leaves it alone until then). */
    leasedUntil: ts('leased_until'),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    createdAt: createdAt(),
    deliveredAt: ts('delivered_at'),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_event_idx').on(t.webhookId, t.eventId),
    index('webhook_deliveries_due_idx')
      .on(t.nextAttemptAt)
      .where(sql`${t.status} = 'PENDING'`),
    index('webhook_deliveries_list_idx').on(t.webhookId, t.createdAt.desc(), t.id),
  ],
);
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
