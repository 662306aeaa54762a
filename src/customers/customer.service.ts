/**
 * Customers: entry with the duplicate rule (E1–E7), reads with visibility (P8) and the
 * protection actions (P1–P9), which go through the workflow engine.
 */
import { requireKnownState } from '../workflow/document.js';
import { and, asc, count, desc, eq, gte, ilike, inArray, isNotNull, lt, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import { lockKeys, type Database, type Executor, type Tx } from '../platform/db/client.js';
import { uniqueViolation } from '../platform/db/errors.js';
import { contacts, customers, transitions, users, type CustomerRow, type Stage, type TransitionRow } from '../platform/db/schema.js';
import type { Clock } from '../platform/clock.js';
import { DuplicateError, FieldErrorCollector, ForbiddenError, NotFoundError, ValidationError, ConflictError } from '../platform/errors.js';
import type { Actor } from '../workflow/actor.js';
import type { WorkflowDefinition, WorkflowEngine } from '../workflow/engine.js';
import type { CustomerFacts } from './customer.machine.js';
import { durationToMs } from '../workflow/policy/duration.js';
import type { Policy } from '../workflow/policy/policy.js';
import { hasRole, requireRole, type Viewer } from '../platform/auth/viewer.js';
import { afterKey, decodeCursor, pageSize, toPage, type KeyPart, type Page, type PageArgs } from '../platform/pagination.js';
import { normalizePhone, phoneKey } from './rules/e5-formats.js';
import { cleanContact, cleanCustomerFields, contactPhoneKeys, type CreateCustomerInput, type CustomerFieldsInput } from './customer.validation.js';
import { deriveTradeName } from './rules/e1-trade-name.js';

export interface DuplicateMatch {
  customerId: string;
  name: string;
  stage: Stage;
  state: string;
  custodianName: string | null;
}

export type CustomerOrderField = 'CREATED_AT' | 'NAME' | 'PROTECTED_UNTIL' | 'LAST_FOLLOW_UP_AT';

export interface CustomerFilter {
  scope?: 'MINE' | 'ALL' | null;
  stage?: Stage | null;
  state?: string | null;
  custodianId?: string | null;
  industry?: string | null;
  region?: string | null;
  keyword?: string | null;
  createdFrom?: Date | null;
  createdTo?: Date | null;
}

export interface CustomerOrder {
  field: CustomerOrderField;
  direction: 'ASC' | 'DESC';
}

/** The advisory-lock names for the duplicate rule's keys (E4). */
export function duplicateKeys(tradeName: string | null, phoneKeys: readonly string[]): string[] {
  return [...(tradeName ? [`trade:${tradeName}`] : []), ...phoneKeys.map((k) => `phone:${k}`)];
}

export function viewerActor(viewer: Viewer): Actor {
  return { kind: 'user', id: viewer.id, roles: viewer.roles, displayName: viewer.displayName };
}

export class CustomerService {
  /**
   * Runs inside the creating transaction (the applications workflow opens the PROTECTION
   * application here, P1/A1), so entry and application commit together.
   */
  afterCreate: ((tx: Tx, row: CustomerRow, viewer: Viewer, input: CreateCustomerInput) => Promise<void>) | null = null;

  constructor(
    private readonly database: Database,
    private readonly engine: WorkflowEngine,
    readonly workflow: WorkflowDefinition<CustomerRow, CustomerFacts>,
    private readonly clock: Clock,
    private readonly policy: () => Policy,
  ) {}

  private get db() {
    return this.database.db;
  }

  /** A row as it is now (a due deadline applied in memory; see WorkflowEngine.project). */
  project(row: CustomerRow): CustomerRow {
    return this.engine.project(this.workflow, row);
  }

  /** SQL for "the deadline has passed": such a customer is in the pool whatever its row says. */
  private overdue(): SQL {
    return sql`(${customers.deadlineAt} is not null and ${customers.deadlineAt} <= ${this.clock().toISOString()}::timestamptz)`;
  }

  private effectiveStage(): SQL {
    return sql`(case when ${this.overdue()} then 'POOL' else ${customers.stage} end)`;
  }

  /** Customers the user holds now (overdue ones excluded). */
  heldBy(userId: string): SQL {
    return and(eq(customers.custodianId, userId), sql`not ${this.overdue()}`) as SQL;
  }

  /** P8: full details only for the custodian and for pool customers; managers, auditors and after-sales see all. */
  canSeeDetails(viewer: Viewer, row: CustomerRow): boolean {
    if (hasRole(viewer, 'MANAGER', 'AUDITOR', 'AFTER_SALES', 'ADMIN')) return true;
    const now = this.project(row);
    return hasRole(viewer, 'SALES') && (now.custodianId === viewer.id || now.stage === 'POOL');
  }

  /** Who may change a customer's records: its custodian, a manager, after-sales for a formal one. */
  canEdit(viewer: Viewer, row: CustomerRow): boolean {
    const now = this.project(row);
    return hasRole(viewer, 'MANAGER') || now.custodianId === viewer.id || (now.stage === 'FORMAL' && hasRole(viewer, 'AFTER_SALES'));
  }

  requireEdit(viewer: Viewer, row: CustomerRow): void {
    if (!this.canEdit(viewer, row)) {
      throw new ForbiddenError('Only the custodian or a manager can change this customer', { rule: 'P8', customerId: row.id });
    }
  }

  requireDetails(viewer: Viewer, row: CustomerRow): void {
    if (!this.canSeeDetails(viewer, row)) {
      throw new ForbiddenError('Only the custodian sees this customer’s details (P8)', { rule: 'P8', customerId: row.id });
    }
  }

  async byIds(ids: readonly string[]): Promise<(CustomerRow | null)[]> {
    const rows = await this.db.select().from(customers).where(inArray(customers.id, [...ids]));
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async get(id: string): Promise<CustomerRow> {
    const [row] = await this.db.select().from(customers).where(eq(customers.id, id));
    if (!row) throw new NotFoundError('Customer', id);
    return row;
  }

  // ---------------------------------------------------------------- entry (E1–E7)

  /** Existing customers whose trade name or any phone (customer's or a contact's) matches (E4). */
  async findDuplicates(executor: Executor, tradeName: string | null, phoneKeys: string[], excludeId?: string): Promise<DuplicateMatch[]> {
    const conditions: SQL[] = [];
    if (tradeName) conditions.push(eq(customers.tradeName, tradeName));
    if (phoneKeys.length > 0) {
      conditions.push(inArray(customers.phoneKey, phoneKeys));
      conditions.push(
        sql`exists (select 1 from ${contacts} where ${contacts.customerId} = ${customers.id} and (${inArray(contacts.mobile, phoneKeys)} or regexp_replace(coalesce(${contacts.landline}, ''), '[^0-9]', '', 'g') in (${sql.join(phoneKeys.map((k) => sql`${k}`), sql`, `)})))`,
      );
    }
    if (conditions.length === 0) return [];
    const rows = await executor
      .select({ customer: customers, custodianName: users.displayName })
      .from(customers)
      .leftJoin(users, eq(users.id, customers.custodianId))
      .where(and(or(...conditions), excludeId ? ne(customers.id, excludeId) : undefined))
      .limit(20);
    return rows.map((r) => this.toMatch(r.customer, r.custodianName));
  }

  private toMatch(row: CustomerRow, custodianName: string | null): DuplicateMatch {
    const now = this.project(row);
    return { customerId: now.id, name: now.name, stage: now.stage, state: now.state, custodianName: now.custodianId ? custodianName : null };
  }

  async create(viewer: Viewer, input: CreateCustomerInput): Promise<CustomerRow> {
    requireRole(viewer, 'SALES', 'MANAGER');
    const errors = new FieldErrorCollector();
    const fields = cleanCustomerFields(input, errors, false);
    const contactRows = (input.contacts ?? []).map((c, i) => cleanContact(c, errors, `input.contacts.${i}`));
    errors.throwIfAny();
    const tradeName = fields.tradeName ?? '';
    const phoneKeys = [...new Set([fields.phoneKey ?? '', ...contactRows.flatMap(contactPhoneKeys)].filter(Boolean))];
    const actor = viewerActor(viewer);
    const now = this.clock();
    try {
      return await this.db.transaction(async (tx) => {
        // E4: simultaneous entries sharing a key wait for each other, then see each other.
        await lockKeys(tx, duplicateKeys(tradeName, phoneKeys));
        const matches = await this.findDuplicates(tx, tradeName, phoneKeys);
        if (matches.length > 0) throw this.duplicate(matches);
        // E7: creator, custodian and time are set here, never by the client. P1: pending audit.
        const start = this.engine.initial(this.workflow, { custodianId: viewer.id });
        const [row] = await tx
          .insert(customers)
          .values({
            name: fields.name ?? '',
            tradeName,
            address: fields.address ?? '',
            industry: fields.industry ?? '',
            phone: fields.phone ?? '',
            phoneKey: fields.phoneKey ?? '',
            introduction: fields.introduction ?? '',
            postcode: fields.postcode ?? null,
            website: fields.website ?? null,
            email: fields.email ?? null,
            fax: fields.fax ?? null,
            country: fields.country ?? null,
            region: fields.region ?? null,
            source: fields.source ?? null,
            level: fields.level ?? null,
            ...start.values,
            stage: start.values.stage ?? 'PROSPECT',
            custodianId: viewer.id,
            createdById: viewer.id,
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        if (!row) throw new Error('insert returned nothing');
        await start.record(tx, row.id, actor);
        if (contactRows.length > 0) {
          await tx.insert(contacts).values(contactRows.map((c) => ({ ...c, customerId: row.id, createdById: viewer.id, createdAt: now, updatedAt: now })));
        }
        await this.afterCreate?.(tx, row, viewer, input);
        return row;
      });
    } catch (err) {
      // The unique index decides a race the pre-check could not see (E4).
      if (uniqueViolation(err)) {
        throw this.duplicate(await this.findDuplicates(this.db, tradeName, phoneKeys));
      }
      throw err;
    }
  }

  private duplicate(matches: DuplicateMatch[]): DuplicateError {
    const first = matches[0];
    return new DuplicateError(
      first ? `This company is already entered: ${first.name} (${first.state}${first.custodianName ? `, ${first.custodianName}` : ''})` : 'This company is already entered',
      matches.map((m) => ({ id: m.customerId, name: m.name, stage: m.stage, state: m.state, custodianName: m.custodianName })),
    );
  }

  /** Data fields only (never state); custodian or MANAGER; a name change re-runs the duplicate rule. */
  async update(viewer: Viewer, id: string, input: CustomerFieldsInput, expectedVersion?: number | null): Promise<CustomerRow> {
    const errors = new FieldErrorCollector();
    const fields = cleanCustomerFields(input, errors, true);
    errors.throwIfAny();
    try {
      return await this.db.transaction(async (tx) => {
        const [row] = await tx.select().from(customers).where(eq(customers.id, id)).for('update');
        if (!row) throw new NotFoundError('Customer', id);
        this.requireEdit(viewer, row);
        if (expectedVersion != null && expectedVersion !== row.version) {
          throw new ConflictError(`Customer ${id} has changed (version ${row.version}, you had ${expectedVersion}); reload and retry`, { currentVersion: row.version });
        }
        const keys = fields.phoneKey && fields.phoneKey !== row.phoneKey ? [fields.phoneKey] : [];
        const trade = fields.tradeName && fields.tradeName !== row.tradeName ? fields.tradeName : null;
        await lockKeys(tx, duplicateKeys(trade, keys));
        const matches = await this.findDuplicates(tx, trade, keys, id);
        if (matches.length > 0) throw this.duplicate(matches);
        const [updated] = await tx
          .update(customers)
          .set({ ...fields, version: row.version + 1, updatedAt: this.clock() })
          .where(eq(customers.id, id))
          .returning();
        if (!updated) throw new NotFoundError('Customer', id);
        return updated;
      });
    } catch (err) {
      if (uniqueViolation(err)) throw new DuplicateError('Another customer has this trade name or phone', []);
      throw err;
    }
  }

  // ---------------------------------------------------------------- reads

  /** E2: any customer whose name contains or resembles the keyword, or whose phone matches. */
  async duplicateCheck(viewer: Viewer, keyword: string | null | undefined, phone: string | null | undefined): Promise<DuplicateMatch[]> {
    requireRole(viewer, 'SALES', 'MANAGER', 'AUDITOR');
    const kw = (keyword ?? '').trim();
    const errors = new FieldErrorCollector();
    errors.check(kw.length > 0 || !!phone?.trim(), 'keyword', 'give a keyword or a phone number');
    const normalized = phone?.trim() ? normalizePhone(phone) : null;
    if (phone?.trim() && !normalized) errors.add('phone', 'is not a mobile or landline number');
    errors.throwIfAny();
    const key = kw ? deriveTradeName(kw) || kw : '';
    const conditions: SQL[] = [];
    let score: SQL = sql`0`;
    if (kw) {
      const like = `%${kw.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      conditions.push(ilike(customers.name, like), eq(customers.tradeName, key), sql`similarity(${customers.tradeName}, ${key}) > 0.3`);
      score = sql`greatest(case when ${customers.tradeName} = ${key} then 1.0 else 0 end, case when ${customers.name} ilike ${like} then 0.8 else 0 end, similarity(${customers.tradeName}, ${key}), similarity(${customers.name}, ${kw}))`;
    }
    if (normalized) {
      const pk = phoneKey(normalized);
      const phoneMatch = sql`(${customers.phoneKey} = ${pk} or exists (select 1 from ${contacts} where ${contacts.customerId} = ${customers.id} and (${contacts.mobile} = ${pk} or regexp_replace(coalesce(${contacts.landline}, ''), '[^0-9]', '', 'g') = ${pk})))`;
      conditions.push(phoneMatch);
      score = sql`greatest(${score}, case when ${phoneMatch} then 1.0 else 0 end)`;
    }
    const rows = await this.db
      .select({ customer: customers, custodianName: users.displayName, score: sql<number>`${score}` })
      .from(customers)
      .leftJoin(users, eq(users.id, customers.custodianId))
      .where(or(...conditions))
      .orderBy(desc(sql`${score}`), asc(customers.name))
      .limit(20);
    return rows.map((r) => this.toMatch(r.customer, r.custodianName));
  }

  async list(viewer: Viewer, filter: CustomerFilter = {}, order: CustomerOrder = { field: 'CREATED_AT', direction: 'DESC' }, args: PageArgs = {}): Promise<Page<CustomerRow>> {
    const limit = pageSize(args.first);
    const where: (SQL | undefined)[] = [];
    // P8: a salesperson's list is their own customers unless they ask for ALL (public cards).
    const scope = filter.scope ?? (hasRole(viewer, 'MANAGER', 'AUDITOR', 'AFTER_SALES', 'ADMIN') ? 'ALL' : 'MINE');
    if (scope === 'MINE') where.push(this.heldBy(viewer.id));
    if (filter.stage) where.push(sql`${this.effectiveStage()} = ${filter.stage}`);
    requireKnownState(this.workflow, filter.state);
    if (filter.state) where.push(sql`(case when ${this.overdue()} then 'pool' else ${customers.state} end) = ${filter.state}`);
    if (filter.custodianId) where.push(this.heldBy(filter.custodianId));
    if (filter.industry) where.push(eq(customers.industry, filter.industry));
    if (filter.region) where.push(ilike(customers.region, `%${filter.region}%`));
    if (filter.keyword?.trim()) where.push(ilike(customers.name, `%${filter.keyword.trim()}%`));
    if (filter.createdFrom) where.push(gte(customers.createdAt, filter.createdFrom));
    if (filter.createdTo) where.push(lt(customers.createdAt, filter.createdTo));

    const desc_ = order.direction === 'DESC';
    const sortKey: { expr: SQL; type: string; value: (r: CustomerRow) => unknown } = {
      CREATED_AT: { expr: sql`${customers.createdAt}`, type: 'timestamptz', value: (r: CustomerRow) => r.createdAt.toISOString() },
      NAME: { expr: sql`${customers.name}`, type: 'text', value: (r: CustomerRow) => r.name },
      PROTECTED_UNTIL: {
        expr: sql`coalesce(${customers.deadlineAt}, 'infinity'::timestamptz)`,
        type: 'timestamptz',
        value: (r: CustomerRow) => r.deadlineAt?.toISOString() ?? 'infinity',
      },
      LAST_FOLLOW_UP_AT: {
        expr: sql`coalesce(${customers.lastFollowUpAt}, '-infinity'::timestamptz)`,
        type: 'timestamptz',
        value: (r: CustomerRow) => r.lastFollowUpAt?.toISOString() ?? '-infinity',
      },
    }[order.field];
    const condition = and(...where);
    if (args.after) {
      const [v, id] = decodeCursor(args.after, 2);
      const parts: KeyPart[] = [[sortKey.expr, v, sortKey.type], [customers.id, id]];
      where.push(afterKey(parts, desc_));
    }
    const rows = await this.db
      .select()
      .from(customers)
      .where(and(...where))
      .orderBy(desc_ ? desc(sortKey.expr) : asc(sortKey.expr), desc_ ? desc(customers.id) : asc(customers.id))
      .limit(limit + 1);
    return toPage(rows, limit, (r) => [sortKey.value(r), r.id], async () => {
      const [c] = await this.db.select({ n: count() }).from(customers).where(condition);
      return c?.n ?? 0;
    });
  }

  /** P7: pool customers (including overdue ones), newest in the pool first. */
  async pool(viewer: Viewer, filter: { industry?: string | null; region?: string | null; keyword?: string | null }, args: PageArgs): Promise<Page<CustomerRow>> {
    requireRole(viewer, 'SALES', 'MANAGER');
    return this.list(viewer, { ...filter, scope: 'ALL', stage: 'POOL' }, { field: 'CREATED_AT', direction: 'DESC' }, args);
  }

  /** Earlier custodians per customer, most recent first (from the history's custody changes). */
  async previousCustodians(customerIds: readonly string[]): Promise<string[][]> {
    const rows = await this.database.rows<{ entity_id: string; user_id: string; at: string }>(
      this.db,
      sql`select ${transitions.entityId} as entity_id, ${transitions.payload}->'changes'->'custodianId'->>0 as user_id, max(${transitions.id}) as at
          from ${transitions}
          where ${inArray(transitions.entityId, [...customerIds])} and ${transitions.payload}->'changes'->'custodianId'->>0 is not null
          group by 1, 2 order by 3 desc`,
    );
    const map = new Map<string, string[]>();
    for (const r of rows) map.set(r.entity_id, [...(map.get(r.entity_id) ?? []), r.user_id]);
    return customerIds.map((id) => map.get(id) ?? []);
  }

  // ---------------------------------------------------------------- protection actions (P5, P7, P9, P1)

  async claim(viewer: Viewer, id: string, expectedVersion?: number | null): Promise<CustomerRow> {
    return (await this.engine.apply(this.workflow, id, { type: 'CLAIM' }, viewerActor(viewer), { expectedVersion })).row;
  }

  async abandon(viewer: Viewer, id: string, reason: string, expectedVersion?: number | null): Promise<CustomerRow> {
    return (await this.engine.apply(this.workflow, id, { type: 'ABANDON', reason }, viewerActor(viewer), { expectedVersion })).row;
  }

  async transfer(viewer: Viewer, id: string, toUserId: string, reason: string, expectedVersion?: number | null): Promise<CustomerRow> {
    return (await this.engine.apply(this.workflow, id, { type: 'TRANSFER', toUserId, reason }, viewerActor(viewer), { expectedVersion })).row;
  }

  /** Time left on the running term, in ms (0 when due), or null with no deadline. */
  remainingMs(row: CustomerRow): number | null {
    const now = this.project(row);
    if (!now.deadlineAt) return null;
    return Math.max(0, now.deadlineAt.getTime() - this.clock().getTime());
  }

  /** Customers held by the viewer whose term ends within `warnBefore` (reminders: expiring). */
  async expiring(viewer: Viewer): Promise<CustomerRow[]> {
    const now = this.clock();
    const warnUntil = new Date(now.getTime() + durationToMs(this.policy().customer.warnBefore));
    return this.db
      .select()
      .from(customers)
      .where(and(this.heldBy(viewer.id), isNotNull(customers.deadlineAt), lte(customers.deadlineAt, warnUntil)))
      .orderBy(asc(customers.deadlineAt))
      .limit(100);
  }
}
