/**
 * E2/E4: a company is entered once. Entry is refused as a duplicate when the trade-name key (E1)
 * or a phone number — the customer's or any contact's — matches an existing customer; the
 * refusal names the existing record(s) with their state and custodian. The duplicate check (E2),
 * which lists every customer whose name contains or resembles a keyword, or whose phone matches,
 * is in ../customer.duplicates.ts.
 */
import { and, eq, inArray, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../platform/db/client.js';
import { contacts, customers, users, type CustomerRow, type Stage } from '../../platform/db/schema.js';
import { DuplicateError } from '../../platform/errors.js';

export interface DuplicateMatch {
  customerId: string;
  name: string;
  tradeName: string;
  stage: Stage;
  state: string;
  custodianName: string | null;
}

/** The advisory-lock names for the duplicate rule's keys: simultaneous entries sharing one wait for each other. */
export function duplicateKeys(tradeName: string | null, phoneKeys: readonly string[]): string[] {
  return [...(tradeName ? [`trade:${tradeName}`] : []), ...phoneKeys.map((k) => `phone:${k}`)];
}

/** SQL: the customer has this phone, or one of its contacts has it as mobile or landline. */
function phoneMatches(keys: readonly string[]): SQL {
  const list = sql.join(
    keys.map((k) => sql`${k}`),
    sql`, `,
  );
  const landline = sql`regexp_replace(coalesce(${contacts.landline}, ''), '[^0-9]', '', 'g')`;
  return sql`(${inArray(customers.phoneKey, [...keys])} or exists (select 1 from ${contacts} where ${contacts.customerId} = ${customers.id} and (${inArray(contacts.mobile, [...keys])} or ${landline} in (${list}))))`;
}

/** Rows with their custodian's display name, as a duplicate list shows them. */
export interface MatchRow {
  customer: CustomerRow;
  custodianName: string | null;
}

/** Existing customers whose trade name or any phone matches (E4), at most 20. */
export async function findDuplicateRows(executor: Executor, tradeName: string | null, phoneKeys: string[], excludeId?: string): Promise<MatchRow[]> {
  const conditions: SQL[] = [];
  if (tradeName) conditions.push(eq(customers.tradeName, tradeName));
  if (phoneKeys.length > 0) conditions.push(phoneMatches(phoneKeys));
  if (conditions.length === 0) return [];
  return executor
    .select({ customer: customers, custodianName: users.displayName })
    .from(customers)
    .leftJoin(users, eq(users.id, customers.custodianId))
    .where(and(or(...conditions), excludeId ? ne(customers.id, excludeId) : undefined))
    .limit(20);
}

/** The refusal of a duplicate entry, naming the existing records. */
export function duplicateError(matches: DuplicateMatch[], why?: string): DuplicateError {
  const first = matches[0];
  const message =
    why ??
    (first
      ? `This company is already entered: ${first.name} (${first.state}${first.custodianName ? `, ${first.custodianName}` : ''})`
      : 'This company is already entered');
  return new DuplicateError(
    message,
    matches.map((m) => ({ id: m.customerId, name: m.name, tradeName: m.tradeName, stage: m.stage, state: m.state, custodianName: m.custodianName })),
  );
}
