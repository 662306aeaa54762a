/**
 * C2/C3 input rules for contracts, their lines, payments and the product catalogue, as zod
 * schemas over the drizzle tables (`contracts`, `contract_lines`, `payments`, `products`): the
 * record shapes come from drizzle-zod, and only the columns with a rule are extended here.
 * Checks that need the database get what the service looked up (the catalogue, the handler).
 * Money, quantities and rates are exact: decimal strings in, scaled bigints out (platform/money.ts).
 */
import { createInsertSchema } from 'drizzle-zod';
import { z } from 'zod';

import { normalizePhone } from '../customers/rules/e5-formats.js';
import { contractLines, contracts, DELIVERY_STATUSES, PAYMENT_METHODS, payments, products, type Buyer, type ProductRow } from '../platform/db/schema.js';
import { invariant } from '../platform/invariant.js';
import { formatDecimal, lineTotal, money, MONEY_SCALE, parseDecimal, QUANTITY_SCALE, RATE_SCALE, type Scaled } from '../platform/money.js';
import { evenAfterOtherProblems } from '../platform/validation.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TAX_ID = /^[0-9A-Z]{15,20}$/;
const PRODUCT_CODE = /^[A-Za-z0-9._-]{1,32}$/;
const DAY_MS = 86_400_000;
/** A discount rate of 1 (everything off), at the rate scale. */
const WHOLE = 10n ** BigInt(RATE_SCALE);

const oneOf = (values: readonly string[]) => `one of ${values.join(', ')}`;

/** A calendar day `YYYY-MM-DD` that exists (no 30 February). */
function isDate(text: string): boolean {
  return DATE.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);
}

/** Free text as filled in: trimmed, and blank means none (`null`); absent stays absent. */
function blankAsNull(text: string | null | undefined): string | null | undefined {
  if (text === undefined) return undefined;
  return text === null || text.trim() === '' ? null : text.trim();
}

/** A decimal of at most `scale` decimals that `ok` accepts, as a scaled bigint; refused with `message` otherwise. */
function decimal(scale: number, ok: (value: Scaled) => boolean, message: string) {
  return (text: string, ctx: z.RefinementCtx<string>): Scaled => {
    const value = parseDecimal(text, scale);
    if (value !== null && ok(value)) return value;
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
}

/** A date column as filled in: `YYYY-MM-DD`, or `null` to clear it. */
const day = (column: z.ZodOptional<z.ZodNullable<z.ZodString>>) => column.refine((text) => text == null || isDate(text), 'must be a date YYYY-MM-DD');

/** A buyer field: blank clears it. */
const buyerText = z.string().nullish().transform(blankAsNull);

/** E5: the buyer's phone in the customers' canonical form. */
function buyerPhone(text: string | null | undefined, ctx: z.RefinementCtx<string | null | undefined>): string | null | undefined {
  if (text == null) return text;
  const phone = normalizePhone(text);
  if (phone !== null) return phone;
  ctx.addIssue({ code: 'custom', message: 'must be a mobile or landline number' });
  return z.NEVER;
}

/** C2: the buyer block, replaced as a whole: a field left out is cleared. */
const buyerInput = z
  .object({
    name: buyerText,
    address: buyerText,
    taxId: buyerText.refine((text) => text == null || TAX_ID.test(text), 'a tax id (统一社会信用代码) is 15–20 digits or capital letters'),
    contactName: buyerText,
    phone: buyerText.transform(buyerPhone),
  })
  .transform((b): Buyer => ({
    name: b.name ?? null,
    address: b.address ?? null,
    taxId: b.taxId ?? null,
    contactName: b.contactName ?? null,
    phone: b.phone ?? null,
  }));

/** The columns of `contracts` a client fills in (C2); number, customer, totals and state are the server's. */
const contractColumns = createInsertSchema(contracts).pick({
  type: true,
  signDate: true,
  paymentMethod: true,
  buyer: true,
  startDate: true,
  endDate: true,
  terms: true,
  commitments: true,
});
const contractColumn = contractColumns.shape;

const contractRecord = contractColumns.extend({
  type: contractColumn.type.transform(blankAsNull),
  signDate: day(contractColumn.signDate),
  paymentMethod: z.enum(PAYMENT_METHODS, { error: oneOf(PAYMENT_METHODS) }).nullish(),
  // `null` leaves the buyer as it is: only a block given replaces it.
  buyer: buyerInput.nullish().transform((buyer) => buyer ?? undefined),
  startDate: day(contractColumn.startDate),
  endDate: day(contractColumn.endDate),
  terms: contractColumn.terms.transform(blankAsNull),
  commitments: contractColumn.commitments.transform(blankAsNull),
});

/** C2: contract fields to fill in; only those given change, `null` or blank clears one (not the buyer). */
export const contractChanges = contractRecord.superRefine(
  ({ startDate, endDate }, ctx) => {
    if (typeof startDate !== 'string' || typeof endDate !== 'string' || !isDate(startDate) || !isDate(endDate)) return;
    if (endDate < startDate) ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'must not be before startDate' });
  },
  { when: evenAfterOtherProblems },
);

/** Contract fields as a client sends them (GraphQL `ContractInput`). */
export type ContractInput = z.input<typeof contractChanges>;

const lineColumns = createInsertSchema(contractLines).pick({ productId: true, description: true, quantity: true, unitPrice: true, discount: true });
const lineColumn = lineColumns.shape;

