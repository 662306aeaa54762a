/** Contracts, their lines and payments, and the product catalogue they draw on (C1–C4). */
import { sql } from 'drizzle-orm';
import { bigserial, boolean, date, index, integer, jsonb, numeric, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, ts, updatedAt, workflowColumns } from './columns.js';
import { customers } from './customers.js';
import { users } from './users.js';

/** Money and quantities are `numeric` in the database and decimal strings in code (C3). */
const money = (name: string) => numeric(name, { precision: 17, scale: 2 });

/** The product catalogue contract lines may refer to; codes are unique ignoring case. */
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

/** How a contract is paid, and how much of it is delivered. */
export const PAYMENT_METHODS = ['BANK_TRANSFER', 'CASH', 'CHEQUE', 'INSTALMENTS', 'OTHER'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
export const DELIVERY_STATUSES = ['NOT_DELIVERED', 'PARTIAL', 'DELIVERED'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Who buys, as written on the contract. */
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
    // Reports (issue 18): contracts confirmed in a period, receivables by owner.
    index('contracts_confirmed_idx').on(t.confirmedAt).where(sql`${t.confirmedAt} is not null`),
  ],
);
export type ContractRow = typeof contracts.$inferSelect;

/** A contract's lines, kept in insertion order. */
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

/** Payments received on a contract (C3). */
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
  (t) => [index('payments_contract_idx').on(t.contractId, t.paidAt), index('payments_paid_idx').on(t.paidAt)],
);
export type PaymentRow = typeof payments.$inferSelect;
