/**
 * The drizzle schema: one source for both PGlite and PostgreSQL. Migrations in `drizzle/` are
 * generated from it with drizzle-kit and committed. Nothing is ever hard-deleted (E6).
 */
import { sql } from 'drizzle-orm';
import { bigserial, boolean, date, index, integer, json, jsonb, numeric, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const ROLES = ['SALES', 'AUDITOR', 'AFTER_SALES', 'MANAGER', 'DESIGNER', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    passwordHash: text('password_hash').notNull(),
    roles: text('roles').array().$type<Role[]>().notNull().default(sql`'{}'::text[]`),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('users_username_key').on(sql`lower(${t.username})`), index('users_created_at_idx').on(t.createdAt, t.id)],
);

export type UserRow = typeof users.$inferSelect;

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Columns every workflow-governed table has. Only the engine (src/workflow/engine.ts) writes
 * them: `state` is the machine's state path, `snapshot` its persisted XState snapshot.
 */
const workflowColumns = () => ({
  state: text('state').notNull(),
  snapshot: jsonb('snapshot').$type<Record<string, unknown>>().notNull(),
  version: integer('version').notNull().default(1),
  machineVersion: integer('machine_version').notNull().default(1),
  /** When the pending deadline event fires (by the sweeper, or virtually on read). */
  deadlineAt: ts('deadline_at'),
  deadlineEvent: text('deadline_event'),
});

export const STAGES = ['POOL', 'PROSPECT', 'INTENT', 'FORMAL'] as const;
export type Stage = (typeof STAGES)[number];

export const customers = pgTable(
  'customers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    /** E1/E4: the duplicate-check key derived from the full name. */
    tradeName: text('trade_name').notNull(),
    address: text('address').notNull(),
    industry: text('industry').notNull(),
    phone: text('phone').notNull(),
    /** Digits only, for duplicate matching across formats. */
    phoneKey: text('phone_key').notNull(),
    introduction: text('introduction').notNull(),
    postcode: text('postcode'),
    website: text('website'),
    email: text('email'),
    fax: text('fax'),
    country: text('country'),
    region: text('region'),
    source: text('source'),
    level: text('level'),
    ...workflowColumns(),
    stage: text('stage').$type<Stage>().notNull(),
    custodianId: uuid('custodian_id').references(() => users.id),
    createdById: uuid('created_by_id').notNull().references(() => users.id),
    lastFollowUpAt: ts('last_follow_up_at'),
    nextContactAt: ts('next_contact_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('customers_trade_name_key').on(t.tradeName),
    uniqueIndex('customers_phone_key_key').on(t.phoneKey),
    index('customers_name_trgm_idx').using('gin', sql`${t.name} gin_trgm_ops`),
    index('customers_custodian_idx').on(t.custodianId, t.stage),
    index('customers_stage_idx').on(t.stage, t.createdAt),
    index('customers_deadline_idx').on(t.deadlineAt).where(sql`${t.deadlineAt} is not null`),
    index('customers_next_contact_idx').on(t.custodianId, t.nextContactAt),
    index('customers_created_idx').on(t.createdAt, t.id),
  ],
);
export type CustomerRow = typeof customers.$inferSelect;

export const contacts = pgTable(
  'contacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerId: uuid('customer_id').notNull().references(() => customers.id),
    name: text('name').notNull(),
    title: text('title'),
    mobile: text('mobile'),
    landline: text('landline'),
    email: text('email'),
    note: text('note'),
    version: integer('version').notNull().default(1),
    createdById: uuid('created_by_id').notNull().references(() => users.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('contacts_customer_idx').on(t.customerId, t.createdAt),
    index('contacts_mobile_idx').on(t.mobile),
    index('contacts_landline_idx').on(sql`regexp_replace(${t.landline}, '[^0-9]', '', 'g')`),
  ],
);
export type ContactRow = typeof contacts.$inferSelect;

