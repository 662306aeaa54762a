/**
 * T8: what an import of many customers needs from the entry rules, without entering them: the
 * check of one new customer by createCustomer's own schema (E1, E3, E5; the same messages), and
 * E4's duplicate keys looked up for many rows at once. Entering stays `createCustomer`'s path
 * (CustomerService.create with its PROTECTION application), row by row.
 */
import { inArray, or, sql } from 'drizzle-orm';
import type { Executor } from '../platform/db/client.js';
import { contacts, customers } from '../platform/db/schema.js';
import { toFieldErrors, validate } from '../platform/validation.js';
import { contactPhoneKeys, createCustomerInput } from './customer.validation.js';

export type { ContactInput, CreateCustomerInput } from './customer.validation.js';

/** A new customer as checked: its E4 keys, or the problems keyed by input path (`name`, `contacts.0.mobile`). */
export type EntryCheck = { ok: true; tradeName: string; phoneKeys: string[] } | { ok: false; fields: Record<string, string> };

/** E1/E3/E5: checks a new customer exactly as createCustomer does, writing nothing. */
export function checkEntry(input: unknown): EntryCheck {
  const result = validate(createCustomerInput, input);
  if (!result.ok) return { ok: false, fields: toFieldErrors(result.problems) };
  const { fields, contacts: contactRows } = result.value;
  const phoneKeys = [...new Set([fields.phoneKey, ...contactRows.flatMap(contactPhoneKeys)].filter(Boolean))];
  return { ok: true, tradeName: fields.tradeName, phoneKeys };
}

/** An entered customer a key belongs to. */
export interface KeyHolder {
  id: string;
  name: string;
}

/** E4's keys already entered: trade-name keys and phone keys (customers' and contacts'), each with a holder. */
export interface EnteredKeys {
  tradeNames: Map<string, KeyHolder>;
  phones: Map<string, KeyHolder>;
}

/** Keys per statement: a few thousand parameters at most. */
const CHUNK = 1_000;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/**
 * E4 for many rows: which of these keys are entered already, a few statements for thousands of
 * rows (each on an index: the trade-name and phone-key indexes, contacts' mobile and landline
 * digits). The answer guides an import; entry itself checks again under its locks (in `db`, the
 * entering transaction).
 */
export async function enteredKeys(db: Executor, tradeNames: readonly string[], phoneKeys: readonly string[]): Promise<EnteredKeys> {
  const found: EnteredKeys = { tradeNames: new Map(), phones: new Map() };
  for (const names of chunks([...new Set(tradeNames)])) {
    const rows = await db
      .select({ id: customers.id, name: customers.name, key: customers.tradeName })
      .from(customers)
      .where(inArray(customers.tradeName, names));
    for (const r of rows) if (!found.tradeNames.has(r.key)) found.tradeNames.set(r.key, { id: r.id, name: r.name });
  }
  const landline = sql<string | null>`regexp_replace(${contacts.landline}, '[^0-9]', '', 'g')`;
  for (const keys of chunks([...new Set(phoneKeys)])) {
    const own = await db.select({ id: customers.id, name: customers.name, key: customers.phoneKey }).from(customers).where(inArray(customers.phoneKey, keys));
    for (const r of own) found.phones.set(r.key, { id: r.id, name: r.name });
    const viaContacts = await db
      .select({ id: customers.id, name: customers.name, mobile: contacts.mobile, landline })
      .from(contacts)
      .innerJoin(customers, sql`${customers.id} = ${contacts.customerId}`)
      .where(or(inArray(contacts.mobile, keys), inArray(landline, keys)));
    for (const r of viaContacts) {
      for (const key of [r.mobile, r.landline]) if (key && keys.includes(key) && !found.phones.has(key)) found.phones.set(key, { id: r.id, name: r.name });
    }
  }
  return found;
}
