/** Contacts (F1, E5, F5): added, corrected, marked as left and rejoined by whoever may change the customer or a WRITE collaborator (T5); never deleted (E6). */
import { asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { QueryBuilder } from 'drizzle-orm/pg-core';
import { anyUuid, arrayLiteral } from '../platform/db/sql.js';
import { lockKeys, type Database, type Tx } from '../platform/db/client.js';
import { contacts, customers, type ContactRow } from '../platform/db/schema.js';
import type { Clock } from '../platform/clock.js';
import { NotFoundError } from '../platform/errors.js';
import { invariant } from '../platform/invariant.js';
import { parseInput } from '../platform/validation.js';
import type { Viewer } from '../platform/auth/viewer.js';
import type { CustomerService } from './customer.service.js';
import type { WorkflowEngine } from '../workflow/engine.js';
import type { WorkflowDefinition } from '../workflow/workflow.js';
import { actorOf } from '../workflow/actor.js';
import type { ContactFacts } from './contact.machine.js';
import { duplicateError, duplicateKeys } from './rules/e4-duplicate-entry.js';
import { requireWork } from './rules/t5-collaborators.js';
import { groupedBy } from '../platform/grouped.js';
import { FULL, listShapes, type ListShape } from '../platform/db/list-shapes.js';
import { contactInput, contactPhoneKeys, type ContactFields, type ContactInput } from './customer.validation.js';

/** A customer's contacts in a list: the person and their numbers, each read only when asked for; any other field reads FULL rows. */
export const CONTACT_SHAPES = listShapes(contacts, {
  base: ['customerId'],
  fields: { id: ['id'], name: ['name'], title: ['title'], mobile: ['mobile'], landline: ['landline'], state: ['state'] },
});

/** The contacts of the customers `ids`, oldest first (the list's loader), per shape, each built once. */
const contactsByCustomerIds = CONTACT_SHAPES.statements((shape) => byCustomerIdsQuery(shape.columns));

function byCustomerIdsQuery(columns: Record<string, SQL.Aliased>) {
  return new QueryBuilder()
    .select(columns)
    .from(contacts)
    .where(anyUuid(contacts.customerId, sql.placeholder('ids')))
    .orderBy(asc(contacts.createdAt), asc(contacts.id));
}

const FIELDS = ['name', 'title', 'mobile', 'landline', 'email', 'note'] as const;

/** F5: what an edit changed, as the history shows changed columns (P10): { field: [before, after] }. */
function changedFields(before: ContactRow, after: ContactFields): Record<string, [string | null, string | null]> {
  return Object.fromEntries(FIELDS.filter((f) => before[f] !== after[f]).map((f) => [f, [before[f], after[f]]]));
}

/** Contacts of customers (F1, E5), changed by whoever may change the customer; run by the contact machine (F5). */
export class ContactService {
  constructor(
    private readonly database: Database,
    private readonly engine: WorkflowEngine,
    readonly workflow: WorkflowDefinition<ContactRow, ContactFacts>,
    /** The customers service (constructed after this one: a customer's entry adds its first contacts here). */
    private readonly customerService: () => CustomerService,
    private readonly clock: Clock,
  ) {}

  private get customers(): CustomerService {
    return this.customerService();
  }

  private get db() {
    return this.database.db;
  }

  async add(viewer: Viewer, customerId: string, input: ContactInput): Promise<ContactRow> {
    const clean = parseInput(contactInput, input, { root: 'input' });
    return this.db.transaction(async (tx) => {
      const [customer] = await tx.select().from(customers).where(eq(customers.id, customerId)).for('update');
      if (!customer) throw new NotFoundError('Customer', customerId);
      requireWork(viewer, this.customers.project(customer));
      await this.refuseForeignPhones(tx, contactPhoneKeys(clean), customerId);
      const [row] = await this.insertIn(tx, viewer, customerId, [clean]);
      invariant(row, 'insert … returning gives the row');
      return row;
    });
  }

  /** F5: new contacts start active, each with its CREATE history row. */
  insertIn(tx: Tx, viewer: Viewer, customerId: string, rows: readonly ContactFields[]): Promise<ContactRow[]> {
    return this.insertManyIn(
      tx,
      viewer,
      rows.map((fields) => ({ customerId, fields })),
    );
  }

  /** F5: new contacts of one or many customers (a customer's entry adds its first ones this way), one statement for the rows and one for their history. */
  async insertManyIn(tx: Tx, viewer: Viewer, rows: readonly { customerId: string; fields: ContactFields }[]): Promise<ContactRow[]> {
    if (rows.length === 0) return [];
    const now = this.clock();
    const start = this.engine.initial(this.workflow, {});
    const inserted = await tx
      .insert(contacts)
      .values(rows.map(({ customerId, fields }) => ({ ...fields, ...start.values, customerId, createdById: viewer.id, createdAt: now, updatedAt: now })))
      .returning();
    // Every new contact starts alike: one initial state, a CREATE history row each.
    await start.record(
      tx,
      inserted.map((r) => r.id),
      actorOf(viewer),
    );
    return inserted;
  }

  /** F5: corrects a contact (all fields replaced); recorded as UPDATE with the fields it changed. */
  async update(viewer: Viewer, id: string, input: ContactInput, expectedVersion?: number | null): Promise<ContactRow> {
    const clean = parseInput(contactInput, input, { root: 'input' });
    return this.db.transaction(async (tx) => {
      const [current] = await tx.select().from(contacts).where(eq(contacts.id, id)).for('update');
      if (!current) throw new NotFoundError('Contact', id);
      const customer = await this.customers.get(current.customerId, tx);
      requireWork(viewer, this.customers.project(customer));
      await this.refuseForeignPhones(tx, contactPhoneKeys(clean), customer.id);
      const changes = changedFields(current, clean);
      await this.engine.applyIn(tx, this.workflow, id, { type: 'UPDATE' }, actorOf(viewer), { expectedVersion, payload: { changes } });
      const [row] = await tx
        .update(contacts)
        .set({ ...clean, updatedAt: this.clock() })
        .where(eq(contacts.id, id))
        .returning();
      if (!row) throw new NotFoundError('Contact', id);
      return row;
    });
  }

  /** F5: the person left the company (离职) on `leftOn`, with a note; LEAVE on the contact machine, whose F1 guard asks P8's canEdit. */
  async markLeft(viewer: Viewer, id: string, leftOn: string, note: string, expectedVersion?: number | null): Promise<ContactRow> {
    return (await this.engine.apply(this.workflow, id, { type: 'LEAVE', leftOn, note }, actorOf(viewer), { expectedVersion })).row;
  }

  /** F5: the person is back (REJOIN); the note, if any, is kept in the history row. */
  async markRejoined(viewer: Viewer, id: string, note: string | null, expectedVersion?: number | null): Promise<ContactRow> {
    const event = { type: 'REJOIN', ...(note?.trim() && { note: note.trim() }) };
    return (await this.engine.apply(this.workflow, id, event, actorOf(viewer), { expectedVersion })).row;
  }

  /** Refuses (NOT_FOUND / FORBIDDEN, P8) a viewer who may not see this contact's customer in full (designers' sendWorkflowEvent). */
  async requireSee(viewer: Viewer, id: string): Promise<void> {
    const contact = await this.get(id);
    this.customers.requireDetails(viewer, await this.customers.get(contact.customerId));
  }

  async get(id: string): Promise<ContactRow> {
    const [row] = await this.db.select().from(contacts).where(eq(contacts.id, id));
    if (!row) throw new NotFoundError('Contact', id);
    return row;
  }

  /** E4: a number that belongs to another customer means this is probably that company. */
  private async refuseForeignPhones(tx: Tx, keys: string[], customerId: string): Promise<void> {
    if (keys.length === 0) return;
    await lockKeys(tx, duplicateKeys(null, keys));
    const matches = await this.customers.findDuplicates(tx, null, keys, customerId);
    if (matches.length > 0) throw duplicateError(matches, `This number belongs to another customer: ${matches[0]?.name ?? ''}`);
  }

  /** Each customer's contacts, oldest first; a narrow shape's rows hold only its columns (CONTACT_SHAPES). */
  async byCustomerIds(ids: readonly string[], shape: ListShape = FULL): Promise<ContactRow[][]> {
    const rows = await CONTACT_SHAPES.get(shape).rows.run(this.database, this.db, contactsByCustomerIds(shape), { ids: arrayLiteral(ids) });
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