export const FOLLOW_UP_CHANNELS = ['PHONE', 'VISIT', 'EMAIL', 'MESSAGE', 'MEETING', 'OTHER'] as const;
export type FollowUpChannel = (typeof FOLLOW_UP_CHANNELS)[number];

/** F4: append-only; there is no update or delete. */
export const followUps = pgTable(
  'follow_ups',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerId: uuid('customer_id').notNull().references(() => customers.id),
    authorId: uuid('author_id').notNull().references(() => users.id),
    contactId: uuid('contact_id').references(() => contacts.id),
    channel: text('channel').$type<FollowUpChannel>().notNull(),
    notes: text('notes').notNull(),
    nextContactAt: ts('next_contact_at'),
    createdAt: createdAt(),
  },
  (t) => [index('follow_ups_customer_idx').on(t.customerId, t.createdAt, t.id)],
);
export type FollowUpRow = typeof followUps.$inferSelect;

/** P10: one row per transition of any workflow-governed entity. */
export const transitions = pgTable(
  'transitions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    entityType: text('entity_type').notNull(),
    entityId: uuid('entity_id').notNull(),
    machine: text('machine').notNull(),
    machineVersion: integer('machine_version').notNull(),
    event: text('event').notNull(),
    fromState: text('from_state'),
    toState: text('to_state').notNull(),
    /** Null for the system (the deadline sweeper). */
    actorId: uuid('actor_id').references(() => users.id),
    reason: text('reason'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    index('transitions_entity_idx').on(t.entityId, t.id),
    index('transitions_actor_event_idx').on(t.actorId, t.event, t.createdAt),
  ],
);
export type TransitionRow = typeof transitions.$inferSelect;

/** P5: after abandoning, the same person may not protect the customer again until `until`. */
export const coolDowns = pgTable(
  'cool_downs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id').notNull().references(() => users.id),
    customerId: uuid('customer_id').notNull().references(() => customers.id),
    until: ts('until').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('cool_downs_user_customer_idx').on(t.userId, t.customerId, t.until)],
);

export const APPLICATION_KINDS = ['PROTECTION', 'INTENT', 'EXTENSION'] as const;
export type ApplicationKind = (typeof APPLICATION_KINDS)[number];

/** A1: protection, intent and extension applications, each run by the `application` machine. */
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
    ...workflowColumns(),
    decidedAt: ts('decided_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // A1: at most one pending application per kind per customer.
    uniqueIndex('applications_one_pending_key').on(t.customerId, t.kind).where(sql`${t.state} like 'pending%'`),
    index('applications_queue_idx').on(t.state, t.createdAt, t.id),
    index('applications_customer_idx').on(t.customerId, t.createdAt),
    index('applications_applicant_idx').on(t.applicantId, t.createdAt),
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
  ],
);
export type ApplicationDecisionRow = typeof applicationDecisions.$inferSelect;

/** Money and quantities are `numeric` in the database and decimal strings in code (C3). */
const money = (name: string) => numeric(name, { precision: 17, scale: 2 });

export const products = pgTable(
  'products',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    unit: text('unit').notNull(),
    listPrice: money('list_price').notNull(),
    active: boolean('active').notNull().default(true),
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('products_code_key').on(sql`lower(${t.code})`), index('products_name_idx').on(t.name, t.id)],
);
export type ProductRow = typeof products.$inferSelect;

