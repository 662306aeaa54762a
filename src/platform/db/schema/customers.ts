/**
 * Customers and what hangs on them: contacts, follow-ups (F4) and cool-downs (P5). Nothing is
 * ever hard-deleted (E6).
 */
import { sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, numeric, pgTable, text, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { createdAt, ts, updatedAt, workflowColumns } from './columns.js';
import { DEFAULT_POOL_ID, pools } from './pools.js';
import { users } from './users.js';

/** The stage a customer is in, kept beside the machine state for indexed queries. */
export const STAGES = ['POOL', 'PROSPECT', 'INTENT', 'FORMAL'] as const;
export type Stage = (typeof STAGES)[number];

/** V2: the level of the value pyramid the sales team gives a customer (VIP客户, 主要客户, 普通客户, 小客户). */
export const CUSTOMER_LEVELS = ['VIP', 'MAJOR', 'ORDINARY', 'SMALL'] as const;
export type CustomerLevel = (typeof CUSTOMER_LEVELS)[number];

/** Customers, run by the `customer` machine; trade name (but for re-derived conflicts) and phone key are unique (E4). */
export const customers = pgTable(
  'customers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    /** E1/E4: the duplicate-check key derived from the full name. */
    tradeName: text('trade_name').notNull(),
    /**
     * E1: the version of the key derivation `tradeName` was derived with; older rows are re-derived
     * at startup. The default is the current TRADE_NAME_KEY_VERSION (a test checks; raise both, with a migration).
     */
    tradeNameVersion: integer('trade_name_version').notNull().default(2),
    /**
     * E4: this customer shares its key with an older one only because a re-derivation made them
     * alike (both stay; `duplicateKeyConflicts` lists them). Entry never sets it.
     */
    keyConflict: boolean('key_conflict').notNull().default(false),
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
    /** V2: one of CUSTOMER_LEVELS (a check constraint); free text before migration 0025. */
    level: text('level').$type<CustomerLevel>(),
    /** V2: a free-text level from before levels were fixed (migration 0025), kept as it was written. */
    levelNote: text('level_note'),
    /** V3: the customer that referred this one (its referrals make it an advocate). */
    referredById: uuid('referred_by_id').references((): AnyPgColumn => customers.id),
    /** V5: the most a formal customer may owe on confirmed contracts (yuan); null = no limit. */
    creditLimit: numeric('credit_limit', { precision: 17, scale: 2 }),
    /** V5: days after confirmation a contract is due to be paid; null = the policy's (contract.creditTermDays). */
    creditTermDays: integer('credit_term_days'),
    ...workflowColumns(),
    stage: text('stage').$type<Stage>().notNull(),
    custodianId: uuid('custodian_id').references(() => users.id),
    /** T2: the pool the customer is in (stage POOL), or came from and returns to by policy. */
    poolId: uuid('pool_id')
      .notNull()
      .default(DEFAULT_POOL_ID)
      .references(() => pools.id),
    createdById: uuid('created_by_id').notNull().references(() => users.id),
    lastFollowUpAt: ts('last_follow_up_at'),
    nextContactAt: ts('next_contact_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('customers_trade_name_key').on(t.tradeName).where(sql`${t.keyConflict} = false`),
    // No trigram index here: every customer write (claims are not HOT updates) would maintain it, a
    // third of a claim's cost (migrations 0011, 0014); name and key searches use customer_names'.
    uniqueIndex('customers_phone_key_key').on(t.phoneKey),
    index('customers_custodian_idx').on(t.custodianId, t.stage),
    index('customers_stage_idx').on(t.stage, t.createdAt),
    index('customers_pool_idx').on(t.poolId, t.stage),
    index('customers_deadline_idx').on(t.deadlineAt).where(sql`${t.deadlineAt} is not null`),
    index('customers_next_contact_idx').on(t.custodianId, t.nextContactAt),
    index('customers_created_idx').on(t.createdAt, t.id),
    index('customers_referred_by_idx').on(t.referredById).where(sql`${t.referredById} is not null`),
    check('customers_level_check', sql`${t.level} in ('VIP', 'MAJOR', 'ORDINARY', 'SMALL')`),
    // T5: the SHARED list (customer.list.ts, sharedWith); only customers with a team are indexed.
    index('customers_collaborators_idx')
      .using('gin', sql`(${t.snapshot} -> 'context' -> 'collaborators')`)
      .where(sql`(${t.snapshot} -> 'context' -> 'collaborators') <> '{}'::jsonb`),
  ],
);
export type CustomerRow = typeof customers.$inferSelect;

/**
 * E2: what the duplicate check searches, one row per customer: its name and trade-name key. A
 * trigger on customers writes it in the same statement as a customer's insert or a change of its
 * name or key (migration 0012), so claims and other state changes never touch it. The trigram
 * indexes live here and not on customers, whose every write would maintain them (a claim is not
 * a HOT update). `custodian_char_pairs` doubles each character (春意 → 春春意意), so a trigram of
 * the doubled text is a pair of neighbouring characters: two-character keys (most Chinese trade
 * names) become indexable for LIKE, which plain trigrams cannot do for fewer than three.
 */
export const customerNames = pgTable(
  'customer_names',
  {
    customerId: uuid('customer_id')
      .primaryKey()
      .references(() => customers.id),
    name: text('name').notNull(),
    tradeName: text('trade_name').notNull(),
    /** `custodian_char_pairs(name)`, stored: an index hit is rechecked without a regexp per row. */
    namePairs: text('name_pairs').generatedAlwaysAs(sql`custodian_char_pairs(name)`),
    /** `custodian_char_pairs(trade_name)`, stored. */
    tradeNamePairs: text('trade_name_pairs').generatedAlwaysAs(sql`custodian_char_pairs(trade_name)`),
  },
  (t) => [
    index('customer_names_trade_name_idx').on(t.tradeName),
    index('customer_names_trade_name_trgm_idx').using('gin', sql`${t.tradeName} gin_trgm_ops`),
    index('customer_names_trade_name_pairs_idx').using('gin', sql`${t.tradeNamePairs} gin_trgm_ops`),
    index('customer_names_name_pairs_idx').using('gin', sql`${t.namePairs} gin_trgm_ops`),
  ],
);

/** A customer's contact people, run by the `contact` machine (F1, F5: active, left, rejoined). */
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
    /** F5: the day the person left the company and why (derived from the machine; null while active). */
    leftOn: date('left_on', { mode: 'string' }),
    leftNote: text('left_note'),
    ...workflowColumns(),
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

/** How a follow-up reached the customer. */
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
