/** Applications and their audit decisions (A1–A5). */
import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, ts, updatedAt, workflowColumns } from './columns.js';
import { contracts } from './contracts.js';
import { customers } from './customers.js';
import { users } from './users.js';

/** The kinds of application (A1). */
export const APPLICATION_KINDS = ['PROTECTION', 'INTENT', 'EXTENSION', 'CREDIT'] as const;
export type ApplicationKind = (typeof APPLICATION_KINDS)[number];

/** One line of a stored P1 checklist, as it was when the application was decided (P8). */
export interface StoredChecklistItem {
  code: string;
  label: string;
  passed: boolean;
  detail: string | null;
}

/** A1: protection, intent, extension and credit (V5) applications, each run by the `application` machine. */
export const applications = pgTable(
  'applications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerId: uuid('customer_id').notNull().references(() => customers.id),
    kind: text('kind').$type<ApplicationKind>().notNull(),
    applicantId: uuid('applicant_id').notNull().references(() => users.id),
    reason: text('reason').notNull(),
    /** EXTENSION: the ISO-8601 duration asked for (P3). */
    extension: text('extension'),
    /** CREDIT (V5): the contract whose confirmation waits for this approval. */
    contractId: uuid('contract_id').references(() => contracts.id),
    ...workflowColumns(),
    decidedAt: ts('decided_at'),
    /** PROTECTION: the audit checklist frozen when decided or withdrawn (P8); null while pending. */
    checklist: jsonb('checklist').$type<StoredChecklistItem[]>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // A1: at most one pending application per kind per customer.
    uniqueIndex('applications_one_pending_key').on(t.customerId, t.kind).where(sql`${t.state} like 'pending%'`),
    index('applications_queue_idx').on(t.state, t.createdAt, t.id),
    index('applications_customer_idx').on(t.customerId, t.createdAt),
    index('applications_applicant_idx').on(t.applicantId, t.createdAt),
    index('applications_decided_idx').on(t.kind, t.decidedAt).where(sql`${t.decidedAt} is not null`),
  ],
);
export type ApplicationRow = typeof applications.$inferSelect;

/** Every approve/reject decision on an application, per step (A2, A3). */
export const applicationDecisions = pgTable(
  'application_decisions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    applicationId: uuid('application_id').notNull().references(() => applications.id),
    step: integer('step').notNull(),
    deciderId: uuid('decider_id').notNull().references(() => users.id),
    decision: text('decision').$type<'APPROVED' | 'REJECTED'>().notNull(),
    note: text('note'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('application_decisions_once_key').on(t.applicationId, t.step, t.deciderId),
    index('application_decisions_app_idx').on(t.applicationId, t.createdAt),
    // Reports (issue 18): decisions in a period.
    index('application_decisions_time_idx').on(t.createdAt),
  ],
);
export type ApplicationDecisionRow = typeof applicationDecisions.$inferSelect;
