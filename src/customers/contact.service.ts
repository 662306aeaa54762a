/** Contacts (F1, E5): added and corrected by whoever may change the customer; never deleted (E6). */
import { asc, eq, inArray, sql } from 'drizzle-orm';
import { QueryBuilder, type PgColumn } from 'drizzle-orm/pg-core';
import { anyUuid, arrayLiteral } from '../platform/db/sql.js';
import { lockKeys, type Database, type Tx } from '../platform/db/client.js';
import { contacts, customers, type ContactRow } from '../platform/db/schema.js';
import type { Clock } from '../platform/clock.js';
import { ConflictError, NotFoundError } from '../platform/errors.js';
import { invariant } from '../platform/invariant.js';
import { parseInput } from '../platform/validation.js';
import type { Viewer } from '../platform/auth/viewer.js';
import type { CustomerService } from './customer.service.js';
import { duplicateError, duplicateKeys } from './rules/e4-duplicate-entry.js';
import { groupedBy } from '../platform/grouped.js';
import { builtOnce, listShapes, type ListShape } from '../platform/db/read-rows.js';
import { contactInput, contactPhoneKeys, type ContactInput } from './customer.validation.js';

/** The Contact fields a list answers from CARD rows (the person and their numbers); others need FULL. */
export const CONTACT_CARD_FIELDS: ReadonlySet<string> = new Set(['id', 'name', 'title', 'mobile', 'landline']);
const SHAPES = listShapes(contacts, ['id', 'customerId', 'name', 'title', 'mobile', 'landline']);

/** The contacts of the customers `ids`, oldest first (the list's loader), per shape, each built once. */
const contactsByCustomerIds = {
  CARD: builtOnce(() => byCustomerIdsQuery(SHAPES.CARD.columns)),
  FULL: builtOnce(() => byCustomerIdsQuery(SHAPES.FULL.columns)),
};

function byCustomerIdsQuery(columns: Record<string, PgColumn>) {
  return new QueryBuilder()
    .select(columns)
    .from(contacts)
    .where(anyUuid(contacts.customerId, sql.placeholder('ids')))
    .orderBy(asc(contacts.createdAt), asc(contacts.id));
}

/** Contacts of customers (F1, E5), changed by whoever may change the customer. */
export class ContactService {
  constructor(
    private readonly database: Database,
    private readonly customers: CustomerService,
    private readonly clock: Clock,
  ) {}

  private get db() {
    return this.database.db;
  }

  async add(viewer: Viewer, customerId: string, input: ContactInput): Promise<ContactRow> {
    const clean = parseInput(contactInput, input, { root: 'input' });
    return this.db.transaction(async (tx) => {
      const [customer] = await tx.select().from(customers).where(eq(customers.id, customerId)).for('update');
      if (!customer) throw new NotFoundError('Customer', customerId);
      this.customers.requireEdit(viewer, customer);
      await this.refuseForeignPhones(tx, contactPhoneKeys(clean), customerId);
      const now = this.clock();
      const [row] = await tx
        .insert(contacts)
        .values({ ...clean, customerId, createdById: viewer.id, createdAt: now, updatedAt: now })
        .returning();
      invariant(row, 'insert … returning gives the row');
      return row;
    });
  }

  async update(viewer: Viewer, id: string, input: ContactInput, expectedVersion?: number | null): Promise<ContactRow> {
    const clean = parseInput(contactInput, input, { root: 'input' });
    return this.db.transaction(async (tx) => {
      const [current] = await tx.select().from(contacts).where(eq(contacts.id, id)).for('update');
      if (!current) throw new NotFoundError('Contact', id);
      const [customer] = await tx.select().from(customers).where(eq(customers.id, current.customerId));
      if (!customer) throw new NotFoundError('Customer', current.customerId);
      this.customers.requireEdit(viewer, customer);
      if (expectedVersion != null && expectedVersion !== current.version) {
        throw new ConflictError(`Contact ${id} has changed (version ${current.version}); reload and retry`, { currentVersion: current.version });
      }
      await this.refuseForeignPhones(tx, contactPhoneKeys(clean), customer.id);
      const [row] = await tx
        .update(contacts)
        .set({ ...clean, version: current.version + 1, updatedAt: this.clock() })
        .where(eq(contacts.id, id))
        .returning();
      if (!row) throw new NotFoundError('Contact', id);
      return row;
    });
  }

  /** E4: a number that belongs to another customer means this is probably that company. */
  private async refuseForeignPhones(tx: Tx, keys: string[], customerId: string): Promise<void> {
    if (keys.length === 0) return;
    await lockKeys(tx, duplicateKeys(null, keys));
    const matches = await this.customers.findDuplicates(tx, null, keys, customerId);
    if (matches.length > 0) throw duplicateError(matches, `This number belongs to another customer: ${matches[0]?.name ?? ''}`);
  }

  /** Each customer's contacts, oldest first; CARD rows hold only the CARD columns (CONTACT_CARD_FIELDS). */
  async byCustomerIds(ids: readonly string[], shape: ListShape = 'FULL'): Promise<ContactRow[][]> {
    const rows = await SHAPES[shape].rows.run(this.database, this.db, contactsByCustomerIds[shape](), { ids: arrayLiteral(ids) });
    return groupedBy(ids, rows, (r) => r.customerId);
  }

  async byIds(ids: readonly string[]): Promise<(ContactRow | null)[]> {
    const rows = await this.db
      .select()
      .from(contacts)
      .where(inArray(contacts.id, [...ids]));
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  }
}
