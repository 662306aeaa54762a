/**
 * E1/E3/E5/F1 input rules for customers and their contacts, as zod schemas over the drizzle
 * tables: the record shapes come from `customers` and `contacts` (drizzle-zod), and only the
 * columns with a rule are extended here. Formats are the E5 helpers of `rules/e5-formats.ts`.
 */
import { createInsertSchema } from 'drizzle-zod';
import { z } from 'zod';

import { contacts, customers } from '../platform/db/schema.js';
import { evenAfterOtherProblems } from '../platform/validation.js';
import { deriveTradeName, TRADE_NAME_KEY_VERSION } from './rules/e1-trade-name.js';
import { LEVEL_MESSAGE, parseLevel } from './customer-level.js';
import { isEmail, isPostcode, normalizeLandline, normalizeMobile, normalizePhone, phoneKey } from './rules/e5-formats.js';

/**
 * Input as people fill in forms: GraphQL `null` means "not given" (the key is dropped, so an
 * update leaves that field alone), text is trimmed, and blank text means "none" (`null`):
 * refused for a required field, clearing an optional one.
 */
function asFilledIn(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  const filled: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === null || value === undefined) continue;
    const text = typeof value === 'string' ? value.trim() : value;
    filled[key] = text === '' ? null : text;
  }
  return filled;
}

/** An optional column: `null` clears it. (A required one refuses `null`: "is required".) */
const optional = <T extends z.ZodType<string, string>>(text: T) => text.nullable().optional();

/** E5: a transform to the canonical form, refusing with `message` what `normalize` does not recognise. */
function normalized<T extends string>(normalize: (text: string) => T | null, message: string) {
  return (text: string, ctx: z.RefinementCtx<string>): T => {
    const value = normalize(text);
    if (value !== null) return value;
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
}

const WEBSITE = /^(https?:\/\/)?[\w-]+(\.[\w-]+)+(\/\S*)?$/i;

/** E1: the full registered name, spaces removed; a trade name must remain besides region, industry and form. */
function registeredName(text: string, ctx: z.RefinementCtx<string>): string {
  const name = text.replace(/\s+/g, '');
  if (name.length < 4 || name.length > 100) {
    ctx.addIssue({ code: 'custom', message: 'must be the full registered name (4–100 characters), e.g. 靖江市春意空调有限公司' });
  } else if (deriveTradeName(name).length < 2) {
    ctx.addIssue({ code: 'custom', message: 'must contain a trade name besides region, industry and organisation form (E1)' });
  }
  return name;
}

/**
 * The columns of `customers` a client writes, typed by the table: E3's required columns are
 * NOT NULL there, the rest nullable. E7: never custody, state or times.
 */
const customerColumns = createInsertSchema(customers).pick({
  name: true,
  address: true,
  industry: true,
  phone: true,
  introduction: true,
  postcode: true,
  email: true,
  fax: true,
  website: true,
  country: true,
  region: true,
  source: true,
  level: true,
  referredById: true,
});
const column = customerColumns.shape;

/** The columns with a rule (E1, E3, E5); the others are taken as the table types them. */
const customerRecord = customerColumns.extend({
  name: column.name.transform(registeredName),
  address: column.address.min(6, 'must be the detailed address (at least 6 characters)'),
  phone: column.phone.transform(normalized(normalizePhone, 'must be a mobile (1[3-9] + 9 digits) or a landline (0 + area code, 7–8 digits)')),
  introduction: column.introduction.refine((text) => text.replace(/\s/g, '').length >= 10, 'must say what the company does (at least 10 characters)'),
  postcode: optional(z.string().refine(isPostcode, 'must be 6 digits')),
  email: optional(z.string().refine(isEmail, 'is not an email address')),
  fax: optional(z.string().transform(normalized(normalizeLandline, 'must be a landline number'))),
  website: optional(z.string().regex(WEBSITE, 'is not a web address')),
  // V2: a level of the pyramid, by code or by its Chinese word (files).
  level: optional(z.string().transform(normalized(parseLevel, LEVEL_MESSAGE))),
  referredById: optional(z.uuid('is not a customer id')),
});

/** E1/E4: the duplicate keys derived from the name and the phone, whenever those are written. */
function withKeys<T extends { name?: string; phone?: string }>(fields: T) {
  return {
    ...fields,
    ...(fields.name !== undefined && { tradeName: deriveTradeName(fields.name), tradeNameVersion: TRADE_NAME_KEY_VERSION }),
    ...(fields.phone !== undefined && { phoneKey: phoneKey(fields.phone) }),
  };
}

/** E3/E5: a new customer's own fields, cleaned, with `tradeName` and `phoneKey`. */
export const customerFields = z.preprocess(asFilledIn, customerRecord).transform(withKeys);

/** E3/E5 for an update: only the fields given are checked and change. */
export const customerChanges = z.preprocess(asFilledIn, customerRecord.partial()).transform(withKeys);

/** The columns of `contacts` a client writes (F1). */
const contactRecord = createInsertSchema(contacts)
  .pick({ name: true, title: true, mobile: true, landline: true, email: true, note: true })
  .extend({
    mobile: optional(z.string().transform(normalized(normalizeMobile, 'must be a mobile number: 11 digits starting 13–19 (+86 allowed)'))),
    landline: optional(z.string().transform(normalized(normalizeLandline, 'must be a landline: area code 0 + 2–3 digits, then 7–8 digits'))),
    email: optional(z.string().refine(isEmail, 'is not an email address')),
  });

/** F1/E5: a contact needs a name and a mobile or a landline; numbers are normalised. */
export const contactInput = z
  .preprocess(
    asFilledIn,
    contactRecord.superRefine(
      (contact, ctx) => {
        if (contact.mobile == null && contact.landline == null) {
          ctx.addIssue({ code: 'custom', path: ['mobile'], message: 'a mobile or a landline is required' });
        }
      },
      { when: evenAfterOtherProblems },
    ),
  )
  .transform((contact) => ({
    name: contact.name,
    title: contact.title ?? null,
    mobile: contact.mobile ?? null,
    landline: contact.landline ?? null,
    email: contact.email ?? null,
    note: contact.note ?? null,
  }));

/** The whole `createCustomer` input: the customer's fields and its first contacts. */
export const createCustomerInput = z
  .preprocess(asFilledIn, customerRecord.extend({ contacts: z.array(contactInput).optional() }))
  .transform(({ contacts: given, ...fields }) => ({
    fields: { ...fields, tradeName: deriveTradeName(fields.name), tradeNameVersion: TRADE_NAME_KEY_VERSION, phoneKey: phoneKey(fields.phone) },
    contacts: given ?? [],
  }));

/** Fields given as `null` are "not given" (GraphQL nullable input fields). */
type Given<T> = { [K in keyof T]?: T[K] | null };

/** A contact as entered and checked (F1, E5). */
export type ContactFields = z.output<typeof contactInput>;
/** A contact as a client sends it (GraphQL `ContactInput`). */
export type ContactInput = Given<z.input<typeof contactRecord>> & { name: string };
/** Customer fields to change (GraphQL `UpdateCustomerInput`). */
export type CustomerFieldsInput = Given<z.input<typeof customerRecord>>;
/** A new customer as a client sends it (GraphQL `CreateCustomerInput`). */
export type CreateCustomerInput = z.input<typeof customerRecord> & { contacts?: ContactInput[] | null };

/** The phone keys of a contact, for the duplicate rule (E4). */
export function contactPhoneKeys(c: { mobile: string | null; landline: string | null }): string[] {
  return [c.mobile, c.landline].filter((v): v is string => v !== null).map(phoneKey);
}