/** A line's own fields; the price may come from the catalogue, the rest of the row is computed. */
const lineRecord = lineColumns.extend({
  // Ids are checked as ids at the edge (platform/graphql/ids.ts); whether it is in the catalogue, below.
  productId: z.string().nullish(),
  description: lineColumn.description.nullish().transform(blankAsNull),
  quantity: lineColumn.quantity.transform(decimal(QUANTITY_SCALE, (q) => q > 0n, 'must be a positive decimal with at most 3 decimals')),
  unitPrice: lineColumn.unitPrice.transform(decimal(MONEY_SCALE, (p) => p >= 0n, 'must be a decimal amount with at most 2 decimals')).nullish(),
  discount: lineColumn.discount
    .unwrap()
    .transform(decimal(RATE_SCALE, (d) => d >= 0n && d < WHOLE, 'must be a rate from 0 to below 1 (0.1 = 10 % off)'))
    .nullish(),
});

/** A product line as a client sends it (GraphQL `ContractLineInput`). */
export type ContractLineInput = z.input<typeof lineRecord>;

/**
 * C2: a product line against the catalogue entries its `productId`s name (active or not): an
 * active product or a description; the price defaults to the product's list price; the amount
 * is quantity × price × (1 − discount), to the cent.
 */
export function contractLineInput(catalogue: ReadonlyMap<string, ProductRow>) {
  return lineRecord
    .superRefine(
      ({ productId, description, unitPrice }, ctx) => {
        const product = productId ? catalogue.get(productId) : undefined;
        if (productId && !product?.active) ctx.addIssue({ code: 'custom', path: ['productId'], message: 'is not an active product' });
        if (!productId && description == null) ctx.addIssue({ code: 'custom', path: ['description'], message: 'a product or a description is required' });
        if (unitPrice == null && !product) ctx.addIssue({ code: 'custom', path: ['unitPrice'], message: 'must be a decimal amount with at most 2 decimals' });
      },
      { when: evenAfterOtherProblems },
    )
    .transform(({ productId, description, quantity, unitPrice, discount }) => {
      const product = productId ? catalogue.get(productId) : undefined;
      const price = unitPrice ?? (product ? money.parse(product.listPrice) : null);
      invariant(price != null, 'a line without a price or a product was refused');
      const rate = discount ?? 0n;
      return {
        productId: product?.id ?? null,
        description: description ?? product?.name ?? '',
        quantity: formatDecimal(quantity, QUANTITY_SCALE),
        unitPrice: money.format(price),
        discount: formatDecimal(rate, RATE_SCALE),
        amount: money.format(lineTotal(quantity, price, rate)),
      };
    });
}

/** Several lines at once, each under `lines.N`; at least one. */
export function contractLineList(catalogue: ReadonlyMap<string, ProductRow>) {
  return z.array(contractLineInput(catalogue)).min(1, 'give at least one line');
}

const paymentColumns = createInsertSchema(payments).pick({ amount: true, paidAt: true, method: true, account: true, handlerId: true, note: true });
const paymentColumn = paymentColumns.shape;

const paymentRecord = paymentColumns.extend({
  amount: paymentColumn.amount.transform(decimal(MONEY_SCALE, (a) => a > 0n, 'must be a positive amount with at most 2 decimals')),
  method: z.enum(PAYMENT_METHODS, { error: oneOf(PAYMENT_METHODS) }),
  account: paymentColumn.account.transform(blankAsNull),
  // Ids are checked as ids at the edge; whether it is an active user, by the caller's lookup.
  handlerId: z.string().nullish(),
  note: paymentColumn.note.transform(blankAsNull),
});

/** A payment as a client sends it (GraphQL `PaymentInput`). */
export type PaymentInput = z.input<typeof paymentRecord>;

/** What {@link paymentInput}'s checks depend on. */
export interface PaymentContext {
  readonly now: Date;
  /** Whether a user id names an active user (the service looked the handler up). */
  readonly isActiveUser: (id: string) => boolean;
}

/** C3: an amount above zero in cents, a method, a payment date not in the future, an active handler. */
export function paymentInput({ now, isActiveUser }: PaymentContext) {
  return paymentRecord.extend({
    paidAt: paymentColumn.paidAt.refine((at) => at.getTime() <= now.getTime() + DAY_MS, 'must not be in the future'),
    handlerId: paymentRecord.shape.handlerId.refine((id) => id == null || isActiveUser(id), 'is not an active user'),
  });
}

/** C3: how far delivery has got. */
export const deliveryStatusInput = z.enum(DELIVERY_STATUSES, { error: oneOf(DELIVERY_STATUSES) });

const productColumns = createInsertSchema(products).pick({ code: true, name: true, unit: true, listPrice: true, active: true });
const productColumn = productColumns.shape;
const required = (text: z.ZodString) => text.trim().min(1, 'is required');

const productRecord = productColumns.extend({
  code: required(productColumn.code).regex(PRODUCT_CODE, 'letters, digits, . _ - (at most 32)'),
  name: required(productColumn.name),
  unit: required(productColumn.unit),
  listPrice: required(productColumn.listPrice)
    .transform(decimal(MONEY_SCALE, (p) => p >= 0n, 'must be an amount with at most 2 decimals'))
    .transform(money.format),
  // `null` leaves it as it is.
  active: productColumn.active.nullable().transform((active) => active ?? undefined),
});

/** A new catalogue product: code, name, unit and list price. */
export const productInput = productRecord;

/** Changes to a catalogue product: only the fields given are checked and change. */
export const productChanges = productRecord.partial();

type ProductFields = z.input<typeof productRecord>;

/**
 * A catalogue product as a client sends it (GraphQL `ProductInput`): any field may be left out
 * or `null`; {@link productInput} and {@link productChanges} say which must be there.
 */
export type ProductInput = { [K in keyof ProductFields]?: ProductFields[K] | null };