export const PAYMENT_METHODS = ['BANK_TRANSFER', 'CASH', 'CHEQUE', 'INSTALMENTS', 'OTHER'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
export const DELIVERY_STATUSES = ['NOT_DELIVERED', 'PARTIAL', 'DELIVERED'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface Buyer {
  name: string | null;
  address: string | null;
  taxId: string | null;
  contactName: string | null;
  phone: string | null;
}

/** C2: reserve → fill → confirm; run by the `contract` machine. */
export const contracts = pgTable(
  'contracts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** C4: reserved from a sequence, never reused, even after a void. */
    number: text('number').notNull(),
    customerId: uuid('customer_id').notNull().references(() => customers.id),
    createdById: uuid('created_by_id').notNull().references(() => users.id),
    type: text('type'),
    signDate: date('sign_date', { mode: 'string' }),
    paymentMethod: text('payment_method').$type<PaymentMethod>(),
    buyer: jsonb('buyer').$type<Buyer>(),
    startDate: date('start_date', { mode: 'string' }),
    endDate: date('end_date', { mode: 'string' }),
    terms: text('terms'),
    /** C2: every gift or promise to the customer. */
    commitments: text('commitments'),
    total: money('total').notNull().default('0'),
    paid: money('paid').notNull().default('0'),
    deliveryStatus: text('delivery_status').$type<DeliveryStatus>().notNull().default('NOT_DELIVERED'),
    ...workflowColumns(),
    confirmedAt: ts('confirmed_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('contracts_number_key').on(t.number),
    index('contracts_customer_idx').on(t.customerId, t.createdAt),
    index('contracts_state_idx').on(t.state, t.signDate),
  ],
);
export type ContractRow = typeof contracts.$inferSelect;

export const contractLines = pgTable(
  'contract_lines',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Insertion order, stable even for lines added in one statement. */
    position: bigserial('position', { mode: 'number' }).notNull(),
    contractId: uuid('contract_id').notNull().references(() => contracts.id),
    productId: uuid('product_id').references(() => products.id),
    description: text('description').notNull(),
    quantity: numeric('quantity', { precision: 18, scale: 3 }).notNull(),
    unitPrice: money('unit_price').notNull(),
    /** A rate: 0.1000 = 10 % off. */
    discount: numeric('discount', { precision: 5, scale: 4 }).notNull().default('0'),
    amount: money('amount').notNull(),
    /** E6: a line removed before confirmation is kept, marked removed. */
    removedAt: ts('removed_at'),
    createdAt: createdAt(),
  },
  (t) => [index('contract_lines_contract_idx').on(t.contractId, t.position)],
);
export type ContractLineRow = typeof contractLines.$inferSelect;

export const payments = pgTable(
  'payments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    contractId: uuid('contract_id').notNull().references(() => contracts.id),
    amount: money('amount').notNull(),
    paidAt: ts('paid_at').notNull(),
    method: text('method').$type<PaymentMethod>().notNull(),
    account: text('account'),
    handlerId: uuid('handler_id').references(() => users.id),
    note: text('note'),
    recordedById: uuid('recorded_by_id').notNull().references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index('payments_contract_idx').on(t.contractId, t.paidAt)],
);
export type PaymentRow = typeof payments.$inferSelect;

/** P11: every published policy document, newest = in force (who, when, what changed). */
export const policyVersions = pgTable(
  'policy_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    version: integer('version').notNull(),
    workflow: text('workflow').notNull(),
    document: jsonb('document').$type<Record<string, unknown>>().notNull(),
    changes: jsonb('changes').$type<Record<string, unknown>>().notNull(),
    diff: jsonb('diff').$type<{ path: string; from: unknown; to: unknown }[]>().notNull(),
    authorId: uuid('author_id').notNull().references(() => users.id),
    note: text('note'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('policy_versions_version_key').on(t.version), index('policy_versions_workflow_idx').on(t.workflow, t.version)],
);
export type PolicyVersionRow = typeof policyVersions.$inferSelect;

/** Published machine documents (issue 7). Version 1 of each machine is the repository's document. */
export const workflowVersions = pgTable(
  'workflow_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workflow: text('workflow').notNull(),
    version: integer('version').notNull(),
    /** json, not jsonb: the designer's key order is the order of states, events and buttons. */
    document: json('document').$type<Record<string, unknown>>().notNull(),
    /** Where instances in states this version removed should go when migrated. */
    stateMapping: jsonb('state_mapping').$type<Record<string, string>>().notNull(),
    authorId: uuid('author_id').notNull().references(() => users.id),
    note: text('note').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('workflow_versions_workflow_version_key').on(t.workflow, t.version)],
);
export type WorkflowVersionRow = typeof workflowVersions.$inferSelect;
